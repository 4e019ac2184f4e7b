package auth

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// RateLimitError is a refused sign-in: the client or the account must wait.
// It matches ErrRateLimited with errors.Is.
type RateLimitError struct {
	Wait time.Duration // until the next attempt may be checked
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %s", e.Wait.Round(time.Second))
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// RetryAfter returns how long a refused sign-in must wait, and whether err
// is a refusal at all.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.Wait, true
	}
	return 0, false
}

// signInLimiter spaces password checks. It takes its tickets before the
// check and gives them back after a success, so a burst of guesses sent at
// once is held to the same budget as guesses sent one after another.
//
//   - Per client address: a token bucket (LoginBurst, refilled one every
//     LoginEvery). A success refunds its token.
//   - Per account: LoginBurst free failures, then each further check must
//     wait LoginEvery, doubling with each failure up to LoginMaxDelay. The
//     account is never locked: its owner waits at most LoginMaxDelay, and a
//     client address that signed in to the account before is not held by
//     the account's delay (only by its own bucket), so an attacker
//     elsewhere cannot keep its owner out.
type signInLimiter struct {
	mu       sync.Mutex
	clients  map[string]*clientBucket
	accounts map[string]*accountState
}

type clientBucket struct {
	tokens float64
	last   time.Time
}

type accountState struct {
	failures int       // failed checks since the last success, or since it went quiet
	pending  int       // checks reserved and not yet done
	next     time.Time // no check of this account before this
	lastFail time.Time
	known    map[string]time.Time // client addresses that signed in, and when
}

// limits are the settings a reservation reads (from Auth, so tests may
// change them after New).
type limits struct {
	every, maxDelay, forget, knownFor time.Duration
	burst                             int
}

func (l limits) delay(failures int) time.Duration {
	if failures < l.burst {
		return 0
	}
	exp := failures - l.burst
	if exp > 30 {
		return l.maxDelay
	}
	d := time.Duration(float64(l.every) * math.Pow(2, float64(exp)))
	return min(d, l.maxDelay)
}

// ticket is one reserved check.
type ticket struct {
	l               *signInLimiter
	client, account string
	exempt          bool // a known address: the account's delay did not apply
	lim             limits
}

const maxLimiterEntries = 20000

// reserve takes the client's token and the account's slot, or says how long
// to wait. account "" is a token sign-in: the client limit alone applies.
func (s *signInLimiter) reserve(now time.Time, lim limits, client, account string) (*ticket, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clients == nil {
		s.clients = map[string]*clientBucket{}
		s.accounts = map[string]*accountState{}
	}
	s.prune(now, lim)
	c := s.clients[client]
	if c == nil {
		c = &clientBucket{tokens: float64(lim.burst), last: now}
		s.clients[client] = c
	}
	c.refill(now, lim)
	if c.tokens < 1 {
		return nil, &RateLimitError{Wait: time.Duration((1 - c.tokens) * float64(lim.every))}
	}
	var a *accountState
	exempt := false
	if account != "" {
		a = s.accounts[account]
		if a == nil {
			a = &accountState{}
			s.accounts[account] = a
		}
		if a.pending == 0 && !a.lastFail.IsZero() && now.Sub(a.lastFail) > lim.forget {
			a.failures = 0
		}
		exempt = a.knows(client, now, lim)
		if !exempt {
			if now.Before(a.next) {
				return nil, &RateLimitError{Wait: a.next.Sub(now)}
			}
			// Count this check as failed until it is known not to be.
			a.pending++
			a.next = now.Add(lim.delay(a.failures + a.pending))
		} else {
			a.pending++
		}
	}
	c.tokens--
	return &ticket{l: s, client: client, account: account, exempt: exempt, lim: lim}, nil
}

func (c *clientBucket) refill(now time.Time, lim limits) {
	if el := now.Sub(c.last); el > 0 {
		c.tokens = min(float64(lim.burst), c.tokens+float64(el)/float64(lim.every))
		c.last = now
	}
}

func (a *accountState) knows(client string, now time.Time, lim limits) bool {
	t, ok := a.known[client]
	return ok && now.Sub(t) < lim.knownFor
}

// outcome is how a reserved check ended.
type outcome int

const (
	failed  outcome = iota // a wrong password or token
	success                // signed in
	void                   // the check could not run (the store did not answer): nothing counts
)

// done ends the check: a success refunds the client's token, clears the
// account's failures (unless it came from a known address) and remembers
// the client address; a void check
// refunds and counts nothing.
func (t *ticket) done(now time.Time, how outcome) {
	s := t.l
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.clients[t.client]; c != nil && how != failed {
		c.refill(now, t.lim)
		c.tokens = min(float64(t.lim.burst), c.tokens+1)
	}
	if t.account == "" {
		return
	}
	a := s.accounts[t.account]
	if a == nil {
		return
	}
	a.pending--
	switch how {
	case void:
		a.next = now.Add(t.lim.delay(a.failures + a.pending))
		return
	case success:
		if !t.exempt {
			// A sign-in from a known address leaves an attack elsewhere
			// where it was; any other one ends it.
			a.failures, a.next = 0, now
		}
		if a.known == nil {
			a.known = map[string]time.Time{}
		}
		if len(a.known) >= 32 {
			for k, v := range a.known {
				if now.Sub(v) >= t.lim.knownFor || len(a.known) >= 32 {
					delete(a.known, k)
				}
			}
		}
		a.known[t.client] = now
		return
	}
	a.failures++
	a.lastFail = now
	if n := now.Add(t.lim.delay(a.failures + a.pending)); n.After(a.next) {
		a.next = n
	}
}

// prune forgets state that no longer limits anyone, so guesses at random
// names and addresses cannot fill memory.
func (s *signInLimiter) prune(now time.Time, lim limits) {
	if len(s.clients) > maxLimiterEntries {
		for k, c := range s.clients {
			c.refill(now, lim)
			if c.tokens >= float64(lim.burst) {
				delete(s.clients, k)
			}
		}
	}
	if len(s.accounts) > maxLimiterEntries {
		for k, a := range s.accounts {
			if a.pending == 0 && !now.Before(a.next) && len(a.known) == 0 {
				delete(s.accounts, k)
			}
		}
	}
}
