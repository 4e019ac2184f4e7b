package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/rs/zerolog"
)

// SessionCookie is the UI's session cookie.
const SessionCookie = "versus_session"

// CSRFField is the form field carrying the session's CSRF token.
const CSRFField = "csrf"

// preCookie carries the sign-in form's CSRF token before there is a session
// (double-submit: the form field must equal the cookie).
const preCookie = "versus_presession"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// WithUser returns ctx carrying u.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFrom returns the signed-in user in ctx, if any.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey).(User)
	return u, ok
}

// SessionFrom returns the UI session in ctx, if any.
func SessionFrom(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(sessionKey).(Session)
	return s, ok
}

// CSRFToken is the token a form rendered for ctx's session must carry.
func CSRFToken(ctx context.Context) string {
	s, _ := SessionFrom(ctx)
	return s.CSRF
}

// ClientIP is the request's peer address without the port. Proxy headers
// are not trusted: a client could choose its own rate-limit bucket.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ClientAddr is the address sign-ins are limited by. When the peer is one
// of TrustedProxies, it is the right-most X-Forwarded-For address that is
// not itself a trusted proxy (the left part of the header is whatever the
// client wrote); otherwise, and for a malformed header, the peer itself.
func (a *Auth) ClientAddr(r *http.Request) string {
	peer := ClientIP(r)
	if len(a.TrustedProxies) == 0 {
		return peer
	}
	ip, err := netip.ParseAddr(peer)
	if err != nil || !trusted(a.TrustedProxies, ip.Unmap()) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer
		}
		h = h.Unmap()
		if !trusted(a.TrustedProxies, h) {
			return h.String()
		}
	}
	return peer
}

func trusted(ps []netip.Prefix, ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParsePrefixes reads a comma-separated list of CIDR prefixes or single
// addresses (the --trusted-proxies flag).
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR prefix", f)
			}
			out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR prefix", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func jsonError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// bearer returns the request's bearer token, "" when there is none.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// OptionalAPI puts the bearer token's user in the context when there is a
// token. A token that is there but wrong is a 401: a script with a revoked
// token should learn so, not silently get the public view.
func (a *Auth) OptionalAPI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		if tok == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, err := a.Authenticate(r.Context(), tok)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
	})
}

func (a *Auth) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrBadLogin) || errors.Is(err, ErrTokenRevoked) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="versus"`)
		jsonError(w, http.StatusUnauthorized, "invalid or revoked token")
		return
	}
	zerolog.Ctx(r.Context()).Error().Err(err).Msg("authenticate")
	jsonError(w, http.StatusInternalServerError, "cannot check the token now")
}

// API requires a bearer token of at least role min: 401 without a valid
// token, 403 when the token's role may not.
func (a *Auth) API(min Role, next http.Handler) http.Handler {
	return a.OptionalAPI(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := UserFrom(r.Context())
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="versus"`)
			jsonError(w, http.StatusUnauthorized, "this needs an API token: Authorization: Bearer <token>")
			return
		}
		if !u.Role.Can(min) {
			jsonError(w, http.StatusForbidden, "role "+string(u.Role)+" may not do this; it needs "+string(min))
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// UI requires a session of at least role min. Without one, a GET is sent
// to the sign-in page and anything else gets 401; a role that may not gets
// 403; every POST must carry the session's CSRF token (403 otherwise).
func (a *Auth) UI(min Role, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var sid string
		if c, err := r.Cookie(SessionCookie); err == nil {
			sid = c.Value
		}
		s, u, err := a.Session(ctx, sid)
		if err != nil {
			if !errors.Is(err, ErrNoSession) {
				zerolog.Ctx(ctx).Error().Err(err).Msg("session")
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !ValidCSRF(s, r.PostFormValue(CSRFField)) {
				http.Error(w, "the form's security token is missing or stale; reload the page and try again", http.StatusForbidden)
				return
			}
		}
		if !u.Role.Can(min) {
			http.Error(w, "your role ("+string(u.Role)+") may not do this", http.StatusForbidden)
			return
		}
		ctx = context.WithValue(WithUser(ctx, u), sessionKey, s)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// LoginCSRF returns the sign-in form's token, setting its cookie when new.
func LoginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 100 {
		return c.Value
	}
	tok := randomString(24)
	http.SetCookie(w, &http.Cookie{
		Name: preCookie, Value: tok, Path: "/login", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: 3600,
	})
	return tok
}

// CheckLoginCSRF reports whether the sign-in form's token matches its cookie.
func CheckLoginCSRF(r *http.Request) bool {
	c, err := r.Cookie(preCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return ValidCSRF(Session{CSRF: c.Value}, r.PostFormValue(CSRFField))
}

// StartSession signs l's user in on this browser: a new session, bound to
// the credential l used, and its cookie.
func (a *Auth) StartSession(w http.ResponseWriter, r *http.Request, l Login) error {
	id, _, err := a.NewLoginSession(r.Context(), l)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r),
		MaxAge: int(a.SessionTTL.Seconds()),
	})
	return nil
}

// StopSession signs this browser out.
func (a *Auth) StopSession(w http.ResponseWriter, r *http.Request) error {
	var err error
	if c, e := r.Cookie(SessionCookie); e == nil {
		err = a.EndSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r), MaxAge: -1,
	})
	return err
}

// CurrentUI returns the session user of r without requiring one (for pages
// that look different when signed in, like /login).
func (a *Auth) CurrentUI(r *http.Request) (User, Session, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return User{}, Session{}, false
	}
	s, u, err := a.Session(r.Context(), c.Value)
	if err != nil {
		return User{}, Session{}, false
	}
	return u, s, true
}
