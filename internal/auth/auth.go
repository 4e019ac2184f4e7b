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
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/crypto/bcrypt"
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
	// ErrAccountsLost: the data folder had an admin, and the accounts no longer do.
	ErrAccountsLost = errors.New("accounts lost")
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
	LastUsed time.Time `json:"last_used,omitzero"`
	hash     string
}

// Session is a signed-in browser. Its id is only in the cookie; the KV key is its hash.
type Session struct {
	User    string    `json:"user"`
	CSRF    string    `json:"-"` // synchronizer token for the session's forms
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// ID names the session in admin lists: the first hex digits of its
	// key's hash (as a token's ID), never the cookie value.
	ID string `json:"id"`
	// Token is the ID of the API token it was signed in with; "" for a
	// password. The session lives only as long as that token does.
	Token string `json:"token,omitempty"`
}

// sessionRecord is a session as stored: bound to the credential it was
// made from, so revoking the token or replacing the user ends it.
type sessionRecord struct {
	User        string    `json:"user"`
	CSRF        string    `json:"csrf"`
	Created     time.Time `json:"created"`
	Expires     time.Time `json:"expires"`
	UserCreated time.Time `json:"user_created"`         // the account it belongs to, not a later one of the same name
	TokenHash   string    `json:"token_hash,omitempty"` // the token it was signed in with
}

func (r sessionRecord) session(key string) Session {
	s := Session{User: r.User, CSRF: r.CSRF, Created: r.Created, Expires: r.Expires, ID: sessionID(key)}
	if r.TokenHash != "" {
		s.Token = r.TokenHash[:12]
	}
	return s
}

func sessionID(key string) string {
	h := strings.TrimPrefix(key, "session.")
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}

// Auth is the account store and the HTTP guard. Safe for concurrent use.
type Auth struct {
	kv  jetstream.KeyValue
	Now func() time.Time
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// Sign-ins are limited per client address (a burst of LoginBurst, then
	// one every LoginEvery) and per account (LoginBurst failures, then a
	// delay from LoginEvery doubling up to LoginMaxDelay). See limit.go.
	LoginEvery    time.Duration
	LoginBurst    int
	LoginMaxDelay time.Duration
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// when finding a request's client address (ClientAddr).
	TrustedProxies []netip.Prefix

	limiter signInLimiter
	// compare checks a password against its bcrypt hash; tests count calls.
	compare func(hash, password []byte) error

	mu       sync.Mutex
	lastUsed map[string]time.Time // token hash -> last write of its last_used
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
	return Open(kv)
}

// Open is New over a bucket that is already open (versus doctor reads the
// accounts without creating the bucket).
func Open(kv jetstream.KeyValue) (*Auth, error) {
	return &Auth{
		kv:            kv,
		Now:           time.Now,
		SessionTTL:    12 * time.Hour,
		LoginEvery:    12 * time.Second,
		LoginBurst:    5,
		LoginMaxDelay: time.Minute,
		compare:       bcrypt.CompareHashAndPassword,
		lastUsed:      map[string]time.Time{},
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
	if err := a.put(ctx, "user."+name, r); err != nil {
		return err
	}
	if disabled {
		// Every check reads the user, so its sessions and tokens stop at
		// once; deleting the sessions also takes them off the admin list.
		_, err := a.endSessions(ctx, func(s sessionRecord) bool { return s.User == name })
		return err
	}
	return nil
}

// checkPassword compares in constant time per bcrypt; a missing user costs
// the same as a wrong password, so timing does not tell which names exist.
func (a *Auth) checkPassword(ctx context.Context, name, password string) (User, error) {
	var r userRecord
	_, err := a.get(ctx, "user."+name, &r)
	if !ValidName(name) || err != nil {
		_ = a.compare(dummyHash, []byte(password))
		if err != nil && !errors.Is(err, ErrNotFound) && ValidName(name) {
			return User{}, err
		}
		return User{}, ErrBadLogin
	}
	if a.compare(r.Hash, []byte(password)) != nil || r.Disabled {
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
			if err := a.put(ctx, "token."+t.hash, t); err != nil {
				return err
			}
			// Sessions signed in with it end now (Session checks the token
			// too; this takes them off the list).
			_, err := a.endSessions(ctx, func(s sessionRecord) bool { return s.TokenHash == t.hash })
			return err
		}
	}
	return fmt.Errorf("token %s: %w", id, ErrNotFound)
}

