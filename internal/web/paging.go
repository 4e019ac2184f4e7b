package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
)

// Paging of every list the API and the queue answer: a client asks for at
// most limit items after an opaque cursor and gets the total that matched
// and the cursor of the next page ("" at the end). A cursor is the sort key
// of the last item shown (keyset paging), so a record added or moved
// between two requests neither repeats nor skips the items around it.
const (
	defaultLimit = 100
	maxLimit     = 500
)

// paging is a parsed limit and cursor.
type paging struct {
	Limit int
	After string // the sort key the page starts after; "" from the start
}

// parsePaging reads limit and cursor; a bad value is the client's (400).
func parsePaging(q url.Values, def int) (paging, error) {
	p := paging{Limit: def}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fmt.Errorf("limit is a whole number from 1 to %d, got %q", maxLimit, v)
		}
		p.Limit = min(n, maxLimit)
	}
	if c := q.Get("cursor"); c != "" {
		k, err := decodeCursor(c)
		if err != nil {
			return p, err
		}
		p.After = k
	}
	return p, nil
}

func encodeCursor(key string) string {
	if key == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte("k1:" + key))
}

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 4 || string(b[:3]) != "k1:" {
		return "", errors.New("bad cursor: pass back the \"next\" value of the previous answer unchanged")
	}
	return string(b[3:]), nil
}

// pageOf sorts items by key and returns the page p asks for, with the
// cursor of the next page ("" when this page is the last).
func pageOf[T any](items []T, key func(T) string, p paging) ([]T, string) {
	out, next, _ := pageAt(items, key, p)
	return out, next
}

// pageAt is pageOf that also says where the page starts (0-based).
func pageAt[T any](items []T, key func(T) string, p paging) ([]T, string, int) {
	keys := make([]string, len(items))
	idx := make([]int, len(items))
	for i := range items {
		keys[i], idx[i] = key(items[i]), i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	start := sort.Search(len(idx), func(i int) bool { return keys[idx[i]] > p.After })
	if p.After == "" {
		start = 0
	}
	end := min(start+p.Limit, len(idx))
	out := make([]T, 0, end-start)
	for _, i := range idx[start:end] {
		out = append(out, items[i])
	}
	next := ""
	if end < len(idx) && end > start {
		next = encodeCursor(keys[idx[end-1]])
	}
	return out, next, start
}
