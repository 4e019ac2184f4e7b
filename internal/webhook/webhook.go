// Package webhook tells configured URLs when a page is published, updated or
// unpublished, for CDN purges and CMS syncs. A tracker compares what is
// published with what it last told (kept in a KV bucket) and puts one
// message per event and URL on its own JetStream stream; a durable consumer
// delivers each with an HMAC-SHA256 signature, retrying with backoff, and
// logs every attempt to a stream the admin API reads.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// Event types.
const (
	Published   = "page.published"
	Updated     = "page.updated"
	Unpublished = "page.unpublished"
)

// Headers of a delivery.
const (
	HeaderSignature = "X-Versus-Signature" // "sha256=" + hex HMAC-SHA256 of the body with the secret
	HeaderEvent     = "X-Versus-Event"     // the event type
	HeaderDelivery  = "X-Versus-Delivery"  // the event id: the same on every retry
)

// NATS names.
const (
	Stream      = "VERSUS_WEBHOOKS"
	LogStream   = "VERSUS_WEBHOOK_LOG"
	StateBucket = "versus_webhook_state"
	consumer    = "webhook-delivery"
	subject     = "versus.webhooks.deliver"
	logSubject  = "versus.webhooks.log"
)

// Page is what the tracker needs of a published page. Version changes
// whenever anything a visitor sees on it changes.
type Page struct {
	Slug      string
	Title     string
	Standards [2]string // profile ids, in page order
	URL       string
	Version   string
	Reviewed  time.Time
}

// Source lists what is published now.
type Source interface {
	PublishedVersions(ctx context.Context) ([]Page, error)
}

// Event is the body of a delivery.
type Event struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Slug      string    `json:"slug"`
	Title     string    `json:"title,omitempty"`
	Standards [2]string `json:"standards"`
	URL       string    `json:"url,omitempty"`
	Version   string    `json:"version,omitempty"`
	Reviewed  time.Time `json:"reviewed,omitzero"`
	Time      time.Time `json:"time"`
}

// delivery is one event for one URL, the stream's message.
type delivery struct {
	Target string `json:"target"`
	Event  Event  `json:"event"`
}

// Attempt is one line of the delivery log.
type Attempt struct {
	Time     time.Time `json:"time"`
	Event    string    `json:"event"` // event id
	Type     string    `json:"type"`
	Slug     string    `json:"slug"`
	Target   string    `json:"target"`
	Attempt  int       `json:"attempt"`
	Status   int       `json:"status,omitempty"` // the receiver's HTTP status
	Error    string    `json:"error,omitempty"`
	Outcome  string    `json:"outcome"` // delivered, retrying, failed
	Duration string    `json:"duration"`
}

// Config says whom to tell and how hard to try.
type Config struct {
	URLs   []string
	Secret string
	// MaxAttempts bounds deliveries of one event to one URL (default 8);
	// Backoff is the wait after each failed attempt, the last repeated
	// (default 1s, 5s, 30s, 2m, 10m).
	MaxAttempts int
	Backoff     []time.Duration
	Timeout     time.Duration // one attempt (default 10s)
	Replicas    int           // of the stream, log and bucket (default 1)
	// Interval is how often the tracker looks even without a nudge
	// (default 30s): a nudge lost in a restart delays an event, never
	// loses it.
	Interval time.Duration
	// Settle is how long a nudge waits for more changes before the check
	// (default 1s): a bulk approve is one check, and checks stay rare while
	// drafts stream in.
	Settle time.Duration
	Client *http.Client
}

func (c *Config) defaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if len(c.Backoff) == 0 {
		c.Backoff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute}
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.Interval <= 0 {
		c.Interval = 30 * time.Second
	}
	if c.Settle <= 0 {
		c.Settle = time.Second
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: c.Timeout}
	}
}

