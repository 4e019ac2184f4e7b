package store

// CrashAfterWrite makes s drop the events of writes for which drop says
// so, as a process killed between the record write and the publish would.
func CrashAfterWrite(s *Store, drop func(Event) bool) { s.crashAfterWrite = drop }
