package store

import (
	"time"

	"github.com/versus-dev/versus/internal/lifecycle"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/page"
)

// State is where a page or a standard section is in its life; the states,
// and the moves between them, are the lifecycle package's.
type State = lifecycle.State

// The states of CONTRACT.md, as lifecycle names them.
const (
	Queued           = lifecycle.Queued
	Drafting         = lifecycle.Drafting
	InReview         = lifecycle.InReview
	ChangesRequested = lifecycle.ChangesRequested
	Approved         = lifecycle.Approved
	Rejected         = lifecycle.Rejected
	NeedsAttention   = lifecycle.NeedsAttention
	Stale            = lifecycle.Stale
)

// States lists every state in display order.
var States = lifecycle.States

// Kind tells the two kinds of drafted record apart.
type Kind = lifecycle.Kind

const (
	KindPage    = lifecycle.KindPage
	KindSection = lifecycle.KindSection
)

// Inputs identify what a draft was made from. Hash is the job identity:
// the same inputs are never drafted (nor paid for) twice.
type Inputs struct {
	Hash     string   `json:"hash"`
	Profiles []string `json:"profiles"` // profile hashes, in page order
	Prompt   string   `json:"prompt"`   // prompt template hash
	Model    string   `json:"model"`    // drafter identity: "offline" or model and settings
}

// Usage counts LLM tokens.
type Usage struct {
	Calls      int `json:"calls"`
	Prompt     int `json:"prompt"`
	Completion int `json:"completion"`
	Cached     int `json:"cached"`
}

// Add sums u and o.
func (u Usage) Add(o Usage) Usage {
	return Usage{u.Calls + o.Calls, u.Prompt + o.Prompt, u.Completion + o.Completion, u.Cached + o.Cached}
}

// Total is prompt plus completion tokens.
func (u Usage) Total() int { return u.Prompt + u.Completion }

// Claim is an editor's lease on a record; others see it and may take it over.
type Claim struct {
	By    string    `json:"by"`
	Until time.Time `json:"until"`
}

// Active reports whether the claim still holds at now.
func (c *Claim) Active(now time.Time) bool { return c != nil && now.Before(c.Until) }

// Comment is an editor's remark on a record.
type Comment struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Draft bookkeeping shared by pages and sections.
type Meta struct {
	State     State             `json:"state"`
	Findings  []finding.Finding `json:"findings"`
	Inputs    Inputs            `json:"inputs"`
	Seq       int               `json:"seq"`            // number of the latest draft job issued for this record
	Drafted   int               `json:"drafted"`        // Seq whose result is stored; a job at or below it is done
	Attempt   int               `json:"attempt"`        // redrafts after failed validation since the last fresh start
	Raw       string            `json:"raw,omitempty"`  // last LLM answer when it could not be decoded
	Drafter   string            `json:"drafter"`        // "offline" or the model
	Usage     Usage             `json:"usage"`          // all tokens spent on this record, over all drafts
	Note      string            `json:"note,omitempty"` // the last request-changes note, given to the redraft
	Claim     *Claim            `json:"claim,omitempty"`
	Comments  []Comment         `json:"comments,omitempty"`
	Updated   time.Time         `json:"updated"`
	UpdatedBy string            `json:"updated_by,omitempty"`
	// Event is the audit event of the write that made this revision. The
	// writer emits it after the write; should it die first, the next writer
	// or the start-up reconciler emits it (the events stream drops a
	// second copy by its id), so no write's event is lost.
	Event *Event `json:"event,omitempty"`
	// Revision is the KV revision the record was read at. It is not stored:
	// Get and List fill it in, and writes compare-and-set against it.
	Revision uint64 `json:"revision"`
	// Answers are the model's answers as received, oldest first (the last
	// MaxAnswers): a redraft or a request for changes shows the model what
	// it wrote, whether or not it could be decoded.
	Answers []Answer `json:"answers,omitempty"`
}

// Answer is one raw answer of the model to a draft job.
type Answer struct {
	Seq     int       `json:"seq"`     // the draft job it answered
	Attempt int       `json:"attempt"` // redrafts before it since the last fresh start
	At      time.Time `json:"at"`
	Text    string    `json:"text"`
}