// Authenticate returns the user a raw API token belongs to.
func (a *Auth) Authenticate(ctx context.Context, raw string) (User, error) {
	if !strings.HasPrefix(raw, TokenPrefix) || len(raw) > 100 {
		return User{}, ErrBadLogin
	}
	u, _, err := a.authenticate(ctx, hashHex(raw))
	return u, err
}

// LastUsedEvery bounds how often a token's last_used is written: a busy
// script does not turn every request into a KV write.
const LastUsedEvery = time.Minute

// authenticate checks the token stored under hash and its user, and notes
// its use.
func (a *Auth) authenticate(ctx context.Context, hash string) (User, Token, error) {
	var t Token
	rev, err := a.get(ctx, "token."+hash, &t)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return User{}, Token{}, ErrBadLogin
		}
		return User{}, Token{}, err
	}
	if t.Revoked {
		return User{}, Token{}, ErrTokenRevoked
	}
	u, err := a.User(ctx, t.User)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return User{}, Token{}, ErrBadLogin
		}
		return User{}, Token{}, err
	}
	if u.Disabled {
		return User{}, Token{}, ErrBadLogin
	}
	t.hash = hash
	a.touch(ctx, t, rev)
	return u, t, nil
}

// touch records that t was used, at most once every LastUsedEvery. The
// write is a compare-and-set on the revision read, so it can never undo a
// revocation that came in between; losing such a race only skips a note.
func (a *Auth) touch(ctx context.Context, t Token, rev uint64) {
	now := a.Now().UTC()
	a.mu.Lock()
	if now.Sub(t.LastUsed) < LastUsedEvery || now.Sub(a.lastUsed[t.hash]) < LastUsedEvery {
		a.mu.Unlock()
		return
	}
	if len(a.lastUsed) > 10000 {
		clear(a.lastUsed)
	}
	a.lastUsed[t.hash] = now
	a.mu.Unlock()
	t.LastUsed = now
	data, err := json.Marshal(t)
	if err != nil {
		return
	}
	_, _ = a.kv.Update(ctx, "token."+t.hash, data, rev)
}

// --- sign-in and sessions ---

func (a *Auth) limits() limits {
	return limits{every: a.LoginEvery, burst: a.LoginBurst, maxDelay: max(a.LoginMaxDelay, a.LoginEvery),
		forget: 15 * time.Minute, knownFor: 30 * 24 * time.Hour}
}

// Login is a successful sign-in: the user and the credential it used.
type Login struct {
	User      User
	tokenHash string // "" for a password
}

// SignIn is Login for callers that need only the user.
func (a *Auth) SignIn(ctx context.Context, client, name, secret string) (User, error) {
	l, err := a.Login(ctx, client, name, secret)
	return l.User, err
}

// Login checks a user name and password, or (with an empty name) an API
// token pasted as the password, so the bootstrap admin can sign in with
// admin.token. The check is reserved with the limiter before it runs (see
// limit.go); a refusal is a *RateLimitError.
func (a *Auth) Login(ctx context.Context, client, name, secret string) (Login, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	secret = strings.TrimSpace(secret)
	t, err := a.limiter.reserve(a.Now(), a.limits(), client, name)
	if err != nil {
		return Login{}, err
	}
	var l Login
	if strings.HasPrefix(secret, TokenPrefix) && len(secret) <= 100 && (name == "" || len(secret) > 40) {
		l.tokenHash = hashHex(secret)
		l.User, _, err = a.authenticate(ctx, l.tokenHash)
		if err == nil && name != "" && name != l.User.Name {
			err = ErrBadLogin
		}
	} else {
		l.User, err = a.checkPassword(ctx, name, secret)
	}
	switch {
	case err == nil:
		t.done(a.Now(), success)
		return l, nil
	case errors.Is(err, ErrBadLogin) || errors.Is(err, ErrTokenRevoked):
		t.done(a.Now(), failed)
		return Login{}, ErrBadLogin
	default:
		t.done(a.Now(), void)
		return Login{}, err
	}
}

// NewSession starts a session for user, signed in with a password, and
// returns its id (the cookie value).
func (a *Auth) NewSession(ctx context.Context, user string) (string, Session, error) {
	return a.newSession(ctx, user, "")
}

// NewLoginSession starts a session for a sign-in, bound to its
// credential: one signed in with a token ends when the token is revoked.
func (a *Auth) NewLoginSession(ctx context.Context, l Login) (string, Session, error) {
	return a.newSession(ctx, l.User.Name, l.tokenHash)
}

