package validate

import (
	"fmt"
	"sync"
	"testing"

	"github.com/versus-dev/versus/internal/page"
)

// TestSectionMemo: a page checked with its sections' results taken from the
// memo gets exactly the findings it gets checked from scratch, also when
// many pages are checked at once (run with -race).
func TestSectionMemo(t *testing.T) {
	set := loadRealSet(t)
	pairs := set.Pairs()
	type src struct {
		pg  page.Page
		src *page.Source
	}
	pages := make([]src, len(pairs))
	cold := make([]string, len(pairs))
	for i, pr := range pairs {
		pg, s, _ := page.ParseWithSource(page.Render(composePage(pr[0], pr[1])))
		pages[i] = src{pg, s}
		sections.mu.Lock()
		clear(sections.m)
		sections.mu.Unlock()
		cold[i] = fmt.Sprint(Page(pg, s, set))
	}
	var wg sync.WaitGroup
	idx := NewVerdictIndex(NearDuplicateThreshold)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(pages); i += 4 {
				if got := fmt.Sprint(Page(pages[i].pg, pages[i].src, set)); got != cold[i] {
					t.Errorf("%s: with the memo\n  %s\nfrom scratch\n  %s", pages[i].pg.Slug, got, cold[i])
				}
				idx.Check(pages[i].pg.Slug, pages[i].pg.Verdict)
				idx.Put(pages[i].pg.Slug, pages[i].pg.Verdict)
			}
		}(w)
	}
	wg.Wait()
	if idx.Len() != len(pages) {
		t.Errorf("index holds %d verdicts, want %d", idx.Len(), len(pages))
	}
}
