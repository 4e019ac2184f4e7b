package apierr_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/apierr"
	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

func TestStatus(t *testing.T) {
	internal := errors.New("nats: no responders on $JS.API.STREAM.MSG.GET.KV_versus_pages (/var/lib/versus-data/jetstream)")
	cases := []struct {
		name string
		err  error
		code int
		says string // a part of the message; "" for the internal message
	}{
		{"findings", fmt.Errorf("page x: %w", &review.FindingsError{Findings: []finding.Finding{{Severity: finding.Error}}}), 422, "1 error"},
		{"conflict", fmt.Errorf("page x: %w", store.ErrConflict), 409, "changed since"},
		{"illegal", fmt.Errorf("page x: %w", &lifecycle.IllegalError{T: lifecycle.Approve, From: lifecycle.Queued}), 409, "cannot approve a record in state queued"},
		{"not found", fmt.Errorf("x: %w", store.ErrNotFound), 404, "not found"},
		{"unknown standard", &jobs.UnknownError{Names: []string{"iso-9"}}, 400, "iso-9"},
		{"auth exists", fmt.Errorf("user ed: %w", auth.ErrExists), 409, "already exists"},
		{"auth invalid", fmt.Errorf("user: %w", auth.ErrInvalid), 400, "invalid"},
		{"internal", fmt.Errorf("enqueue: %w", internal), 500, ""},
		{"internal wrapping nothing known", internal, 500, ""},
	}
	for _, c := range cases {
		code, msg := apierr.Status(c.err)
		if code != c.code {
			t.Errorf("%s: %d, want %d", c.name, code, c.code)
		}
		if c.says == "" && msg != apierr.Internal || c.says != "" && !strings.Contains(msg, c.says) {
			t.Errorf("%s: %q, want it to say %q", c.name, msg, c.says)
		}
		if strings.Contains(msg, "$JS") || strings.Contains(msg, "/var/") {
			t.Errorf("%s: internal text %q reached the client", c.name, msg)
		}
	}
	if code, _ := apierr.Status(nil); code != http.StatusInternalServerError {
		t.Errorf("nil: %d", code)
	}
}
