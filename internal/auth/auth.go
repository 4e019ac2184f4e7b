// Package auth keeps versus's accounts in a JetStream KV bucket: users with
// roles and bcrypt password hashes, API tokens and UI sessions (both stored
// only as SHA-256 hashes), and the HTTP middleware that checks them.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/time/rate"
)

// Bucket is the KV bucket holding users, tokens and sessions.
const Bucket = "versus_auth"

// TokenPrefix starts every API token, so a leaked one is easy to recognise
// (and to scan for) wherever it turns up.
const TokenPrefix = "vs_"

// Errors callers tell apart.
var (
	ErrNotFound     = errors.New("not found")
	ErrExists       = errors.New("already exists")
	ErrInvalid      = errors.New("invalid")
	ErrBadLogin     = errors.New("wrong user name, password or token")
	ErrRateLimited  = errors.New("too many failed sign-ins; wait a minute")
	ErrNoSession    = errors.New("no session")
	ErrTokenRevoked = errors.New("token revoked")
)

// Role says what a user may do. Each role includes the ones below it.
type Role string

const (
	RoleViewer Role = "viewer" // reads the queue
	RoleEditor Role = "editor" // review actions
	RoleAdmin  Role = "admin"  // manages users and tokens, and all editor actions
)

// Roles lists the roles, least first.
var Roles = []Role{RoleViewer, RoleEditor, RoleAdmin}

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleEditor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Can reports whether a user of role r may do what needs role min.
func (r Role) Can(min Role) bool { return r.rank() > 0 && r.rank() >= min.rank() }

// User is an account. The password hash never leaves the package in JSON.
type User struct {
	Name     string    `json:"name"`
	Role     Role      `json:"role"`
	Created  time.Time `json:"created"`
	Disabled bool      `json:"disabled,omitempty"`
}

type userRecord struct {
	User
	Hash []byte `json:"hash"` // bcrypt
}

// Token is an API token's stored form: its hash, never the token.
type Token struct {
	ID       string    `json:"id"` // first hex digits of the hash: names the token in lists
	User     string    `json:"user"`
	Label    string    `json:"label"`
	Created  time.Time `json:"created"`
	Revoked  bool      `json:"revoked,omitempty"`
	LastUsed time.Time `json:"last_used,omitempty"`
	hash     string
}

// Session is a signed-in browser. Its id is only in the cookie; the KV key is its hash.
type Session struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"` // synchronizer token for the session's forms
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

// Auth is the account store and the HTTP guard. Safe for concurrent use.
type Auth struct {
	kv  jetstream.KeyValue
	Now func() time.Time
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// Failed sign-ins are limited per client IP and per user name: a
	// burst, then one more try every LoginEvery.
	LoginEvery time.Duration
	LoginBurst int

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// New opens (or creates) the accounts bucket.
func New(ctx context.Context, js jetstream.JetStream, opts ...Option) (*Auth, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "versus accounts: users, API token hashes, session hashes",
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    options(opts).replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", Bucket, err)
	}
	return &Auth{
		kv:         kv,
		Now:        time.Now,
		SessionTTL: 12 * time.Hour,
		LoginEvery: 12 * time.Second,
		LoginBurst: 5,
		limiters:   map[string]*rate.Limiter{},
	}, nil
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidName reports whether name can be a user name: lowercase letters,
// digits, '-' and '_', at most 32, so it is also a valid KV key part.
func ValidName(name string) bool { return nameRE.MatchString(name) }

func hashHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never happens on a working OS
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (a *Auth) get(ctx context.Context, key string, v any) (uint64, error) {
	e, err := a.kv.Get(ctx, key)
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return 0, ErrNotFound
		}
		return 0, fmt.Errorf("get account record: %w", err)
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return 0, fmt.Errorf("decode account record: %w", err)
	}
	return e.Revision(), nil
}

func (a *Auth) put(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := a.kv.Put(ctx, key, data); err != nil {
		return fmt.Errorf("put account record: %w", err)
	}
	return nil
}

func (a *Auth) create(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := a.kv.Create(ctx, key, data); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return ErrExists
		}
		return fmt.Errorf("create account record: %w", err)
	}
	return nil
}

func (a *Auth) keys(ctx context.Context, filter string) ([]string, error) {
	l, err := a.kv.ListKeysFiltered(ctx, filter)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", filter, err)
	}
	defer l.Stop()
	var out []string
	for k := range l.Keys() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// --- users ---

