// Package review holds the editors' actions on pages and standard sections:
// claim, release, edit, comment, approve, request changes, reject, and bulk
// approve, each a compare-and-set write at the revision the editor saw,
// followed by an event on the audit log.
package review

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/store"
)

// DefaultClaim is how long a claim lasts unless renewed.
const DefaultClaim = 15 * time.Minute

// Event types the review actions emit.
const (
	EvClaimed          = "claimed"
	EvReleased         = "released"
	EvEdited           = "edited"
	EvCommented        = "commented"
	EvApproved         = "approved"
	EvRejected         = "rejected"
	EvChangesRequested = "changes_requested"
)

// Errors the actions return; the web layer maps them to status codes.
var (
	// ErrInvalid: the request itself is wrong (empty note, bad revision).
	ErrInvalid = errors.New("invalid request")
	// ErrState: the record's state does not allow the action.
	ErrState = errors.New("not allowed in this state")
)

// FindingsError refuses an approval because the record has errors.
type FindingsError struct {
	Findings []finding.Finding
}

func (e *FindingsError) Error() string {
	n, _ := finding.Count(e.Findings)
	return fmt.Sprintf("the draft has %d error(s); fix them before approving", n)
}

// Service runs the review actions over a store.
type Service struct {
	Store    *store.Store
	Profiles *profile.Set
	// CurrentProfiles, when set, is used instead of Profiles: the server
	// reloads profiles, and edits are checked against the current ones.
	CurrentProfiles func() *profile.Set
	Now             func() time.Time
	// ClaimFor is the claim lease; DefaultClaim when zero.
	ClaimFor time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) claimFor() time.Duration {
	if s.ClaimFor > 0 {
		return s.ClaimFor
	}
	return DefaultClaim
}

// refusal is an error an editor is shown as is; it unwraps to its class
// (ErrInvalid, ErrState) for the status code.
type refusal struct {
	msg   string
	class error
}

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return r.class }

func refuse(class error, format string, args ...any) error {
	return &refusal{msg: fmt.Sprintf(format, args...), class: class}
}

func needRev(rev uint64) error {
	if rev == 0 {
		return refuse(ErrInvalid, "the revision the action is based on is required")
	}
	return nil
}

func trimNote(note string) string {
	note = strings.TrimSpace(note)
	if len(note) > 4000 {
		note = note[:4000]
	}
	return note
}

// meta gives the shared steps their view of either record kind.
type claimStep struct {
	actor string
	now   time.Time
	until time.Time
}

// applyClaim takes (or renews, or takes over) the lease and reports who had it.
func applyClaim(m *store.Meta, c claimStep) (previous string) {
	if m.Claim.Active(c.now) && m.Claim.By != c.actor {
		previous = m.Claim.By
	}
	m.Claim = &store.Claim{By: c.actor, Until: c.until}
	return previous
}

func claimNote(previous string) string {
	if previous != "" {
		return "took over from " + previous
	}
	return ""
}

// Clock is the service's time now, in UTC.
func (s *Service) Clock() time.Time { return s.now() }
