package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/auth"
)

// A session lives only as long as the credential it was made from: the
// token's revocation or the user's disabling ends it at once.
func TestSessionsBoundToCredential(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	for _, n := range []string{"ed", "vic"} {
		if _, err := a.CreateUser(ctx, n, auth.RoleEditor, "a fine password"); err != nil {
			t.Fatal(err)
		}
	}
	raw, tok, err := a.CreateToken(ctx, "ed", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	login := func(client, name, secret string) string {
		t.Helper()
		l, err := a.Login(ctx, client, name, secret)
		if err != nil {
			t.Fatalf("login %s: %v", name, err)
		}
		id, s, err := a.NewLoginSession(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		if secret == raw && s.Token != tok.ID {
			t.Fatalf("token session names token %q, want %q", s.Token, tok.ID)
		}
		return id
	}
	byToken := login("10.0.0.1", "", raw)
	byPassword := login("10.0.0.1", "ed", "a fine password")
	vics := login("10.0.0.2", "vic", "a fine password")
	live := func(id string) bool {
		_, _, err := a.Session(ctx, id)
		if err != nil && !errors.Is(err, auth.ErrNoSession) {
			t.Fatal(err)
		}
		return err == nil
	}
	if !live(byToken) || !live(byPassword) || !live(vics) {
		t.Fatal("a new session is not live")
	}
	list, err := a.Sessions(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("sessions: %d %v", len(list), err)
	}
	for _, s := range list {
		if s.CSRF != "" || len(s.ID) != 12 {
			t.Fatalf("listed session %+v: want a 12-digit id and no CSRF token", s)
		}
	}

	// Revoking the token ends the session signed in with it, and only that one.
	if err := a.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if live(byToken) {
		t.Fatal("the session signed in with a revoked token still works")
	}
	if !live(byPassword) {
		t.Fatal("revoking a token ended a password session")
	}

	// Ending a session by its listed id.
	list, _ = a.Sessions(ctx)
	var vicID string
	for _, s := range list {
		if s.User == "vic" {
			vicID = s.ID
		}
	}
	if err := a.EndSessionID(ctx, vicID); err != nil {
		t.Fatal(err)
	}
	if live(vics) {
		t.Fatal("an ended session still works")
	}
	if err := a.EndSessionID(ctx, vicID); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("ending it twice: %v", err)
	}

	// Disabling the user ends the rest; enabling does not bring them back.
	if err := a.SetDisabled(ctx, "ed", true); err != nil {
		t.Fatal(err)
	}
	if live(byPassword) {
		t.Fatal("a disabled user's session still works")
	}
	if _, err := a.SignIn(ctx, "10.0.0.3", "ed", "a fine password"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("a disabled user signed in: %v", err)
	}
	if err := a.SetDisabled(ctx, "ed", false); err != nil {
		t.Fatal(err)
	}
	if live(byPassword) {
		t.Fatal("enabling the user revived an ended session")
	}
	if list, _ := a.Sessions(ctx); len(list) != 0 {
		t.Fatalf("sessions left: %+v", list)
	}
}

// last_used is written when a token is used, at most once a minute.
func TestTokenLastUsed(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return now }
	if _, err := a.CreateUser(ctx, "ed", auth.RoleEditor, "a fine password"); err != nil {
		t.Fatal(err)
	}
	raw, tok, err := a.CreateToken(ctx, "ed", "")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		ts, err := a.Tokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.ID == tok.ID {
				return x.LastUsed
			}
		}
		t.Fatal("token gone")
		return time.Time{}
	}
	if !lastUsed().IsZero() {
		t.Fatal("a new token has a last_used")
	}
	first := now
	if _, err := a.Authenticate(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); !got.Equal(first) {
		t.Fatalf("last_used %v, want %v", got, first)
	}
	now = now.Add(30 * time.Second)
	_, _ = a.Authenticate(ctx, raw)
	if got := lastUsed(); !got.Equal(first) {
		t.Fatalf("last_used written again within a minute: %v", got)
	}
	now = now.Add(auth.LastUsedEvery)
	_, _ = a.Authenticate(ctx, raw)
	if got := lastUsed(); !got.Equal(now) {
		t.Fatalf("last_used %v, want %v", got, now)
	}
	// A revocation is never undone by a last_used write.
	if err := a.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * auth.LastUsedEvery)
	if _, err := a.Authenticate(ctx, raw); err == nil {
		t.Fatal("revoked token accepted")
	}
	ts, _ := a.Tokens(ctx)
	if !ts[0].Revoked {
		t.Fatal("the token is no longer revoked")
	}
}
