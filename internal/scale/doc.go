// Package scale holds the tests of versus at scale: several worker processes
// of each kind sharing a 3-node JetStream cluster, with nodes, workers and
// the LLM failing under them. It has no code of its own; the processes are
// the real app.Run, the cluster is internal/clustertest.
package scale
