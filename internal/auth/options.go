package auth

// Option tunes New.
type Option func(*config)

type config struct {
	replicas int
}

// WithReplicas stores the accounts bucket on n servers, like every other
// stream and bucket of the deployment (store.Settings.Replicas): on a
// 3-node cluster users and tokens must survive the loss of a node.
func WithReplicas(n int) Option { return func(c *config) { c.replicas = n } }

func options(opts []Option) config {
	c := config{replicas: 1}
	for _, o := range opts {
		o(&c)
	}
	if c.replicas < 1 {
		c.replicas = 1
	}
	return c
}