func (a *Auth) newSession(ctx context.Context, user, tokenHash string) (string, Session, error) {
	var ur userRecord
	if _, err := a.get(ctx, "user."+user, &ur); err != nil {
		return "", Session{}, fmt.Errorf("session for %s: %w", user, err)
	}
	id := randomString(32)
	now := a.Now().UTC()
	r := sessionRecord{User: user, CSRF: randomString(24), Created: now, Expires: now.Add(a.SessionTTL),
		UserCreated: ur.Created, TokenHash: tokenHash}
	key := "session." + hashHex(id)
	if err := a.create(ctx, key, r); err != nil {
		return "", Session{}, fmt.Errorf("session for %s: %w", user, err)
	}
	return id, r.session(key), nil
}

// Session returns the live session with cookie value id and its user. A
// session ends with its expiry, its user being disabled or replaced, and
// the revocation of the token it was signed in with.
func (a *Auth) Session(ctx context.Context, id string) (Session, User, error) {
	if id == "" || len(id) > 100 {
		return Session{}, User{}, ErrNoSession
	}
	key := "session." + hashHex(id)
	var r sessionRecord
	if _, err := a.get(ctx, key, &r); err != nil {
		if errors.Is(err, ErrNotFound) {
			return Session{}, User{}, ErrNoSession
		}
		return Session{}, User{}, err
	}
	if !a.Now().Before(r.Expires) {
		_ = a.kv.Delete(ctx, key)
		return Session{}, User{}, ErrNoSession
	}
	var ur userRecord
	if _, err := a.get(ctx, "user."+r.User, &ur); err != nil {
		if errors.Is(err, ErrNotFound) {
			_ = a.kv.Delete(ctx, key)
			return Session{}, User{}, ErrNoSession
		}
		return Session{}, User{}, err
	}
	if ur.Disabled || !ur.Created.Equal(r.UserCreated) {
		_ = a.kv.Delete(ctx, key)
		return Session{}, User{}, ErrNoSession
	}
	if r.TokenHash != "" {
		var t Token
		if _, err := a.get(ctx, "token."+r.TokenHash, &t); err != nil || t.Revoked || t.User != r.User {
			if err != nil && !errors.Is(err, ErrNotFound) {
				return Session{}, User{}, err
			}
			_ = a.kv.Delete(ctx, key)
			return Session{}, User{}, ErrNoSession
		}
	}
	return r.session(key), ur.User, nil
}

// Sessions lists the live sessions, newest first. Expired ones are deleted
// on the way.
func (a *Auth) Sessions(ctx context.Context) ([]Session, error) {
	keys, err := a.keys(ctx, "session.*")
	if err != nil {
		return nil, err
	}
	now := a.Now()
	out := []Session{}
	for _, k := range keys {
		var r sessionRecord
		if _, err := a.get(ctx, k, &r); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		if !now.Before(r.Expires) {
			_ = a.kv.Delete(ctx, k)
			continue
		}
		s := r.session(k)
		s.CSRF = ""
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// EndSessionID ends the session an admin list names id.
func (a *Auth) EndSessionID(ctx context.Context, id string) error {
	if len(id) != 12 {
		return fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	n, err := a.endSessions(ctx, func(r sessionRecord) bool { return false }, "session."+id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	return nil
}

// EndUserSessions ends every session of user.
func (a *Auth) EndUserSessions(ctx context.Context, user string) (int, error) {
	return a.endSessions(ctx, func(r sessionRecord) bool { return r.User == user })
}

// endSessions deletes the sessions that match, or whose key starts with
// one of prefixes, and says how many.
func (a *Auth) endSessions(ctx context.Context, match func(sessionRecord) bool, prefixes ...string) (int, error) {
	keys, err := a.keys(ctx, "session.*")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, k := range keys {
		hit := false
		for _, p := range prefixes {
			hit = hit || strings.HasPrefix(k, p)
		}
		if !hit {
			var r sessionRecord
			if _, err := a.get(ctx, k, &r); err != nil {
				if errors.Is(err, ErrNotFound) {
					continue
				}
				return n, err
			}
			hit = match(r)
		}
		if hit {
			if err := a.kv.Delete(ctx, k); err != nil {
				return n, fmt.Errorf("end session: %w", err)
			}
			n++
		}
	}
	return n, nil
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
	if _, err := os.Stat(path); err == nil {
		// An admin token was written here before, and now there is no
		// admin: the accounts were lost or damaged. A new admin made now
		// would be whoever reaches the server first; refuse, loudly.
		return "", false, fmt.Errorf("%w: there is no admin account, but %s exists: the accounts were lost or damaged. "+
			"versus will not create a new admin over them by itself. Restore the data folder from a backup, or run "+
			"`versus doctor --data %s` to create a new admin (the old token file is kept)", ErrAccountsLost, path, dataDir)
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
