package auth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/auth"
)

// A burst of guesses sent at once must be held to the budget of guesses
// sent one after another: the limiter reserves before bcrypt runs.
func TestSignInBurstReservesBeforeCheck(t *testing.T) {
	for _, spread := range []struct {
		name   string
		client func(i int) string
	}{
		{"one address", func(int) string { return "10.0.0.1" }},
		{"an address each", func(i int) string { return fmt.Sprintf("10.1.%d.%d", i/250, i%250) }},
	} {
		t.Run(spread.name, func(t *testing.T) {
			a, _ := newAuth(t)
			ctx := context.Background()
			if _, err := a.CreateUser(ctx, "ed", auth.RoleEditor, "a fine password"); err != nil {
				t.Fatal(err)
			}
			var checks atomic.Int64
			auth.CountChecks(a, func() { checks.Add(1) })
			const n, right = 100, 57
			start := make(chan struct{})
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					pw := fmt.Sprintf("guess number %d", i)
					if i == right {
						pw = "a fine password"
					}
					<-start
					_, errs[i] = a.SignIn(ctx, spread.client(i), "ed", pw)
				}()
			}
			close(start)
			wg.Wait()
			var ok, bad, limited int
			for i, err := range errs {
				switch {
				case err == nil:
					ok++
					if i != right {
						t.Errorf("guess %d signed in", i)
					}
				case errors.Is(err, auth.ErrBadLogin):
					bad++
				case errors.Is(err, auth.ErrRateLimited):
					limited++
					if w, _ := auth.RetryAfter(err); w <= 0 {
						t.Errorf("refusal %d says wait %v", i, w)
					}
				default:
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			got := checks.Load()
			t.Logf("%d concurrent attempts: %d reached bcrypt; %d signed in, %d wrong, %d refused", n, got, ok, bad, limited)
			if got > 10 {
				t.Fatalf("%d of %d concurrent guesses reached the password check, want at most 10", got, n)
			}
			// Only an attempt that was checked gets an answer other than a
			// refusal: none of the burst signed in past the limit.
			if int64(ok+bad) != got || limited != n-int(got) {
				t.Fatalf("answers %d ok + %d wrong + %d refused do not match %d checks", ok, bad, limited, got)
			}
			if ok == 0 && !errors.Is(errs[right], auth.ErrRateLimited) {
				t.Fatalf("the right password was neither accepted nor refused by the limit: %v", errs[right])
			}
		})
	}
}

// An account under attack gets a delay that grows to a bound, never a
// lock-out: its owner waits at most the bound, and not at all from an
// address that signed in before.
func TestSignInDelayGrowsNotLockout(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return now }
	a.LoginBurst, a.LoginEvery, a.LoginMaxDelay = 2, 10*time.Second, 80*time.Second
	if _, err := a.CreateUser(ctx, "ed", auth.RoleEditor, "a fine password"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SignIn(ctx, "192.0.2.10", "ed", "a fine password"); err != nil {
		t.Fatalf("owner's first sign-in: %v", err)
	}
	// The attacker uses a new address for every guess, so only the
	// account's delay holds it.
	ip := 0
	guess := func() error {
		ip++
		_, err := a.SignIn(ctx, fmt.Sprintf("203.0.113.%d", ip), "ed", "wrong guess")
		return err
	}
	for i := range 2 {
		if err := guess(); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("free guess %d: %v", i, err)
		}
	}
	var waits []time.Duration
	for range 6 {
		err := guess()
		w, limited := auth.RetryAfter(err)
		if !limited {
			t.Fatalf("guess right after a failure was checked: %v", err)
		}
		waits = append(waits, w)
		now = now.Add(w)
		if err := guess(); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("guess after waiting %v: %v", w, err)
		}
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 80 * time.Second, 80 * time.Second}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Fatalf("delays %v, want %v", waits, want)
	}
	// The owner, from the address they signed in from before, is not held.
	if _, err := a.SignIn(ctx, "192.0.2.10", "ed", "a fine password"); err != nil {
		t.Fatalf("owner from a known address during the attack: %v", err)
	}
	// From a new address: waits at most the bound, then signs in.
	if err := guess(); err == nil {
		t.Fatal("attacker signed in")
	}
	_, err := a.SignIn(ctx, "198.51.100.7", "ed", "a fine password")
	w, limited := auth.RetryAfter(err)
	if !limited || w > a.LoginMaxDelay {
		t.Fatalf("owner from a new address: %v (wait %v, bound %v)", err, w, a.LoginMaxDelay)
	}
	now = now.Add(w)
	if _, err := a.SignIn(ctx, "198.51.100.7", "ed", "a fine password"); err != nil {
		t.Fatalf("owner after waiting: %v", err)
	}
}

func TestClientAddr(t *testing.T) {
	a, _ := newAuth(t)
	proxies, err := auth.ParsePrefixes("10.0.0.0/8, 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.ParsePrefixes("10.0.0.0/8,not-an-ip"); err == nil {
		t.Fatal("a bad prefix was accepted")
	}
	for _, c := range []struct {
		name, peer, xff, want string
		trust                 bool
	}{
		{"no proxies configured: header ignored", "198.51.100.1:5000", "203.0.113.9", "198.51.100.1", false},
		{"untrusted peer: header ignored", "198.51.100.1:5000", "203.0.113.9", "198.51.100.1", true},
		{"trusted proxy: the client it saw", "10.1.2.3:5000", "203.0.113.9", "203.0.113.9", true},
		{"client-written left part ignored", "10.1.2.3:5000", "1.1.1.1, 203.0.113.9", "203.0.113.9", true},
		{"chain of trusted proxies", "192.0.2.1:5000", "203.0.113.9, 10.9.9.9", "203.0.113.9", true},
		{"garbage in the header: the peer", "10.1.2.3:5000", "203.0.113.9, <script>", "10.1.2.3", true},
		{"no header: the peer", "10.1.2.3:5000", "", "10.1.2.3", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			a.TrustedProxies = nil
			if c.trust {
				a.TrustedProxies = proxies
			}
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = c.peer
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := a.ClientAddr(r); got != c.want {
				t.Fatalf("ClientAddr = %q, want %q", got, c.want)
			}
		})
	}
}

// X-Forwarded-For is outside input: whatever it holds, the address is the
// peer or a well-formed address the header named.
func FuzzClientAddr(f *testing.F) {
	for _, s := range []string{"203.0.113.9", "1.1.1.1, 203.0.113.9", "", "<script>", "::ffff:10.0.0.1, 2001:db8::1", ",,,"} {
		f.Add(s)
	}
	proxies, _ := auth.ParsePrefixes("10.0.0.0/8")
	a := &auth.Auth{TrustedProxies: proxies}
	f.Fuzz(func(t *testing.T, xff string) {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = "10.1.2.3:4000"
		r.Header.Set("X-Forwarded-For", xff)
		got := a.ClientAddr(r)
		if got == "10.1.2.3" {
			return
		}
		ip, err := netip.ParseAddr(got)
		if err != nil || proxies[0].Contains(ip) {
			t.Fatalf("ClientAddr with X-Forwarded-For %q = %q: not a client address", xff, got)
		}
		for _, hop := range strings.Split(xff, ",") {
			if h, err := netip.ParseAddr(strings.TrimSpace(hop)); err == nil && h.Unmap() == ip {
				return
			}
		}
		t.Fatalf("ClientAddr with X-Forwarded-For %q = %q: not named by the header", xff, got)
	})
}