// MaxAnswers bounds the answers kept on a record: a KV value stays small
// however many times editors send a page back.
const MaxAnswers = 8

// KeepAnswer appends a to as, dropping the oldest beyond MaxAnswers.
func KeepAnswer(as []Answer, a Answer) []Answer {
	as = append(as, a)
	if n := len(as) - MaxAnswers; n > 0 {
		as = append([]Answer(nil), as[n:]...)
	}
	return as
}

// LastAnswer is the latest answer kept, if any.
func (m Meta) LastAnswer() (Answer, bool) {
	if len(m.Answers) == 0 {
		return Answer{}, false
	}
	return m.Answers[len(m.Answers)-1], true
}

// PageRecord is a pair page in the review queue. Its standard sections live
// in their own SectionRecords and are composed in when shown or published.
type PageRecord struct {
	Slug      string    `json:"slug"`
	Title     string    `json:"title"`
	Standards [2]string `json:"standards"`
	Pair      page.Pair `json:"pair"`
	// Approved is the pair part as last approved, kept for diffs and for
	// publishing while a newer draft is in review.
	Approved *page.Pair `json:"approved,omitempty"`
	Meta
}

// SectionRecord is one standard's own sections, reviewed once and reused.
type SectionRecord struct {
	Standard string        `json:"standard"`
	Section  page.Section  `json:"section"`
	Approved *page.Section `json:"approved,omitempty"`
	Meta
}

// Job asks a worker to draft or validate one record.
type Job struct {
	Kind   Kind   `json:"kind"`
	Key    string `json:"key"`    // slug or standard id
	Inputs string `json:"inputs"` // the inputs hash the job is for; a job for old inputs is dropped
	Seq    int    `json:"seq"`    // the record's draft sequence number this job is for
	Reason string `json:"reason"` // new, redraft, changes_requested, stale
}

// Event is one state change: the audit log.
type Event struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Kind     Kind      `json:"kind"`
	Key      string    `json:"key"`
	Type     string    `json:"type"` // queued, drafted, validated, approved, edited, commented, claimed, ...
	Actor    string    `json:"actor"`
	From     State     `json:"from,omitempty"`
	To       State     `json:"to,omitempty"`
	Revision uint64    `json:"revision,omitempty"`
	Note     string    `json:"note,omitempty"`
	Usage    *Usage    `json:"usage,omitempty"`
	Errors   int       `json:"errors,omitempty"`
	Warnings int       `json:"warnings,omitempty"`
}

// Move applies transition t, the one way a record's state changes, and
// makes the write's event, which the caller may add to (a note, usage).
func (m *Meta) Move(t lifecycle.Transition, actor string) (*Event, error) {
	from, to, err := lifecycle.Apply(&m.State, t)
	if err != nil {
		return nil, err
	}
	m.Event = &Event{Type: t.EventType(), Actor: actor, From: from, To: to}
	return m.Event, nil
}

// Log makes the event of a write that changes no state (a claim, a comment).
func (m *Meta) Log(typ, actor string) *Event {
	m.Event = &Event{Type: typ, Actor: actor, From: m.State, To: m.State}
	return m.Event
}

// part is what the publish rule needs of a record.
func part[T any](m Meta, approved *T) lifecycle.Part {
	return lifecycle.Part{State: m.State, HasApproved: approved != nil}
}

// Published is the page site visitors see, by lifecycle.Published: the
// approved pair part composed with both standards' approved sections.
func Published(p PageRecord, a, b SectionRecord) (page.Page, bool) {
	if !lifecycle.Published(part(p.Meta, p.Approved), part(a.Meta, a.Approved), part(b.Meta, b.Approved)) {
		return page.Page{}, false
	}
	// The title is made of the names as approved (the sections'
	// headings), not the record's, which a profile reload rewrites at once.
	title := p.Title
	if a.Approved.Heading != "" && b.Approved.Heading != "" {
		title = a.Approved.Heading + " vs " + b.Approved.Heading
	}
	return page.Compose(p.Slug, title, p.Standards, *p.Approved, *a.Approved, *b.Approved), true
}
