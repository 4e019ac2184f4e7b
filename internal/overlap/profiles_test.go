package overlap

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versus-dev/versus/internal/page"
	"github.com/versus-dev/versus/internal/profile"
)

func realProfiles(t *testing.T) *profile.Set {
	t.Helper()
	set, err := profile.Load(filepath.Join("..", "..", "profiles"))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Every framework a profile names is one the embedded data knows, so no
// profile silently names a framework that will never have figures.
func TestProfilesNameKnownFrameworks(t *testing.T) {
	d := Embedded()
	for _, p := range realProfiles(t).All() {
		for _, fw := range p.Frameworks {
			if _, ok := d.Framework(fw); !ok {
				t.Errorf("%s names framework %q, which %s does not know", p.ID, fw, DataFile)
			}
		}
	}
}

// TestRealPairs pins the figures of notable pairs (each checked against the
// library files by hand, see the package doc for how they are counted) and
// the number of pairs with direct and hub figures.
func TestRealPairs(t *testing.T) {
	set := realProfiles(t)
	get := func(id string) *profile.Profile {
		p, ok := set.Get(id)
		if !ok {
			t.Fatalf("no profile %s", id)
		}
		return p
	}
	tests := []struct {
		a, b string
		want string
	}{
		{"iso-27001", "soc-2", `{"basis":"direct","via":"","source":"mapping-soc2-2017-rev-2022-to-iso27001-2022 v1","a":{"framework":"iso27001-2022","requirements":123,"mapped":83},"b":{"framework":"soc2-2017-rev-2022","requirements":301,"mapped":242},"relationships":{"equal":0,"subset":0,"superset":0,"intersect":1405}}`},
		{"nist-csf", "iso-27001", `{"basis":"direct","via":"","source":"mapping-nist-csf-2.0-to-iso27001-2022 v1","a":{"framework":"nist-csf-2.0","requirements":106,"mapped":106},"b":{"framework":"iso27001-2022","requirements":123,"mapped":90},"relationships":{"equal":0,"subset":0,"superset":0,"intersect":341}}`},
		{"nis2", "iso-27001", `{"basis":"direct","via":"","source":"mapping-annex-technical-and-methodological-requirements-nis2-and-iso27001-2022 v2","a":{"framework":"annex-technical-and-methodological-requirements-nis2","requirements":351,"mapped":325,"note":"the annex of Commission Implementing Regulation (EU) 2024/2690, which sets the technical and methodological requirements of NIS2 for DNS, cloud, data centre, managed (security) service and other digital providers"},"b":{"framework":"iso27001-2022","requirements":123,"mapped":89},"relationships":{"equal":0,"subset":0,"superset":0,"intersect":926}}`},
		{"hipaa", "nist-800-53", `{"basis":"direct","via":"","source":"mapping-nist-sp-800-66-rev2-to-nist-sp-800-53-rev5 v1","a":{"framework":"nist-sp-800-66-rev2","requirements":152,"mapped":149,"note":"NIST SP 800-66 Rev. 2, NIST's guide to implementing the HIPAA Security Rule"},"b":{"framework":"nist-sp-800-53-rev5","requirements":1189,"mapped":108},"relationships":{"equal":0,"subset":0,"superset":0,"intersect":610}}`},
		{"fedramp", "iso-27001", `{"basis":"hub","via":"cisco-ccf-v3.0","via_name":"Cisco's Common Control Framework (CCF)","source":"mapping-cisco-ccf-v3.0-and-fedramp-rev5 v2 + mapping-cisco-ccf-v3.0-and-iso27001-2022 v2","a":{"framework":"fedramp-rev5","requirements":410,"mapped":286},"b":{"framework":"iso27001-2022","requirements":123,"mapped":121},"relationships":{"equal":0,"subset":0,"superset":0,"intersect":1131}}`},
		{"iso-27001", "nist-800-171", `{"basis":"hub","via":"cisco-ccf-v3.0","via_name":"Cisco's Common Control Framework (CCF)","source":"mapping-cisco-ccf-v3.0-and-iso27001-2022 v2 + mapping-cisco-ccf-v3.0-and-nist-800-171-rev3 v2","a":{"framework":"iso27001-2022","requirements":123,"mapped":120},"b":{"framework":"nist-800-171-rev3","requirements":97,"mapped":70},"relationships":{"equal":0,"subset":0,"superset":0,"intersect":797}}`},
		{"cis-controls", "iso-27001", `{"basis":"direct","via":"","source":"mapping-cis-controls-v8-and-iso27001-2022 v1","a":{"framework":"cis-controls-v8","requirements":null,"mapped":122,"note":"CIS Controls v8, the edition the mappings cover (v8.1 revised it in 2024)"},"b":{"framework":"iso27001-2022","requirements":123,"mapped":59},"relationships":{"equal":4,"subset":190,"superset":5,"intersect":0}}`},
		{"cmmc", "nist-800-171", `null`},
		{"gdpr", "iso-27001", `null`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(For(get(tt.a), get(tt.b)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("For(%s, %s) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
		}
	}

	count := map[string]int{}
	for _, pr := range set.Pairs() {
		o := For(pr[0], pr[1])
		rev := For(pr[1], pr[0])
		switch {
		case o == nil:
			count["none"]++
			if rev != nil {
				t.Errorf("%s/%s: figures one way only", pr[0].ID, pr[1].ID)
			}
			continue
		case rev == nil:
			t.Errorf("%s/%s: figures one way only", pr[0].ID, pr[1].ID)
			continue
		}
		count[o.Basis]++
		// Read from the other side, the same path with the sides swapped.
		if !sameSource(rev, o) || !sameSide(rev.A, o.B) || !sameSide(rev.B, o.A) || rev.Relationships.Subset != o.Relationships.Superset {
			t.Errorf("%s/%s: For is not symmetric:\n%+v\n%+v", pr[0].ID, pr[1].ID, o, rev)
		}
		if o.A.Requirements != nil && o.A.Mapped > *o.A.Requirements || o.B.Requirements != nil && o.B.Mapped > *o.B.Requirements {
			t.Errorf("%s/%s: more mapped than requirements: %+v", pr[0].ID, pr[1].ID, o)
		}
	}
	t.Logf("of %d pairs: %d direct, %d hub, %d none", len(set.Pairs()), count["direct"], count["hub"], count["none"])
	if want := map[string]int{"direct": 9, "hub": 23, "none": 464}; !equalCounts(count, want) {
		t.Errorf("pairs by basis = %v, want %v", count, want)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// sameSource: a hub path's two mappings are named in page order.
func sameSource(rev, o *page.Overlap) bool {
	if o.Basis != "hub" {
		return rev.Source == o.Source
	}
	legs := strings.SplitN(o.Source, " + ", 2)
	return len(legs) == 2 && rev.Source == legs[1]+" + "+legs[0]
}

func sameSide(x, y page.OverlapSide) bool {
	a, _ := json.Marshal(x)
	b, _ := json.Marshal(y)
	return string(a) == string(b)
}