// CreateUser adds a user; ErrExists if the name is taken.
func (a *Auth) CreateUser(ctx context.Context, name string, role Role, password string) (User, error) {
	if !ValidName(name) {
		return User{}, fmt.Errorf("user name %q: use 1-32 lowercase letters, digits, - or _: %w", name, ErrInvalid)
	}
	if !role.Valid() {
		return User{}, fmt.Errorf("role %q: want admin, editor or viewer: %w", role, ErrInvalid)
	}
	if len(password) < 10 || len(password) > 72 {
		// bcrypt reads at most 72 bytes; a longer password would be silently cut.
		return User{}, fmt.Errorf("password: use 10 to 72 characters: %w", ErrInvalid)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	u := User{Name: name, Role: role, Created: a.Now().UTC()}
	if err := a.create(ctx, "user."+name, userRecord{User: u, Hash: hash}); err != nil {
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	return u, nil
}

// User returns a user by name.
func (a *Auth) User(ctx context.Context, name string) (User, error) {
	if !ValidName(name) {
		return User{}, ErrNotFound
	}
	var r userRecord
	if _, err := a.get(ctx, "user."+name, &r); err != nil {
		return User{}, fmt.Errorf("user %s: %w", name, err)
	}
	return r.User, nil
}

// Users lists every user by name.
func (a *Auth) Users(ctx context.Context) ([]User, error) {
	keys, err := a.keys(ctx, "user.*")
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(keys))
	for _, k := range keys {
		var r userRecord
		if _, err := a.get(ctx, k, &r); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, r.User)
	}
	return out, nil
}

// SetDisabled turns a user's access off (or back on); their sessions and
// tokens stop working at once because every check reads the user.
func (a *Auth) SetDisabled(ctx context.Context, name string, disabled bool) error {
	var r userRecord
	if _, err := a.get(ctx, "user."+name, &r); err != nil {
		return fmt.Errorf("user %s: %w", name, err)
	}
	r.Disabled = disabled
	return a.put(ctx, "user."+name, r)
}

// checkPassword compares in constant time per bcrypt; a missing user costs
// the same as a wrong password, so timing does not tell which names exist.
func (a *Auth) checkPassword(ctx context.Context, name, password string) (User, error) {
	var r userRecord
	_, err := a.get(ctx, "user."+name, &r)
	if !ValidName(name) || err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		if err != nil && !errors.Is(err, ErrNotFound) && ValidName(name) {
			return User{}, err
		}
		return User{}, ErrBadLogin
	}
	if bcrypt.CompareHashAndPassword(r.Hash, []byte(password)) != nil || r.Disabled {
		return User{}, ErrBadLogin
	}
	return r.User, nil
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), bcrypt.DefaultCost)

// --- tokens ---

// CreateToken makes an API token for user. The token is returned once and
// only its SHA-256 is kept.
func (a *Auth) CreateToken(ctx context.Context, user, label string) (string, Token, error) {
	if _, err := a.User(ctx, user); err != nil {
		return "", Token{}, err
	}
	raw := TokenPrefix + randomString(32)
	h := hashHex(raw)
	t := Token{ID: h[:12], User: user, Label: strings.TrimSpace(label), Created: a.Now().UTC(), hash: h}
	if len(t.Label) > 80 {
		t.Label = t.Label[:80]
	}
	if err := a.create(ctx, "token."+h, t); err != nil {
		return "", Token{}, fmt.Errorf("token for %s: %w", user, err)
	}
	return raw, t, nil
}

// Tokens lists every token (hashes only), newest first.
func (a *Auth) Tokens(ctx context.Context) ([]Token, error) {
	keys, err := a.keys(ctx, "token.*")
	if err != nil {
		return nil, err
	}
	out := make([]Token, 0, len(keys))
	for _, k := range keys {
		var t Token
		if _, err := a.get(ctx, k, &t); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		t.hash = strings.TrimPrefix(k, "token.")
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// RevokeToken disables the token whose ID is id.
func (a *Auth) RevokeToken(ctx context.Context, id string) error {
	ts, err := a.Tokens(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ID == id {
			t.Revoked = true
			return a.put(ctx, "token."+t.hash, t)
		}
	}
	return fmt.Errorf("token %s: %w", id, ErrNotFound)
}

// Authenticate returns the user a raw API token belongs to.
func (a *Auth) Authenticate(ctx context.Context, raw string) (User, error) {
	if !strings.HasPrefix(raw, TokenPrefix) || len(raw) > 100 {
		return User{}, ErrBadLogin
	}
	var t Token
	if _, err := a.get(ctx, "token."+hashHex(raw), &t); err != nil {
		if errors.Is(err, ErrNotFound) {
			return User{}, ErrBadLogin
		}
		return User{}, err
	}
	if t.Revoked {
		return User{}, ErrTokenRevoked
	}
	u, err := a.User(ctx, t.User)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return User{}, ErrBadLogin
		}
		return User{}, err
	}
	if u.Disabled {
		return User{}, ErrBadLogin
	}
	return u, nil
}

