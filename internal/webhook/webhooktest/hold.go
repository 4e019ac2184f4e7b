// Package webhooktest holds what tests of webhook delivery share.
package webhooktest

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// Holding is an http.RoundTripper that holds every request until Release,
// whatever its context says: a receiver (or a proxy) that does not let go.
type Holding struct {
	Entered  chan struct{} // closed at the first request
	Returned atomic.Bool   // set once a held request has returned

	once    sync.Once
	release chan struct{}
}

// NewHolding returns a Holding that holds until Release is called.
func NewHolding() *Holding {
	return &Holding{Entered: make(chan struct{}), release: make(chan struct{})}
}

// Release lets every held request, and every later one, return.
func (tr *Holding) Release() { close(tr.release) }

// RoundTrip reads the body, holds, then answers 200.
func (tr *Holding) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body)
	tr.once.Do(func() { close(tr.Entered) })
	<-tr.release
	tr.Returned.Store(true)
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}
