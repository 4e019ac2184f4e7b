// Package metrics holds the pipeline's Prometheus metrics. One Pipeline is
// created per process and handed to the workers; nil disables them.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Pipeline counts what the workers do.
type Pipeline struct {
	Drafts             *prometheus.CounterVec   // kind, outcome (ok, undecodable, error, transient)
	DraftSeconds       *prometheus.HistogramVec // kind
	Validations        *prometheus.CounterVec   // kind, outcome (pass, redraft, needs_attention)
	ValidationFailures *prometheus.CounterVec   // rule: error findings by rule id
	Tokens             *prometheus.CounterVec   // kind (prompt, completion, cached)
	Indexed            *prometheus.CounterVec   // op (put, delete)
}

// New registers the pipeline metrics with reg.
func New(reg prometheus.Registerer) *Pipeline {
	m := &Pipeline{
		Drafts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_drafts_total", Help: "Drafts written, by record kind and outcome.",
		}, []string{"kind", "outcome"}),
		DraftSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "versus_draft_seconds", Help: "Time to draft one record, LLM call included.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"kind"}),
		Validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_validations_total", Help: "Drafts validated, by record kind and outcome.",
		}, []string{"kind", "outcome"}),
		ValidationFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_validation_failures_total", Help: "Error findings in drafts, by rule.",
		}, []string{"rule"}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_draft_tokens_total", Help: "LLM tokens spent on drafts, by kind.",
		}, []string{"kind"}),
		Indexed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_index_ops_total", Help: "Search index updates, by operation.",
		}, []string{"op"}),
	}
	if reg != nil {
		reg.MustRegister(m.Drafts, m.DraftSeconds, m.Validations, m.ValidationFailures, m.Tokens, m.Indexed)
	}
	return m
}

// StateSource is what the state collector reads: counts per state and the queue depth.
type StateSource interface {
	StateCounts() map[string]map[string]int // kind → state → count
	QueueDepthNow() (uint64, error)
}

// stateCollector reports jobs by state and queue depth at scrape time, so
// the numbers are never out of step with the records.
type stateCollector struct {
	src   StateSource
	state *prometheus.Desc
	depth *prometheus.Desc
}

// RegisterStates registers gauges of records by state and of queue depth.
func RegisterStates(reg prometheus.Registerer, src StateSource) {
	reg.MustRegister(&stateCollector{
		src:   src,
		state: prometheus.NewDesc("versus_records", "Pages and sections by state.", []string{"kind", "state"}, nil),
		depth: prometheus.NewDesc("versus_queue_depth", "Jobs waiting in the jobs stream.", nil, nil),
	})
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.state
	ch <- c.depth
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	for kind, states := range c.src.StateCounts() {
		for st, n := range states {
			ch <- prometheus.MustNewConstMetric(c.state, prometheus.GaugeValue, float64(n), kind, st)
		}
	}
	if d, err := c.src.QueueDepthNow(); err == nil {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(d))
	}
}