// Sign is the signature header's value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is body's signature with secret; receivers
// use it (in constant time).
func Verify(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// Hooks is the running webhook machinery.
type Hooks struct {
	cfg   Config
	js    jetstream.JetStream
	src   Source
	state jetstream.KeyValue
	log   jetstream.Stream
	nudge chan struct{}
	mu    sync.Mutex // one check at a time in this process
	now   func() time.Time
}

// New creates the stream, the log, the state bucket and the consumer.
func New(ctx context.Context, js jetstream.JetStream, src Source, cfg Config) (*Hooks, error) {
	cfg.defaults()
	if len(cfg.URLs) > 0 && cfg.Secret == "" {
		return nil, errors.New("webhook: a secret is needed to sign the deliveries (--webhook-secret or VERSUS_WEBHOOK_SECRET)")
	}
	for _, u := range cfg.URLs {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("webhook: URL %q: want http:// or https://", u)
		}
	}
	h := &Hooks{cfg: cfg, js: js, src: src, nudge: make(chan struct{}, 1), now: time.Now}
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: Stream, Description: "webhook deliveries: one message per event and URL",
		Subjects: []string{subject}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
		Replicas: cfg.Replicas, Duplicates: 10 * time.Minute,
	}); err != nil {
		return nil, fmt.Errorf("webhook stream: %w", err)
	}
	var err error
	if h.log, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: LogStream, Description: "webhook delivery attempts",
		Subjects: []string{logSubject}, Retention: jetstream.LimitsPolicy, Storage: jetstream.FileStorage,
		Replicas: cfg.Replicas, MaxMsgs: 100_000, MaxAge: 30 * 24 * time.Hour,
	}); err != nil {
		return nil, fmt.Errorf("webhook log: %w", err)
	}
	if h.state, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: StateBucket, Description: "the published pages as last told to the webhooks",
		Replicas: cfg.Replicas, Storage: jetstream.FileStorage,
	}); err != nil {
		return nil, fmt.Errorf("webhook state: %w", err)
	}
	return h, nil
}

// Nudge asks for a check soon: something may have been published.
func (h *Hooks) Nudge() {
	select {
	case h.nudge <- struct{}{}:
	default:
	}
}

// told is what the tracker last told of one page. Gen counts the page's
// events, so an event id is new even when a page comes back as it was.
type told struct {
	Version   string    `json:"version,omitempty"`
	Title     string    `json:"title,omitempty"`
	Standards [2]string `json:"standards"`
	URL       string    `json:"url,omitempty"`
	Live      bool      `json:"live"`
	Gen       int       `json:"gen"`
}

// stateKey holds the whole state as one value, written by compare-and-set:
// one read per check, and two processes cannot both record a change.
const stateKey = "told"

func (h *Hooks) load(ctx context.Context) (map[string]told, uint64, error) {
	e, err := h.state.Get(ctx, stateKey)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return map[string]told{}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("webhook: state: %w", err)
	}
	m := map[string]told{}
	if err := json.Unmarshal(e.Value(), &m); err != nil {
		return nil, 0, fmt.Errorf("webhook: state: %w", err)
	}
	return m, e.Revision(), nil
}

// Check compares what is published with what was last told and queues an
// event for each difference. It returns the events queued.
func (h *Hooks) Check(ctx context.Context) ([]Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	pages, err := h.src.PublishedVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("webhook: published pages: %w", err)
	}
	state, rev, err := h.load(ctx)
	if err != nil {
		return nil, err
	}
	now := h.now().UTC()
	var events []Event
	seen := map[string]bool{}
	for _, p := range pages {
		seen[p.Slug] = true
		old := state[p.Slug]
		typ := ""
		switch {
		case !old.Live:
			typ = Published
		case old.Version != p.Version:
			typ = Updated
		default:
			continue
		}
		gen := old.Gen + 1
		events = append(events, Event{ID: eventID(typ, p.Slug, p.Version, gen), Type: typ, Slug: p.Slug, Title: p.Title,
			Standards: p.Standards, URL: p.URL, Version: p.Version, Reviewed: p.Reviewed, Time: now})
		state[p.Slug] = told{Version: p.Version, Title: p.Title, Standards: p.Standards, URL: p.URL, Live: true, Gen: gen}
	}
	for slug, old := range state {
		if seen[slug] || !old.Live {
			continue
		}
		gen := old.Gen + 1
		events = append(events, Event{ID: eventID(Unpublished, slug, old.Version, gen), Type: Unpublished, Slug: slug,
			Title: old.Title, Standards: old.Standards, URL: old.URL, Version: old.Version, Time: now})
		state[slug] = told{Title: old.Title, Standards: old.Standards, URL: old.URL, Gen: gen}
	}
	if len(events) == 0 {
		return nil, nil
	}
	// Queue first, then record: a crash in between queues the same ids
	// again on the next check, and the stream keeps them once.
	for _, ev := range events {
		if err := h.queue(ctx, ev); err != nil {
			return nil, err
		}
	}
	data, err := json.Marshal(state)
	if err != nil {
		return nil, err
	}
	if rev == 0 {
		_, err = h.state.Create(ctx, stateKey, data)
	} else {
		_, err = h.state.Update(ctx, stateKey, data, rev)
	}
	if err != nil {
		// Another process recorded first; it queued the same changes under
		// the same ids, so the next check finds nothing left to tell.
		return nil, fmt.Errorf("webhook: record state: %w", err)
	}
	return events, nil
}

