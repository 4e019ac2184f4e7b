package store

import "time"

// Settings are every stream, consumer and bucket setting, in one place.
// The values are chosen for LLM drafting, where one job can take a minute.
type Settings struct {
	// Replicas for every stream and bucket: 1 on one machine, 3 on a
	// 3-node cluster so that losing a node loses nothing.
	Replicas int
	// AckWait is how long a worker may hold a job without acking it or
	// saying InProgress. Drafters send InProgress every few seconds during
	// an LLM call, so this only bounds how fast a dead worker's job is
	// redelivered: short enough to recover quickly, long enough for a GC
	// pause or a slow KV write.
	AckWait time.Duration
	// MaxDeliver bounds the deliveries of one job. A job failing
	// transiently (the LLM or the store unavailable) is handed back with a
	// delay growing to a minute; at its last delivery the worker gives it
	// up as needs_attention with the reason, so a job that keeps failing
	// (or panicking) never loops. 50 deliveries ride out about 45 minutes
	// of LLM outage.
	MaxDeliver int
	// BackOff spaces redeliveries after AckWait expiries (a crashed or
	// stuck worker), so a poisoned job cannot spin.
	BackOff []time.Duration
	// Duplicates is the window in which a publish with the same Nats-Msg-Id
	// is dropped: a retried publish is never a second job. Beyond it the
	// record's sequence numbers make a late duplicate a no-op.
	Duplicates time.Duration
	// MaxAckPending bounds jobs in flight per consumer across all its
	// workers; the LLM limiter is the real throttle, this keeps a backlog
	// from being pulled into one process.
	MaxAckPending int
	// History is how many revisions of each page and section record the
	// KV keeps: the editors' diffs and the "approved at" of a page changed
	// since. A page goes through about six revisions from queued to
	// approved, so 16 keeps the pipeline's run and ten edits after it;
	// older changes stay in the events stream for EventsMaxAge.
	History uint8
	// PagesMaxBytes and SectionsMaxBytes bound the record buckets (every
	// revision kept counts). A full bucket refuses the write with an error
	// (KV buckets discard new, never old): a record is never silently
	// lost, and the operator raises the limit. 0: no limit.
	PagesMaxBytes, SectionsMaxBytes int64
	// The jobs stream has no byte limit: it is bounded by the records
	// (a work queue holds only the backlog, about a job per record, and a
	// job's Msg-Id drops a second copy), and a full one could only drop jobs
	// (discard old); with discard new, jobs went undelivered after a
	// change of stream leader in TestClusterStreamLeaderLost.
	//
	// EventsMaxAge and EventsMaxBytes bound the audit log. Events age out
	// (discard old) after EventsMaxAge, or oldest first when the stream
	// reaches EventsMaxBytes; the records themselves are in the KV, so
	// what ages out is only the older audit trail of a record.
	EventsMaxAge   time.Duration
	EventsMaxBytes int64
	// IdleReplica is how long a search replica's durable events consumer
	// (indexer-<replica>) outlives its last pull. Replicas named after
	// their host come and go with pods and containers; without a limit
	// every one ever started would keep a consumer on the events stream
	// forever. One that comes back later loses nothing: every indexer
	// rebuilds its index from the KV at start, then follows new events.
	IdleReplica time.Duration
}

// DefaultSettings suit one process on one machine.
func DefaultSettings() Settings {
	return Settings{
		Replicas:      1,
		AckWait:       30 * time.Second,
		MaxDeliver:    50,
		BackOff:       []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute},
		Duplicates:    10 * time.Minute,
		MaxAckPending: 256,
		History:       16,
		IdleReplica:   time.Hour,
		// Sized for 200 standards (19,900 pages, see the README's settings
		// table): measured sizes at the end of a run, times head room.
		PagesMaxBytes:    2 << 30,
		SectionsMaxBytes: 128 << 20,
		EventsMaxAge:     365 * 24 * time.Hour,
		EventsMaxBytes:   512 << 20,
	}
}

// Names of streams, buckets and subjects.
const (
	JobsStream      = "VERSUS_JOBS"
	EventsStream    = "VERSUS_EVENTS"
	PagesBucket     = "versus_pages"
	SectionsBucket  = "versus_sections"
	jobsSubjects    = "versus.jobs.>"
	eventsSubjects  = "versus.events.>"
	DraftSubjects   = "versus.jobs.draft.>"
	ValidateSubject = "versus.jobs.validate.>"
)
