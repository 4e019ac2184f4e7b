package site

import (
	"encoding/base64"
	"net/url"
	"strconv"

	"github.com/versus-dev/versus/index"
)

// Search pages by limit and offset, and also by an opaque cursor, as every
// other list of the API does: the answer's "next" is the cursor of the
// following page ("" at the end), and a request may pass it back as
// cursor= in place of offset=.

// withCursor turns a cursor parameter into the offset it stands for; a
// request giving offset itself keeps it. A bad cursor is a bad request.
func withCursor(v url.Values) (url.Values, error) {
	c := v.Get("cursor")
	if c == "" || v.Get("offset") != "" {
		return v, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	n, aerr := strconv.Atoi(string(b))
	if err != nil || aerr != nil || n < 0 {
		return v, bad(`bad cursor: pass back the "next" value of the previous answer unchanged`)
	}
	out := url.Values{}
	for k, x := range v {
		out[k] = x
	}
	out.Set("offset", strconv.Itoa(n))
	return out, nil
}

// pagedResult is a search answer with the cursor of its next page.
type pagedResult struct {
	index.Result
	Next string `json:"next"`
}

func paged(res index.Result, q index.Query) pagedResult {
	out := pagedResult{Result: res}
	if end := q.Offset + len(res.Hits); len(res.Hits) > 0 && end < res.Total && end <= maxOffset {
		out.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return out
}
