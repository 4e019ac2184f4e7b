package auth

// CountChecks makes a's password checks call f first, so a test can count
// how many guesses reach bcrypt.
func CountChecks(a *Auth, f func()) {
	next := a.compare
	a.compare = func(h, p []byte) error {
		f()
		return next(h, p)
	}
}
