package overlap

import (
	"regexp"
	"strconv"
	"strings"
)

// Edition is a framework id split into a stem and the edition it ends with:
// "cis-controls-v8.1" is stem "cis-controls", marker "v", numbers 8.1;
// "iso27001-2022" is stem "iso27001", numbers 2022; "nist-800-171-rev3" is
// stem "nist-800-171", marker "rev", numbers 3. Ids with no trailing edition
// ("gdpr", "itil4", "dora") have none.
type Edition struct {
	Stem   string // the id before the separator
	Sep    byte   // '-' or '_' between the stem and the edition
	Marker string // "", "v", "r" or "rev", lower case as in the id
	Nums   []int  // the edition's numbers, most significant first
	NumSep byte   // '.' or '_' between the numbers; 0 when there is one
}

// editionRe finds the shortest stem whose remainder is a whole edition: an
// optional marker and dot- or underscore-separated numbers.
var editionRe = regexp.MustCompile(`^([a-z0-9][a-z0-9._-]*?)([-_])(v|r|rev)?([0-9]{1,9}(?:[._][0-9]{1,9}){0,5})$`)

// SplitEdition splits a framework id (a URN suffix). ok is false when the
// id does not end in an edition.
func SplitEdition(id string) (e Edition, ok bool) {
	m := editionRe.FindStringSubmatch(id)
	if m == nil {
		return Edition{}, false
	}
	e = Edition{Stem: m[1], Sep: m[2][0], Marker: m[3]}
	num := m[4]
	if i := strings.IndexAny(num, "._"); i >= 0 {
		e.NumSep = num[i]
		if strings.ContainsRune(num, map[byte]rune{'.': '_', '_': '.'}[e.NumSep]) {
			return Edition{}, false // "4.0_1": no single scheme
		}
	}
	for _, s := range strings.FieldsFunc(num, func(r rune) bool { return r == '.' || r == '_' }) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return Edition{}, false
		}
		e.Nums = append(e.Nums, n)
	}
	return e, true
}

// year says whether the edition is a year ("2022"), which is never compared
// with a version number ("2").
func (e Edition) year() bool {
	return e.Marker == "" && len(e.Nums) == 1 && e.Nums[0] >= 1900 && e.Nums[0] <= 2999
}

// NewerThan says whether e is a later edition of the same framework as o:
// the same stem, separator and marker, numbers of the same kind (year or
// version, with the same punctuation when both have several), and higher
// numbers, compared one by one with missing ones as 0 (v8 < v8.1).
func (e Edition) NewerThan(o Edition) bool {
	if e.Stem != o.Stem || e.Sep != o.Sep || e.Marker != o.Marker || e.year() != o.year() {
		return false
	}
	if e.NumSep != 0 && o.NumSep != 0 && e.NumSep != o.NumSep {
		return false
	}
	for i := 0; i < len(e.Nums) || i < len(o.Nums); i++ {
		a, b := at(e.Nums, i), at(o.Nums, i)
		if a != b {
			return a > b
		}
	}
	return false
}

func at(ns []int, i int) int {
	if i < len(ns) {
		return ns[i]
	}
	return 0
}

// String is the edition as written in the id, without the stem.
func (e Edition) String() string {
	parts := make([]string, len(e.Nums))
	for i, n := range e.Nums {
		parts[i] = strconv.Itoa(n)
	}
	sep := "."
	if e.NumSep != 0 {
		sep = string(e.NumSep)
	}
	return e.Marker + strings.Join(parts, sep)
}