// --- sign-in and sessions ---

func (a *Auth) limiter(key string) *rate.Limiter {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.limiters[key]
	if !ok {
		if len(a.limiters) > 10000 {
			// Forget limiters that have refilled; they hold no state worth keeping.
			for k, v := range a.limiters {
				if v.Tokens() >= float64(a.LoginBurst) {
					delete(a.limiters, k)
				}
			}
		}
		l = rate.NewLimiter(rate.Every(a.LoginEvery), a.LoginBurst)
		a.limiters[key] = l
	}
	return l
}

// SignIn checks a user name and password, or (with an empty name) an API
// token pasted as the password, so the bootstrap admin can sign in with
// admin.token. Only failures count against the per-IP and per-user limits.
func (a *Auth) SignIn(ctx context.Context, ip, name, secret string) (User, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	secret = strings.TrimSpace(secret)
	keys := []string{"ip:" + ip}
	if name != "" {
		keys = append(keys, "user:"+name)
	}
	for _, k := range keys {
		if a.limiter(k).Tokens() < 1 {
			return User{}, ErrRateLimited
		}
	}
	var u User
	var err error
	if strings.HasPrefix(secret, TokenPrefix) && (name == "" || len(secret) > 40) {
		u, err = a.Authenticate(ctx, secret)
		if err == nil && name != "" && name != u.Name {
			err = ErrBadLogin
		}
	} else {
		u, err = a.checkPassword(ctx, name, secret)
	}
	if err != nil {
		if errors.Is(err, ErrBadLogin) || errors.Is(err, ErrTokenRevoked) {
			for _, k := range keys {
				a.limiter(k).Allow()
			}
			return User{}, ErrBadLogin
		}
		return User{}, err
	}
	return u, nil
}

// NewSession starts a session for user and returns its id (the cookie value).
func (a *Auth) NewSession(ctx context.Context, user string) (string, Session, error) {
	id := randomString(32)
	now := a.Now().UTC()
	s := Session{User: user, CSRF: randomString(24), Created: now, Expires: now.Add(a.SessionTTL)}
	if err := a.create(ctx, "session."+hashHex(id), s); err != nil {
		return "", Session{}, fmt.Errorf("session for %s: %w", user, err)
	}
	return id, s, nil
}

// Session returns the live session with cookie value id and its user.
func (a *Auth) Session(ctx context.Context, id string) (Session, User, error) {
	if id == "" || len(id) > 100 {
		return Session{}, User{}, ErrNoSession
	}
	key := "session." + hashHex(id)
	var s Session
	if _, err := a.get(ctx, key, &s); err != nil {
		if errors.Is(err, ErrNotFound) {
			return Session{}, User{}, ErrNoSession
		}
		return Session{}, User{}, err
	}
	if !a.Now().Before(s.Expires) {
		_ = a.kv.Delete(ctx, key)
		return Session{}, User{}, ErrNoSession
	}
	u, err := a.User(ctx, s.User)
	if err != nil || u.Disabled {
		return Session{}, User{}, ErrNoSession
	}
	return s, u, nil
}

// EndSession deletes a session.
func (a *Auth) EndSession(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	return a.kv.Delete(ctx, "session."+hashHex(id))
}

// ValidCSRF compares a submitted form token with the session's.
func ValidCSRF(s Session, submitted string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(submitted)) == 1
}

// --- bootstrap ---

// Bootstrap makes sure an admin exists. On a fresh install it creates the
// user "admin" (with a random password nobody is told: it signs in with its
// token) and an API token written to DATA/admin.token, mode 0600. It returns
// the file's path and whether it created it.
func (a *Auth) Bootstrap(ctx context.Context, dataDir string) (string, bool, error) {
	path := filepath.Join(dataDir, "admin.token")
	users, err := a.Users(ctx)
	if err != nil {
		return "", false, err
	}
	for _, u := range users {
		if u.Role == RoleAdmin && !u.Disabled {
			return path, false, nil
		}
	}
	if _, err := a.CreateUser(ctx, "admin", RoleAdmin, randomString(32)[:40]); err != nil {
		if errors.Is(err, ErrExists) {
			// Another process bootstrapped first, or "admin" exists without the
			// role: either way not ours to overwrite.
			return path, false, nil
		}
		return "", false, err
	}
	raw, _, err := a.CreateToken(ctx, "admin", "bootstrap")
	if err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	tmp, err := os.CreateTemp(dataDir, ".admin.token-*")
	if err != nil {
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	if _, err := tmp.WriteString(raw + "\n"); err != nil {
		tmp.Close()
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", false, fmt.Errorf("bootstrap: %w", err)
	}
	return path, true, nil
}
