package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/versus-dev/versus/internal/app"
	"github.com/versus-dev/versus/internal/llm"
)

// bindEnv lets every flag come from the environment as VERSUS_<FLAG>
// (VERSUS_DATA, VERSUS_LLM_BASE_URL, …); a flag given on the command line wins.
func bindEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "VERSUS_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if serr := f.Value.Set(v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, serr)
			}
		}
	})
	return err
}

// logFlags configure the logger.
type logFlags struct {
	level  string
	format string
}

func (l *logFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&l.level, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&l.format, "log-format", "json", "log format: json (for machines) or console (for people)")
}

func (l *logFlags) logger(w io.Writer) (zerolog.Logger, error) {
	lvl, err := zerolog.ParseLevel(l.level)
	if err != nil {
		return zerolog.Nop(), fmt.Errorf("--log-level %q: %w", l.level, err)
	}
	if l.format == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.Kitchen}
	} else if l.format != "json" {
		return zerolog.Nop(), fmt.Errorf("--log-format %q: want json or console", l.format)
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger(), nil
}

// addNATSFlags are how any process reaches NATS.
func addNATSFlags(fs *pflag.FlagSet, c *app.Config) {
	fs.StringVar(&c.NATS.URL, "nats", "", "NATS server or cluster URL(s), comma separated; empty runs an embedded server")
	fs.StringVar(&c.NATS.User, "nats-user", "", "NATS user")
	fs.StringVar(&c.NATS.Password, "nats-password", "", "NATS password (prefer VERSUS_NATS_PASSWORD)")
	fs.StringVar(&c.NATS.CredsFile, "nats-creds", "", "NATS credentials file (JWT and nkey seed)")
	fs.StringVar(&c.NATS.NKeyFile, "nats-nkey", "", "NATS nkey seed file")
	fs.StringVar(&c.NATS.TLSCA, "nats-tls-ca", "", "CA certificate to verify the NATS servers")
	fs.StringVar(&c.NATS.TLSCert, "nats-tls-cert", "", "client certificate for NATS mutual TLS")
	fs.StringVar(&c.NATS.TLSKey, "nats-tls-key", "", "client key for NATS mutual TLS")
	fs.IntVar(&c.Settings.Replicas, "replicas", 1, "replicas of every stream and bucket (3 on a 3-node cluster)")
}

// addLLMFlags configure the drafting model.
func addLLMFlags(fs *pflag.FlagSet, c *app.Config) {
	fs.StringVar(&c.LLM.BaseURL, "llm-base-url", "", "OpenAI-compatible API base URL (vLLM, llama.cpp, Ollama, Azure); empty with no OPENAI_API_KEY uses the offline composer")
	fs.StringVar(&c.LLM.Model, "llm-model", "gpt-4o-mini", "model name (the deployment name on Azure)")
	fs.IntVar(&c.LLM.Concurrency, "llm-concurrency", llm.DefaultConcurrency, "LLM calls in flight at once, shared by all drafters in the process")
	fs.IntVar(&c.LLM.RPM, "llm-rpm", 0, "LLM requests per minute (0: no limit)")
	fs.IntVar(&c.LLM.TPM, "llm-tpm", 0, "LLM tokens per minute (0: no limit)")
	fs.Float32Var(&c.LLM.Temperature, "llm-temperature", 0.2, "sampling temperature; 0 is really sent")
	fs.IntVar(&c.LLM.MaxTokens, "llm-max-tokens", 2000, "completion token bound per call; an answer cut off there is a finding")
	fs.DurationVar(&c.LLM.Timeout, "llm-timeout", llm.DefaultTimeout, "timeout of one LLM call")
	fs.IntVar(&c.LLM.MaxRetries, "llm-retries", llm.DefaultMaxRetries, "retries of a failed call (429, 5xx, timeouts) before the job is handed back")
	fs.StringVar(&c.LLM.StructuredOutputs, "llm-structured", llm.ModeAuto, "structured outputs: auto, json_schema or json_object")
	fs.BoolVar(&c.LLM.Azure, "llm-azure", false, "the base URL is an Azure OpenAI resource")
	fs.StringVar(&c.LLM.APIVersion, "llm-api-version", "", "Azure OpenAI API version")
	fs.IntVar(&c.MaxRedrafts, "max-redrafts", 2, "redrafts with the findings before a draft needs attention")
	fs.Float64Var(&c.Price.Input, "price-input", 0, "the model's price per million prompt tokens: runs and the dashboard report their cost (GET /api/runs/{id}, GET /api/dashboard)")
	fs.Float64Var(&c.Price.Output, "price-output", 0, "the model's price per million completion tokens")
	fs.IntVar(&c.Drafters, "drafters", 0, "drafting jobs in hand at once (default: LLM concurrency, or 8 offline)")
}

// llmKey reads the API key from the environment, never from a flag, so it
// stays out of shell history and process listings.
func llmKey(c *app.Config) {
	if k := os.Getenv("VERSUS_LLM_API_KEY"); k != "" {
		c.LLM.APIKey = k
	} else {
		c.LLM.APIKey = os.Getenv("OPENAI_API_KEY")
	}
	if c.LLM.APIKey != "" && c.LLM.BaseURL == "" && !c.LLM.Azure {
		c.LLM.BaseURL = "https://api.openai.com/v1"
	}
}

// addPublishFlags configure what the public site says about itself and who
// is told when what it publishes changes.
func addPublishFlags(fs *pflag.FlagSet, c *app.Config) {
	fs.StringVar(&c.PublicURL, "public-url", "", "base URL of the public site (https://example.com): canonical links, Open Graph, JSON-LD and the sitemap use it; empty: the request's host")
	fs.IntVar(&c.SitemapLimit, "sitemap-limit", 50000, "URLs per sitemap file; past it /sitemap.xml is a sitemap index")
	fs.StringSliceVar(&c.Webhooks.URLs, "webhook", nil, "URL told of every publish, update and unpublish (repeat or comma separate)")
	fs.StringVar(&c.Webhooks.Secret, "webhook-secret", "", "HMAC-SHA256 key of the webhooks' X-Versus-Signature header (prefer VERSUS_WEBHOOK_SECRET)")
}
