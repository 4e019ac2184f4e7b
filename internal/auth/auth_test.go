package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/natstest"
)

func newAuth(t *testing.T) (*auth.Auth, jetstream.JetStream) {
	t.Helper()
	_, nc := natstest.Start(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(context.Background(), js)
	if err != nil {
		t.Fatal(err)
	}
	return a, js
}

// kvDump returns every key and value of the accounts bucket as one string.
func kvDump(t *testing.T, js jetstream.JetStream) string {
	t.Helper()
	ctx := context.Background()
	kv, err := js.KeyValue(ctx, auth.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kv.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, k := range keys {
		e, err := kv.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(k + "=" + string(e.Value()) + "\n")
	}
	return b.String()
}

func TestSecretsStoredHashed(t *testing.T) {
	a, js := newAuth(t)
	ctx := context.Background()
	if _, err := a.CreateUser(ctx, "ed", auth.RoleEditor, "a fine password"); err != nil {
		t.Fatal(err)
	}
	raw, tok, err := a.CreateToken(ctx, "ed", "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(raw, auth.TokenPrefix) || len(raw) < 40 {
		t.Fatalf("token %q", raw[:3])
	}
	sid, _, err := a.NewSession(ctx, "ed")
	if err != nil {
		t.Fatal(err)
	}
	dump := kvDump(t, js)
	for what, secret := range map[string]string{"token": raw, "token body": raw[3:], "password": "a fine password", "session id": sid} {
		if strings.Contains(dump, secret) {
			t.Errorf("the KV holds the raw %s", what)
		}
	}
	if !strings.Contains(dump, tok.ID) {
		t.Error("token id (hash prefix) not in the KV: is the hash stored?")
	}
	u, err := a.Authenticate(ctx, raw)
	if err != nil || u.Name != "ed" {
		t.Fatalf("authenticate: %v %v", u, err)
	}
	if _, err := a.Authenticate(ctx, raw+"x"); !errors.Is(err, auth.ErrBadLogin) {
		t.Fatalf("altered token: %v", err)
	}
	if err := a.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, raw); err == nil {
		t.Fatal("revoked token accepted")
	}
}

func TestBootstrap(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	dir := t.TempDir()
	path, created, err := a.Bootstrap(ctx, dir)
	if err != nil || !created || path != filepath.Join(dir, "admin.token") {
		t.Fatalf("bootstrap: %s %v %v", path, created, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("admin.token mode %v", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	u, err := a.SignIn(ctx, "127.0.0.1", "", strings.TrimSpace(string(data)))
	if err != nil || u.Name != "admin" || u.Role != auth.RoleAdmin {
		t.Fatalf("sign in with admin.token: %v %v", u, err)
	}
	// Second start: an admin exists, nothing is created or rewritten.
	if err := os.WriteFile(path, []byte("kept\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, created, err := a.Bootstrap(ctx, dir); err != nil || created {
		t.Fatalf("second bootstrap: created=%v err=%v", created, err)
	}
	if data, _ := os.ReadFile(path); string(data) != "kept\n" {
		t.Fatal("second bootstrap rewrote admin.token")
	}
}

func TestRoles(t *testing.T) {
	cases := []struct {
		r, min auth.Role
		ok     bool
	}{
		{auth.RoleAdmin, auth.RoleEditor, true}, {auth.RoleEditor, auth.RoleEditor, true},
		{auth.RoleViewer, auth.RoleEditor, false}, {auth.RoleEditor, auth.RoleAdmin, false},
		{auth.RoleViewer, auth.RoleViewer, true}, {"", auth.RoleViewer, false}, {"root", auth.RoleViewer, false},
	}
	for _, c := range cases {
		if got := c.r.Can(c.min); got != c.ok {
			t.Errorf("%q.Can(%q) = %v", c.r, c.min, got)
		}
	}
}

func TestUserValidation(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	for _, c := range []struct {
		name, pw string
		role     auth.Role
	}{
		{"Bad Name", "long enough pw", auth.RoleEditor},
		{"ok", "short", auth.RoleEditor},
		{"ok", "long enough pw", "owner"},
		{"../x", "long enough pw", auth.RoleEditor},
	} {
		if _, err := a.CreateUser(ctx, c.name, c.role, c.pw); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("CreateUser(%q, %q): %v", c.name, c.role, err)
		}
	}
	if _, err := a.CreateUser(ctx, "ok", auth.RoleEditor, "long enough pw"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateUser(ctx, "ok", auth.RoleViewer, "long enough pw"); !errors.Is(err, auth.ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestSessionExpiresAndRateLimit(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	now := time.Now()
	a.Now = func() time.Time { return now }
	a.LoginBurst = 2
	if _, err := a.CreateUser(ctx, "ed", auth.RoleEditor, "a fine password"); err != nil {
		t.Fatal(err)
	}
	sid, _, err := a.NewSession(ctx, "ed")
	if err != nil {
		t.Fatal(err)
	}
	if _, u, err := a.Session(ctx, sid); err != nil || u.Name != "ed" {
		t.Fatalf("session: %v", err)
	}
	now = now.Add(a.SessionTTL + time.Second)
	if _, _, err := a.Session(ctx, sid); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("expired session: %v", err)
	}

	// Successes do not count; failures do, per IP and per user.
	for i := 0; i < 5; i++ {
		if _, err := a.SignIn(ctx, "10.0.0.1", "ed", "a fine password"); err != nil {
			t.Fatalf("good sign-in %d: %v", i, err)
		}
	}
	for i := 0; i < 2; i++ {
		if _, err := a.SignIn(ctx, "10.0.0.1", "ed", "nope"); !errors.Is(err, auth.ErrBadLogin) {
			t.Fatalf("bad sign-in %d: %v", i, err)
		}
	}
	if _, err := a.SignIn(ctx, "10.0.0.1", "ed", "a fine password"); !errors.Is(err, auth.ErrRateLimited) {
		t.Fatalf("after the burst: %v", err)
	}
	if _, err := a.SignIn(ctx, "10.0.0.2", "ed", "a fine password"); !errors.Is(err, auth.ErrRateLimited) {
		t.Fatalf("same user, other IP: %v", err)
	}
}

func TestAPIMiddleware(t *testing.T) {
	a, _ := newAuth(t)
	ctx := context.Background()
	for _, u := range []struct {
		n string
		r auth.Role
	}{{"ed", auth.RoleEditor}, {"vic", auth.RoleViewer}} {
		if _, err := a.CreateUser(ctx, u.n, u.r, "a fine password"); err != nil {
			t.Fatal(err)
		}
	}
	edTok, _, _ := a.CreateToken(ctx, "ed", "")
	vicTok, _, _ := a.CreateToken(ctx, "vic", "")
	h := a.API(auth.RoleEditor, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.UserFrom(r.Context())
		w.Write([]byte(u.Name))
	}))
	for _, c := range []struct {
		header string
		want   int
	}{{"", 401}, {"Bearer vs_nope", 401}, {"Basic abc", 401}, {"Bearer " + vicTok, 403}, {"Bearer " + edTok, 200}, {"bearer " + edTok, 200}} {
		req := httptest.NewRequest("POST", "/x", nil)
		if c.header != "" {
			req.Header.Set("Authorization", c.header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%.12q: %d, want %d", c.header, rec.Code, c.want)
		}
	}
}
