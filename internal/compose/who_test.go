package compose

import "testing"

// The verdict names both audiences in one sentence, so it keeps only the
// core of each mandatory-for line; the FAQ keeps the whole line.
func TestShortWho(t *testing.T) {
	for in, want := range map[string]string{
		"US covered entities (health plans, health care clearinghouses, health care providers transacting electronically) and their business associates": "US covered entities and their business associates",
		"EU financial entities such as banks, insurers and investment firms, and critical ICT third-party service providers":                             "EU financial entities and critical ICT third-party service providers",
		"US Department of Defense contractors and subcontractors handling federal contract information or CUI, when the contract specifies a CMMC level": "US Department of Defense contractors and subcontractors handling federal contract information or CUI",
		"Organizations established in the EU, wherever they process personal data, and those outside it that target or monitor people in the EU":         "Organizations established in the EU and those outside it that target or monitor people in the EU",
		"Medium and large essential and important entities in covered sectors, as transposed into each EU member state's law":                            "Medium and large essential and important entities in covered sectors",
		"Cloud service providers whose cloud services are used by US federal agencies":                                                                   "Cloud service providers whose cloud services are used by US federal agencies",
	} {
		if got := shortWho(in); got != want {
			t.Errorf("shortWho(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
