package store

import "context"

// Records is one kind of record's operations. Pages and sections share
// them, with one implementation (a typed bucket); the kind-named methods
// of Store (Page, UpdateSectionAt, …) are shorthands for these.
type Records[T any] struct{ b *bucket[T] }

// PageRecords are the pair pages.
func PageRecords(s *Store) Records[PageRecord] { return Records[PageRecord]{s.pages} }

// SectionRecords are the standards' sections.
func SectionRecords(s *Store) Records[SectionRecord] { return Records[SectionRecord]{s.sections} }

// Kind is the kind these records are.
func (r Records[T]) Kind() Kind { return r.b.kind }

// Meta is a record's bookkeeping.
func (r Records[T]) Meta(rec *T) *Meta { return r.b.meta(rec) }

// Get reads a record at its latest revision, from the stream leader.
func (r Records[T]) Get(ctx context.Context, key string) (T, error) { return r.b.get(ctx, key) }

// At reads a record as it was at revision rev.
func (r Records[T]) At(ctx context.Context, key string, rev uint64) (T, error) {
	return r.b.getRevision(ctx, key, rev)
}

// Revisions are the stored revisions of a record, oldest first.
func (r Records[T]) Revisions(ctx context.Context, key string) ([]T, error) {
	return r.b.revisions(ctx, key)
}

// List is every record, from the mirror, sorted by key.
func (r Records[T]) List() []T { return r.b.list(nil) }

// Update applies fn and writes the record back: at revision rev (else
// ErrConflict), or with rev 0 at whatever revision is latest, retrying.
func (r Records[T]) Update(ctx context.Context, key string, rev uint64, fn func(*T) error) (T, error) {
	return r.b.update(ctx, key, rev, fn)
}
