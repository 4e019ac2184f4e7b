package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/versus-dev/versus/internal/consume"
	"github.com/versus-dev/versus/internal/store"
)

// Decode reads the job a worker was handed and returns it with a context
// whose logger names it. A message that is not a job can never succeed, so
// its error is classed permanent.
func Decode(ctx context.Context, msg jetstream.Msg) (context.Context, store.Job, error) {
	var j store.Job
	if err := json.Unmarshal(msg.Data(), &j); err != nil {
		return ctx, j, consume.Permanently(fmt.Errorf("undecodable job on %s: %w", msg.Subject(), err))
	}
	log := zerolog.Ctx(ctx).With().Str("kind", string(j.Kind)).Str("key", j.Key).Int("seq", j.Seq).Logger()
	return log.WithContext(ctx), j, nil
}