// eventID is the same for the same change, so a check repeated after a
// crash between queueing and recording is deduplicated by the stream.
func eventID(typ, slug, version string, gen int) string {
	sum := sha256.Sum256([]byte(typ + "\x00" + slug + "\x00" + version + "\x00" + strconv.Itoa(gen)))
	return hex.EncodeToString(sum[:12])
}

// queue puts one message per URL on the stream.
func (h *Hooks) queue(ctx context.Context, ev Event) error {
	for _, u := range h.cfg.URLs {
		data, err := json.Marshal(delivery{Target: u, Event: ev})
		if err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(u))
		id := ev.ID + "-" + hex.EncodeToString(sum[:6])
		if _, err := h.js.Publish(ctx, subject, data, jetstream.WithMsgID(id)); err != nil {
			return fmt.Errorf("webhook: queue %s %s: %w", ev.Type, ev.Slug, err)
		}
	}
	return nil
}

// Run checks on every nudge and every interval, and delivers, until ctx
// ends; it returns once the deliveries in hand have ended too.
func (h *Hooks) Run(ctx context.Context) error {
	log := zerolog.Ctx(ctx)
	// The consumer may redeliver after AckWait: longer than an attempt.
	cons, err := h.js.CreateOrUpdateConsumer(ctx, Stream, jetstream.ConsumerConfig{
		Durable: consumer, AckPolicy: jetstream.AckExplicitPolicy,
		AckWait: h.cfg.Timeout + 30*time.Second, MaxDeliver: h.cfg.MaxAttempts,
		MaxAckPending: 64,
	})
	if err != nil {
		return fmt.Errorf("webhook consumer: %w", err)
	}
	// Run returns only when no delivery is in hand: one that outlived it
	// would write to the log (and the store) after the server shut them.
	var (
		mu       sync.Mutex
		stopped  bool
		inflight sync.WaitGroup
	)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		mu.Lock()
		if stopped { // handed back: the next tracker delivers it
			mu.Unlock()
			_ = m.Nak()
			return
		}
		inflight.Add(1)
		mu.Unlock()
		defer inflight.Done()
		h.deliver(ctx, m)
	}, jetstream.PullMaxMessages(8))
	if err != nil {
		return fmt.Errorf("webhook consume: %w", err)
	}
	defer func() {
		cc.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
		inflight.Wait() // ctx has ended: an attempt in hand ends with it
	}()
	tick := time.NewTicker(h.cfg.Interval)
	defer tick.Stop()
	check := func() {
		if evs, err := h.Check(ctx); err != nil && ctx.Err() == nil {
			log.Error().Err(err).Msg("webhook check")
		} else if len(evs) > 0 {
			log.Info().Int("events", len(evs)).Int("urls", len(h.cfg.URLs)).Msg("webhook events queued")
		}
	}
	check()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.nudge:
			// Let a burst of changes (a bulk approve) settle into one check.
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(h.cfg.Settle):
			}
			check()
		case <-tick.C:
			check()
		}
	}
}

