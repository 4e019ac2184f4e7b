package web

import "testing"

// next after sign-in must stay on this site whatever a crafted link holds.
func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Paths on this site pass, as net/url writes them.
		{"/review", "/review"},
		{"/review/pages/gdpr-vs-iso-27001?done=approve", "/review/pages/gdpr-vs-iso-27001?done=approve"},
		{"/review?state=in_review&q=iso%2027001", "/review?state=in_review&q=iso%2027001"},
		{"/admin#tokens", "/admin#tokens"},
		{"/review/pages/a b", "/review/pages/a%20b"},
		// Everything else goes to the queue.
		{"", "/review"},
		{"review", "/review"},
		{"https://evil.example/", "/review"},
		{"javascript:alert(1)", "/review"},
		{"//evil.example/", "/review"},
		{"///evil.example/", "/review"},
		{"/\t/evil.example/", "/review"},  // the reported one: browsers drop the tab
		{"/\n/evil.example/", "/review"},  // newline
		{"/\r\n/evil.example", "/review"}, // CR LF
		{"/\x00/evil", "/review"},
		{"/\x7f/evil", "/review"},
		{"/\\evil.example", "/review"},  // backslash: read as a slash
		{"/\\/evil.example", "/review"}, // "/\/" is "//"
		{"\\\\evil.example", "/review"},
		{"/%09/evil.example/", "/review"}, // encoded tab
		{"/%0a/evil.example/", "/review"}, // encoded newline
		{"/%0D%0A/evil", "/review"},
		{"/%5Cevil.example", "/review"}, // encoded backslash
		{"/%5c%5cevil.example", "/review"},
		{"/%2F%2Fevil.example", "/review"}, // encoded "//" after the first slash
		{"%2F%2Fevil.example", "/review"},
		{"/%252F%252Fevil.example", "/review"}, // encoded twice
		{"/%25%30%39/evil", "/review"},         // %09 with its digits encoded
		{"/%zz", "/review"},                    // not percent-encoding at all
		{"/review?next=%5C", "/review"},        // a backslash anywhere
		{"/" + string(make([]byte, 3000)), "/review"},
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/review", "/\t/evil", "/%5Cx", "//x", "/a?b=c#d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := safeNext(in)
		if len(out) == 0 || out[0] != '/' || (len(out) > 1 && (out[1] == '/' || out[1] == '\\')) {
			t.Fatalf("safeNext(%q) = %q: not a path on this site", in, out)
		}
		for _, c := range out {
			if c < 0x20 || c == 0x7f || c == '\\' {
				t.Fatalf("safeNext(%q) = %q holds %q", in, out, c)
			}
		}
	})
}
