package page

// The bounds of a page's parts: the one copy the JSON Schema
// (schema/page.schema.json, held to these by a test), the validator's
// rules, the offline composer and the prompts' text all take. Counts are
// items in a list; words and characters are per item.
const (
	DescMinChars, DescMaxChars       = 50, 160
	VerdictMinWords, VerdictMaxWords = 30, 120
	TaglineMinWords, TaglineMaxWords = 4, 30
	FullNameMaxChars                 = 160
	FeatureMinWords, FeatureMaxWords = 2, 20   // a key feature bullet
	BulletMinWords, BulletMaxWords   = 2, 45   // a key component, why-used bullet or implementation step
	ParaMinWords, ParaMaxWords       = 20, 180 // a what-it-is or implementation paragraph
	CellMinWords, CellMaxWords       = 1, 30
	QuestMinWords, QuestMaxWords     = 3, 30
	AnswerMinWords, AnswerMaxWords   = 12, 150

	KeyFeatures                  = 5
	WhatItIsMin, WhatItIsMax     = 1, 2
	ComponentsMin, ComponentsMax = 3, 8
	WhyUsedMin, WhyUsedMax       = 2, 6
	StepsMin, StepsMax           = 2, 6
	FAQMin, FAQMax               = 3, 8
	ExtraRowsMax                 = 5 // differences rows after the fixed aspects
)

// Bound is an inclusive range.
type Bound struct{ Min, Max int }

// Limits gathers the bounds by name, for templates and tests.
type Limits struct {
	DescChars, VerdictWords, TaglineWords, FeatureWords, BulletWords,
	ParaWords, CellWords, QuestWords, AnswerWords Bound
	KeyFeatures                                          int
	WhatItIs, Components, WhyUsed, Steps, FAQ, ExtraRows Bound
}

// Bounds returns the bounds above as a Limits.
func Bounds() Limits {
	return Limits{
		DescChars:    Bound{DescMinChars, DescMaxChars},
		VerdictWords: Bound{VerdictMinWords, VerdictMaxWords},
		TaglineWords: Bound{TaglineMinWords, TaglineMaxWords},
		FeatureWords: Bound{FeatureMinWords, FeatureMaxWords},
		BulletWords:  Bound{BulletMinWords, BulletMaxWords},
		ParaWords:    Bound{ParaMinWords, ParaMaxWords},
		CellWords:    Bound{CellMinWords, CellMaxWords},
		QuestWords:   Bound{QuestMinWords, QuestMaxWords},
		AnswerWords:  Bound{AnswerMinWords, AnswerMaxWords},
		KeyFeatures:  KeyFeatures,
		WhatItIs:     Bound{WhatItIsMin, WhatItIsMax},
		Components:   Bound{ComponentsMin, ComponentsMax},
		WhyUsed:      Bound{WhyUsedMin, WhyUsedMax},
		Steps:        Bound{StepsMin, StepsMax},
		FAQ:          Bound{FAQMin, FAQMax},
		ExtraRows:    Bound{0, ExtraRowsMax},
	}
}
