package app

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// serve runs h behind harden on a loopback listener with limits l.
func serve(t *testing.T, h http.Handler, l httpLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(context.Background(), harden(h, l), l)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

var testLimits = httpLimits{Header: 300 * time.Millisecond, Body: 400 * time.Millisecond, Write: 5 * time.Second, Idle: time.Second, MaxHeaderBytes: 4 << 10}

// closedWithin reads c until the server closes it and says how long that took.
func closedWithin(t *testing.T, c net.Conn, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(limit))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still held the connection after %v", limit)
	}
	return time.Since(start)
}

// A client that sends its body a byte at a time is cut off once the body
// deadline passes: it cannot hold a connection (and a handler) for long.
func TestSlowBodyIsCutOff(t *testing.T) {
	readErr := make(chan error, 1)
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	}), testLimits)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // a byte every 50 ms: 50 s for the whole body
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	select {
	case err := <-readErr:
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("the handler's read ended with %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the handler was still reading the slow body after 5 s (deadline 400 ms)")
	}
	if d := closedWithin(t, c, 5*time.Second); d > 3*time.Second {
		t.Fatalf("connection closed only after %v", d)
	}
}

// Headers sent slowly, or too many of them, are refused too.
func TestSlowOrLargeHeadersRefused(t *testing.T) {
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), testLimits)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	closedWithin(t, c, 5*time.Second)

	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	_, _ = io.WriteString(c2, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KiB header: %d, want 431", resp.StatusCode)
	}
}

// A handler that runs long after reading its body keeps its context: the
// body deadline is lifted once the body is read.
func TestLongHandlerAfterBodyKeepsContext(t *testing.T) {
	addr := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		select {
		case <-r.Context().Done():
			http.Error(w, "context ended: "+context.Cause(r.Context()).Error(), 500)
		case <-time.After(3 * testLimits.Body):
			_, _ = io.WriteString(w, "done")
		}
	}), testLimits)
	resp, err := http.Post("http://"+addr+"/api/index/rebuild", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "done" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// Every answer carries a CSP; browser writes from another origin are
// refused; scripts without browser headers pass; folders are not listed.
func TestHardenHeaders(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(fstest.MapFS{"a.css": {Data: []byte("p{}")}, "css/b.css": {Data: []byte("p{}")}})))
	addr := serve(t, mux, testLimits)
	base := "http://" + addr
	for _, c := range []struct {
		name, method, path string
		header             map[string]string
		want               int
	}{
		{"script without browser headers", "POST", "/login", nil, 200},
		{"same-origin browser form", "POST", "/login", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": base}, 200},
		{"cross-site browser form", "POST", "/login", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"cross-origin without Sec-Fetch-Site", "POST", "/login", map[string]string{"Origin": "https://evil.example"}, 403},
		{"static folder", "GET", "/static/", nil, 404},
		{"static sub-folder", "GET", "/static/css/", nil, 404},
		{"static file", "GET", "/static/a.css", nil, 200},
		{"unknown path", "GET", "/nope", nil, 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader("x=1"))
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("%d, want %d: %s", resp.StatusCode, c.want, body)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src") {
				t.Fatalf("no CSP: %q", csp)
			}
			if strings.Contains(string(body), "a.css") && c.want == 404 {
				t.Fatalf("folder listed: %s", body)
			}
		})
	}
}
