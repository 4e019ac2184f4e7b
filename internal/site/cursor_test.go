package site

import (
	"encoding/json"
	"net/http"
	"testing"
)

// Search pages by cursor as every list does: following "next" visits every
// hit once, and the old limit/offset still work.
func TestAPISearchCursor(t *testing.T) {
	srv, _, _ := server(t)
	type answer struct {
		Total int `json:"total"`
		Hits  []struct {
			Slug string `json:"slug"`
		} `json:"hits"`
		Next string `json:"next"`
	}
	fetch := func(path string) answer {
		t.Helper()
		code, _, body := get(t, srv, path)
		var a answer
		if code != http.StatusOK || json.Unmarshal([]byte(body), &a) != nil {
			t.Fatalf("%s: %d %.300s", path, code, body)
		}
		return a
	}
	first := fetch("/api/search?q=security&limit=3")
	if first.Total <= 3 || first.Next == "" {
		t.Fatalf("want more than one page of hits: total %d next %q", first.Total, first.Next)
	}
	seen := map[string]bool{}
	a, pages := first, 0
	for {
		for _, h := range a.Hits {
			if seen[h.Slug] {
				t.Errorf("%s shown twice", h.Slug)
			}
			seen[h.Slug] = true
		}
		pages++
		if a.Next == "" || pages > 200 {
			break
		}
		a = fetch("/api/search?q=security&limit=3&cursor=" + a.Next)
	}
	if len(seen) != first.Total {
		t.Errorf("followed cursors to %d hits, total %d", len(seen), first.Total)
	}
	// The old offset still works and matches the cursor's second page.
	if off := fetch("/api/search?q=security&limit=3&offset=3"); len(off.Hits) == 0 {
		t.Error("offset=3 answers nothing")
	}
	if code, _, _ := get(t, srv, "/api/search?q=security&cursor=%21%21"); code != http.StatusBadRequest {
		t.Errorf("bad cursor: %d, want 400", code)
	}
}
