package web

import "testing"

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0.0000"},
		{0.0969, "0.0969"},
		{0.99996, "1.0000"},
		{1, "1.00"},
		{12.345, "12.35"},
		{1234.999, "1,235.00"},
		{1234567.891, "1,234,567.89"},
	} {
		if got := money(c.v); got != c.want {
			t.Errorf("money(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
