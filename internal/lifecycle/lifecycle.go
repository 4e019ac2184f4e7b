// Package lifecycle owns the life of a drafted record: its kinds, its
// states, the transitions allowed between them, the job each state implies
// and the rule that decides what visitors see. Every other package moves a
// record by naming a transition; none writes a state itself.
package lifecycle

import (
	"errors"
	"fmt"
)

// Kind tells the two kinds of drafted record apart.
type Kind string

const (
	KindPage    Kind = "page"    // a pair page: its verdict, differences and FAQ
	KindSection Kind = "section" // a standard's own sections, shared by every page naming it
)

// Kinds lists every kind.
var Kinds = []Kind{KindPage, KindSection}

// State is where a record is in its life. The names are CONTRACT.md's.
type State string

const (
	// None is a record not yet created: the state Queue starts from.
	None             State = ""
	Queued           State = "queued"
	Drafting         State = "drafting"
	InReview         State = "in_review"
	ChangesRequested State = "changes_requested"
	Approved         State = "approved"
	Rejected         State = "rejected"
	NeedsAttention   State = "needs_attention"
	Stale            State = "stale"
)

// States lists every state in display order.
var States = []State{Queued, Drafting, InReview, ChangesRequested, Approved, Rejected, NeedsAttention, Stale}

// Valid reports whether s is one of States.
func (s State) Valid() bool {
	for _, x := range States {
		if s == x {
			return true
		}
	}
	return false
}

// Transition names a move of a record from one state to another.
type Transition string

const (
	Queue          Transition = "queue"           // new inputs (a new record, a changed profile): draft again
	StartDrafting  Transition = "start drafting"  // a drafter took the job
	Drafted        Transition = "drafted"         // the draft is stored; validation next
	Validated      Transition = "validated"       // the draft passed: to review
	Redraft        Transition = "redraft"         // the draft failed validation; draft again with the findings
	NeedsAttn      Transition = "needs attention" // failed for good: a person must look
	HandBack       Transition = "hand back"       // the LLM is out: the job waits, nothing is drafting
	Approve        Transition = "approve"
	Reject         Transition = "reject"
	RequestChanges Transition = "request changes" // back to the drafter with the editor's note
	Edit           Transition = "edit"            // an editor's edit leaving no error (or any edit outside needs_attention)
	EditUnresolved Transition = "edit unresolved" // an edit of a record needing attention that leaves errors
	MarkStale      Transition = "mark stale"      // its inputs changed under it
)

// Rule is one row of the transition table: t moves a record in any of From to To.
type Rule struct {
	T     Transition
	From  []State
	To    State
	Event string // the event type written to the audit log
}

// reviewable are the states an editor acts on.
var reviewable = []State{InReview, NeedsAttention, Stale, Approved, Rejected}

// Table is every allowed transition. Approving a stale record would publish
// text drafted from facts that have since changed; approving while a redraft
// is pending would approve text about to be replaced.
var Table = []Rule{
	{Queue, append([]State{None}, States...), Queued, "queued"},
	{StartDrafting, []State{Queued, ChangesRequested}, Drafting, "drafting"},
	{Drafted, []State{Drafting}, Drafting, "drafted"},
	{Validated, []State{Drafting}, InReview, "validated"},
	{Redraft, []State{Drafting}, Queued, "redraft"},
	{NeedsAttn, []State{Queued, Drafting, ChangesRequested}, NeedsAttention, "needs_attention"},
	{HandBack, []State{Drafting}, Queued, "handed_back"},
	{Approve, []State{InReview, NeedsAttention}, Approved, "approved"},
	{Reject, []State{InReview, NeedsAttention, Stale, Approved, ChangesRequested}, Rejected, "rejected"},
	{RequestChanges, reviewable, ChangesRequested, "changes_requested"},
	{Edit, reviewable, InReview, "edited"},
	{EditUnresolved, []State{NeedsAttention}, NeedsAttention, "edited"},
	{MarkStale, []State{Queued, Drafting, InReview, ChangesRequested, Approved, Rejected, NeedsAttention}, Stale, "stale"},
}

// Transitions lists every transition in table order.
func Transitions() []Transition {
	out := make([]Transition, len(Table))
	for i, r := range Table {
		out[i] = r.T
	}
	return out
}

func rule(t Transition) (Rule, bool) {
	for _, r := range Table {
		if r.T == t {
			return r, true
		}
	}
	return Rule{}, false
}

// ErrIllegal is the class of every refused transition.
var ErrIllegal = errors.New("transition not allowed")

// IllegalError says which transition a state refused.
type IllegalError struct {
	T    Transition
	From State
}

func (e *IllegalError) Error() string {
	from := e.From
	if from == None {
		from = "(new)"
	}
	return fmt.Sprintf("cannot %s a record in state %s", e.T, from)
}

func (e *IllegalError) Unwrap() error { return ErrIllegal }

// Next is the state t leads to from from, or an *IllegalError.
func Next(from State, t Transition) (State, error) {
	r, ok := rule(t)
	if !ok {
		return from, fmt.Errorf("unknown transition %q: %w", t, ErrIllegal)
	}
	for _, s := range r.From {
		if s == from {
			return r.To, nil
		}
	}
	return from, &IllegalError{T: t, From: from}
}

// Allowed reports whether t may start from from.
func Allowed(from State, t Transition) bool {
	_, err := Next(from, t)
	return err == nil
}

// EventType is the audit-log type of t's event.
func (t Transition) EventType() string {
	r, _ := rule(t)
	return r.Event
}

// Apply moves *st by t. It is the one place a record's state is written.
func Apply(st *State, t Transition) (from, to State, err error) {
	from = *st
	to, err = Next(from, t)
	if err != nil {
		return from, from, err
	}
	*st = to
	return from, to, nil
}

// Stage is which worker kind a job is for.
type Stage string

const (
	StageNone     Stage = ""
	StageDraft    Stage = "draft"
	StageValidate Stage = "validate"
)

// NextJob is the job a record in st implies, given the sequence number of
// its latest draft job (seq) and of its stored draft (drafted): a record
// waiting for a draft needs one; a stored draft not yet judged needs
// validating; a record with a person's decision pending needs nothing.
func NextJob(st State, seq, drafted int) Stage {
	switch {
	case (st == Queued || st == Drafting || st == ChangesRequested) && drafted < seq:
		return StageDraft
	case st == Drafting && drafted == seq:
		return StageValidate
	}
	return StageNone
}

// Part is what the publish rule needs of one record: its state and whether
// it has an approved snapshot.
type Part struct {
	State       State
	HasApproved bool
}

// Published is the publish rule, the one definition of it: a page is
// published when the page and both of its standards' sections are approved,
// that is each has an approved snapshot that no rejection has withdrawn.
// Visitors see the approved snapshots: a newer draft in review (after a
// profile change, a request for changes) leaves the page up, while
// rejecting the page or either section takes it down until re-approved.
func Published(page, a, b Part) bool {
	for _, p := range []Part{page, a, b} {
		if !p.HasApproved || p.State == Rejected {
			return false
		}
	}
	return true
}
