// Package apierr is the one table from an error to the HTTP status and the
// message a client is shown. A client sees the words of errors made for it
// (a refused action, an unknown standard); any other error is a 500 with a
// fixed message, its text kept for the log: internal error text (NATS
// subjects, file paths, stream names) never reaches a client.
package apierr

import (
	"errors"
	"net/http"

	"github.com/versus-dev/versus/internal/auth"
	"github.com/versus-dev/versus/internal/jobs"
	"github.com/versus-dev/versus/internal/lifecycle"
	"github.com/versus-dev/versus/internal/review"
	"github.com/versus-dev/versus/internal/store"
)

// Internal is what a client is told of an error not in the table.
const Internal = "internal error; it has been logged, try again"

// rule maps errors matching is to code; say is the client's message.
type rule struct {
	is   func(error) bool
	code int
	say  func(error) string
}

func target(t error) func(error) bool { return func(err error) bool { return errors.Is(err, t) } }

func as[T error]() func(error) bool {
	return func(err error) bool { var t T; return errors.As(err, &t) }
}

func fixed(msg string) func(error) string { return func(error) string { return msg } }

func reason(err error) string { return review.Reason(err) }

// table is checked in order: the first rule that matches decides.
var table = []rule{
	{as[*review.FindingsError](), http.StatusUnprocessableEntity, func(err error) string {
		var fe *review.FindingsError
		errors.As(err, &fe)
		return fe.Error()
	}},
	{target(review.ErrInvalid), http.StatusBadRequest, reason},
	{target(store.ErrConflict), http.StatusConflict, fixed("the record changed since the revision you sent; here is the current one")},
	{target(review.ErrState), http.StatusConflict, reason},
	{as[*lifecycle.IllegalError](), http.StatusConflict, func(err error) string {
		var ie *lifecycle.IllegalError
		errors.As(err, &ie)
		return ie.Error()
	}},
	{target(store.ErrNotFound), http.StatusNotFound, fixed("not found")},
	{as[*jobs.UnknownError](), http.StatusBadRequest, func(err error) string {
		var ue *jobs.UnknownError
		errors.As(err, &ue)
		return ue.Error()
	}},
	{target(auth.ErrInvalid), http.StatusBadRequest, fixed("invalid: check the name, role and password rules")},
	{target(auth.ErrExists), http.StatusConflict, fixed("already exists")},
	{target(auth.ErrNotFound), http.StatusNotFound, fixed("not found")},
}

// Status is err's HTTP status and the message a client may be shown.
func Status(err error) (int, string) {
	for _, r := range table {
		if r.is(err) {
			return r.code, r.say(err)
		}
	}
	return http.StatusInternalServerError, Internal
}
