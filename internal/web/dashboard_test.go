package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/versus-dev/versus/internal/natstest"
)

// The dashboard's figures are the API's, and right for the seed.
func TestDashboardMatchesAPI(t *testing.T) {
	e := newEnvSeeded(t, seedBig)
	code, api := e.do("GET", "/api/dashboard", "vic", nil)
	if code != 200 {
		t.Fatalf("dashboard API: %d %v", code, api)
	}
	// Seed: 496 pages, 20 need attention, none approved; the pages of two
	// of the first 16 standards are one approval from live when clean.
	oneAway := 0
	n := 0
	for i := 0; i < bigStandards; i++ {
		for j := i + 1; j < bigStandards; j++ {
			if i < 16 && j < 16 && n%25 != 0 && n%10 != 0 {
				oneAway++
			}
			n++
		}
	}
	want := map[string]float64{"pages": 496, "live": 0, "waiting_on_sections": 0, "in_review": 476, "needs_attention": 20, "one_approval_away": float64(oneAway), "tokens": 0}
	for k, v := range want {
		if api[k] != v {
			t.Errorf("API %s = %v, want %v", k, api[k], v)
		}
	}
	b := e.browser()
	b.login("vic", password)
	_, html := b.get("/review/dashboard")
	for id, k := range map[string]string{"fig-live": "live", "fig-waiting": "waiting_on_sections", "fig-tokens": "tokens"} {
		if want := fmt.Sprintf(`id="%s">%v<`, id, api[k]); !strings.Contains(html, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	for id, k := range map[string]string{"fig-review": "in_review", "fig-attention": "needs_attention"} {
		if want := fmt.Sprintf(`id="%s"><a href="/review?state=%s">%v</a>`, id, k, api[k]); !strings.Contains(html, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	if !strings.Contains(html, fmt.Sprintf(">%d</span> one approval from live", oneAway)) || !strings.Contains(html, `<a href="/review?reason=meta.placeholder&amp;state=needs_attention">error left: placeholder (notes left in the text)</a> (<code>meta.placeholder</code>)`) {
		t.Error("dashboard lacks the one-approval count or the reasons")
	}
}

// A page approved but for its section is waiting on sections; once the
// section is approved it is live.
func TestDashboardLiveAndWaiting(t *testing.T) {
	e := newEnv(t)
	_, d := e.do("GET", "/api/dashboard", "vic", nil)
	// Tokens: the four seeded pages' drafts, 2,000 each.
	if d["live"] != 0.0 || d["waiting_on_sections"] != 1.0 || d["tokens"] != 8000.0 {
		t.Errorf("before: %v", d)
	}
	// No price configured: no cost, and no made-up zero.
	if c, ok := d["cost"]; !ok || c != nil || d["price"] != nil {
		t.Errorf("cost with no price: %v (present %v), price %v", c, ok, d["price"])
	}
	g := e.section("gdpr")
	if code, out := e.do("POST", "/api/sections/gdpr/approve", "ed", body(g.Revision, "")); code != 200 {
		t.Fatalf("approve: %d %v", code, out)
	}
	natstest.Eventually(t, 5*time.Second, "the dashboard counts the page live", func() bool {
		_, d = e.do("GET", "/api/dashboard", "vic", nil)
		return d["live"] == 1.0 && d["waiting_on_sections"] == 0.0
	})
}
