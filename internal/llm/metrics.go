package llm

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Call outcomes, the values of versus_llm_calls_total{outcome}.
const (
	outcomeOK        = "ok"
	outcomeTruncated = "truncated"
	outcomeEmpty     = "empty"
	outcomeTransient = "transient"
	outcomeError     = "error"
	outcomeCanceled  = "canceled"
)

// Metrics are the client's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	Calls   *prometheus.CounterVec // by outcome
	Retries *prometheus.CounterVec // by reason: 429, 5xx, timeout, network, schema_fallback, ...
	Tokens  *prometheus.CounterVec // by kind: prompt, completion, cached
	Latency prometheus.Histogram   // seconds per HTTP attempt
}

// NewMetrics makes the metrics and registers them with reg (if not nil).
// Registering twice with one registry reuses the collectors already there.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_llm_calls_total", Help: "LLM calls by outcome.",
		}, []string{"outcome"}),
		Retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_llm_retries_total", Help: "LLM attempts retried, by reason.",
		}, []string{"reason"}),
		Tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "versus_llm_tokens_total", Help: "LLM tokens used, by kind.",
		}, []string{"kind"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "versus_llm_request_duration_seconds",
			Help:    "Duration of one LLM HTTP attempt.",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 20, 40, 80, 160},
		}),
	}
	if reg != nil {
		m.Calls = register(reg, m.Calls)
		m.Retries = register(reg, m.Retries)
		m.Tokens = register(reg, m.Tokens)
		m.Latency = register(reg, m.Latency)
	}
	return m
}

func register[T prometheus.Collector](reg prometheus.Registerer, c T) T {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(T); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}

func (m *Metrics) call(outcome string) {
	if m != nil {
		m.Calls.WithLabelValues(outcome).Inc()
	}
}

func (m *Metrics) retry(reason string) {
	if m != nil {
		m.Retries.WithLabelValues(reason).Inc()
	}
}

func (m *Metrics) tokens(u Usage) {
	if m == nil {
		return
	}
	m.Tokens.WithLabelValues("prompt").Add(float64(u.Prompt))
	m.Tokens.WithLabelValues("completion").Add(float64(u.Completion))
	m.Tokens.WithLabelValues("cached").Add(float64(u.Cached))
}

func (m *Metrics) observe(d time.Duration) {
	if m != nil {
		m.Latency.Observe(d.Seconds())
	}
}