// deliver makes one attempt and acks, retries later, or gives up.
func (h *Hooks) deliver(ctx context.Context, m jetstream.Msg) {
	var d delivery
	if err := json.Unmarshal(m.Data(), &d); err != nil {
		_ = m.Term()
		return
	}
	attempt := 1
	if md, err := m.Metadata(); err == nil {
		attempt = int(md.NumDelivered)
	}
	body, _ := json.Marshal(d.Event)
	start := h.now()
	status, err := h.post(ctx, d.Target, d.Event, body)
	shown := Redact(d.Target)
	if err != nil {
		// The HTTP client's errors quote the whole URL.
		err = errors.New(strings.ReplaceAll(err.Error(), d.Target, shown))
	}
	a := Attempt{Time: start.UTC(), Event: d.Event.ID, Type: d.Event.Type, Slug: d.Event.Slug, Target: shown,
		Attempt: attempt, Status: status, Duration: time.Since(start).Round(time.Millisecond).String()}
	switch {
	case err == nil:
		a.Outcome = "delivered"
		_ = m.Ack()
	case attempt >= h.cfg.MaxAttempts:
		a.Outcome, a.Error = "failed", err.Error()
		_ = m.Term()
		zerolog.Ctx(ctx).Error().Err(err).Str("target", shown).Str("slug", d.Event.Slug).Int("attempts", attempt).Msg("webhook gave up")
	default:
		a.Outcome, a.Error = "retrying", err.Error()
		_ = m.NakWithDelay(h.backoff(attempt))
	}
	data, _ := json.Marshal(a)
	if _, err := h.js.Publish(ctx, logSubject, data); err != nil && ctx.Err() == nil {
		zerolog.Ctx(ctx).Warn().Err(err).Msg("webhook log")
	}
}

func (h *Hooks) backoff(attempt int) time.Duration {
	i := min(attempt-1, len(h.cfg.Backoff)-1)
	return h.cfg.Backoff[max(i, 0)]
}

// post sends one delivery; any answer but 2xx is a failure.
func (h *Hooks) post(ctx context.Context, target string, ev Event, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "versus-webhook/1")
	req.Header.Set(HeaderEvent, ev.Type)
	req.Header.Set(HeaderDelivery, ev.ID)
	req.Header.Set(HeaderSignature, Sign(h.cfg.Secret, body))
	res, err := h.cfg.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("%s answered %s", target, res.Status)
	}
	return res.StatusCode, nil
}

// Log returns the last n delivery attempts, newest first.
func (h *Hooks) Log(ctx context.Context, n int) ([]Attempt, error) {
	info, err := h.log.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("webhook log: %w", err)
	}
	out := []Attempt{}
	if info.State.Msgs == 0 || n <= 0 {
		return out, nil
	}
	first := info.State.FirstSeq
	if last := info.State.LastSeq; last >= uint64(n) && last-uint64(n)+1 > first {
		first = last - uint64(n) + 1
	}
	for seq := info.State.LastSeq; seq >= first && len(out) < n; seq-- {
		m, err := h.log.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("webhook log %d: %w", seq, err)
		}
		var a Attempt
		if json.Unmarshal(m.Data, &a) == nil {
			out = append(out, a)
		}
		if seq == 0 {
			break
		}
	}
	return out, nil
}

// LogHandler serves the delivery log: GET ?limit=N (default 100, at most 1000).
func (h *Hooks) LogHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 100
		if v := r.URL.Query().Get("limit"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < 1 || n > 1000 {
				http.Error(w, `{"error":"limit must be a whole number from 1 to 1000"}`, http.StatusBadRequest)
				return
			}
		}
		log, err := h.Log(r.Context(), n)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if err != nil {
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("webhook log")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"error":"internal error"}` + "\n"))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"urls": len(h.cfg.URLs), "deliveries": log})
	})
}

// Redact is a receiver's URL as logs and the delivery log show it: scheme
// and host only. Many receivers (chat hooks, CDN purge URLs) carry their
// secret in the path or query.
func Redact(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "(unreadable URL)"
	}
	shown := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		shown += "/…"
	}
	return shown
}
