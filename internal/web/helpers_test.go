package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/compose"
	"github.com/versus-dev/versus/internal/finding"
	"github.com/versus-dev/versus/internal/natstest"
	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
	"github.com/versus-dev/versus/internal/web"
)

// env is a running review app over a real embedded NATS server.
type env struct {
	t        *testing.T
	srv      *httptest.Server
	store    *store.Store
	auth     *auth.Auth
	svc      *review.Service
	profiles *profile.Set
	tokens   map[string]string // user name -> API token
}

const password = "correct horse battery"

// Seeded records.
const (
	cleanPage  = "gdpr-vs-iso-27001"     // in review, no findings
	errorPage  = "iso-27001-vs-nist-csf" // in review, one error
	waitPage   = "gdpr-vs-nist-csf"      // approved; waits for the gdpr section
	xssPage    = "nist-csf-vs-gdpr"      // in review, a script in its verdict
	xssPayload = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`
)

var errFinding = finding.Finding{Rule: "meta.placeholder", Severity: finding.Error, Section: page.SectionVerdict, Field: "verdict", Message: "the verdict has a placeholder"}
var warnFinding = finding.Finding{Rule: "length.answer", Severity: finding.Warning, Section: page.SectionFAQ, Field: "faq[1].answer", Message: "the answer is short"}

func newEnv(t *testing.T, opts ...web.Option) *env {
	t.Helper()
	return newEnvSeeded(t, (*env).seed, opts...)
}

// newEnvSeeded is newEnv with its records made by seed.
func newEnvSeeded(t *testing.T, seed func(*env, context.Context), opts ...web.Option) *env {
	t.Helper()
	_, nc := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, nc, store.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	a, err := auth.New(ctx, st.JetStream())
	if err != nil {
		t.Fatal(err)
	}
	a.LoginBurst = 3
	set, err := profile.Load("testdata/profiles")
	if err != nil {
		t.Fatal(err)
	}
	svc := &review.Service{Store: st, Profiles: set}
	e := &env{t: t, store: st, auth: a, svc: svc, profiles: set, tokens: map[string]string{}}
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"root", auth.RoleAdmin}, {"ed", auth.RoleEditor}, {"eve", auth.RoleEditor}, {"vic", auth.RoleViewer}} {
		if _, err := a.CreateUser(ctx, u.name, u.role, password); err != nil {
			t.Fatal(err)
		}
		raw, _, err := a.CreateToken(ctx, u.name, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.name] = raw
	}
	seed(e, ctx)
	e.srv = httptest.NewServer(web.Handler(svc, a, opts...))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) prof(id string) *profile.Profile {
	p, ok := e.profiles.Get(id)
	if !ok {
		e.t.Fatalf("no profile %s", id)
	}
	return p
}

func (e *env) seed(ctx context.Context) {
	t := e.t
	now := time.Now().UTC()
	for _, sec := range []struct {
		id       string
		state    store.State
		approved bool
	}{{"gdpr", store.InReview, false}, {"iso-27001", store.InReview, false}, {"nist-csf", store.Approved, true}} {
		s := compose.Section(e.prof(sec.id))
		rec := store.SectionRecord{Standard: sec.id, Section: s, Meta: store.Meta{State: sec.state, Drafter: "offline", Inputs: store.Inputs{Hash: "h-" + sec.id}, Seq: 1, Drafted: 1, Updated: now}}
		if sec.approved {
			c := s
			rec.Approved = &c
		}
		if _, err := e.store.CreateSection(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(a, b string, st store.State, fs []finding.Finding, mut func(*page.Pair)) {
		pa, pb := e.prof(a), e.prof(b)
		pair := compose.Pair(pa, pb)
		if mut != nil {
			mut(&pair)
		}
		u := store.Usage{Calls: 1, Prompt: 1200, Completion: 800}
		// The record counts what its drafted event spent, as the drafter's write does.
		rec := store.PageRecord{Slug: page.Slug(a, b), Title: pa.ShortName + " vs " + pb.ShortName, Standards: [2]string{a, b}, Pair: pair,
			Meta: store.Meta{State: st, Findings: fs, Drafter: "offline", Inputs: store.Inputs{Hash: "h-" + a + b}, Seq: 1, Drafted: 1, Updated: now, Usage: u}}
		if st == store.Approved {
			c := pair
			rec.Approved = &c
		}
		if _, err := e.store.CreatePage(ctx, rec); err != nil {
			t.Fatal(err)
		}
		if err := e.store.Emit(ctx, store.Event{Kind: store.KindPage, Key: rec.Slug, Type: "drafted", Actor: "drafter", From: store.Drafting, To: store.InReview, Usage: &u}); err != nil {
			t.Fatal(err)
		}
	}
	mk("gdpr", "iso-27001", store.InReview, []finding.Finding{warnFinding}, nil)
	mk("iso-27001", "nist-csf", store.InReview, []finding.Finding{errFinding, warnFinding}, nil)
	mk("gdpr", "nist-csf", store.Approved, nil, nil)
	mk("nist-csf", "gdpr", store.InReview, nil, func(p *page.Pair) { p.Verdict = "Read this. " + xssPayload + " " + p.Verdict })
	natstest.Eventually(t, 5*time.Second, "mirror holds the seeded pages", func() bool { return len(e.store.Pages()) == 4 && len(e.store.Sections()) == 3 })
}

func (e *env) page(slug string) store.PageRecord {
	e.t.Helper()
	r, err := e.store.Page(context.Background(), slug)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) section(id string) store.SectionRecord {
	e.t.Helper()
	r, err := e.store.Section(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// do sends a JSON API request as user ("" for none) and decodes the answer.
func (e *env) do(method, path, user string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if user != "" {
		tok, ok := e.tokens[user]
		if !ok {
			tok = user // a raw (bad) token
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	data, _ := io.ReadAll(resp.Body)
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			e.t.Fatalf("%s %s: not JSON (%d): %s", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode, out
}

// browser is an HTTP client with cookies, for the UI's forms.
type browser struct {
	e      *env
	client *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	resp, err := b.client.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func (b *browser) post(path string, form url.Values) (int, string, *http.Response) {
	b.e.t.Helper()
	resp, err := b.client.PostForm(b.e.srv.URL+path, form)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), resp
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, html string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no csrf field in page")
	}
	return m[1]
}

// login signs in through the form and returns the session's CSRF token.
func (b *browser) login(name, secret string) string {
	t := b.e.t
	t.Helper()
	_, html := b.get("/login")
	code, body, resp := b.post("/login", url.Values{"csrf": {csrfOf(t, html)}, "name": {name}, "password": {secret}, "next": {"/review"}})
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/review" {
		t.Fatalf("login: %d %s", code, body)
	}
	_, html = b.get("/review")
	return csrfOf(t, html)
}
