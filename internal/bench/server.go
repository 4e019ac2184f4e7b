package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// server is `versus up` run as a process of its own, so that what it
// holds is measured alone: the bench's client, its garbage and its copies
// of answers are not in its resident memory.
type server struct {
	cmd   *exec.Cmd
	Base  string // http://127.0.0.1:PORT
	Pprof string // http://127.0.0.1:PORT/debug/pprof, "" when not served
	log   *os.File
	done  chan struct{}
	err   error // the process's exit, once done is closed

	rss *rssSampler
}

var (
	upLine    = regexp.MustCompile(`versus is up on (http://\S+)`)
	pprofLine = regexp.MustCompile(`profiles \(pprof\): (http://\S+/debug/pprof)/`)
)

// startServer runs bin as `versus up` offline on dataDir and profDir,
// with Go's profiles on a loopback port and args added, and returns once it serves. Its
// log goes to logPath. The environment is this process's, without any
// VERSUS_ setting or LLM key (the run is offline and must not join a
// configured NATS), plus env.
func startServer(ctx context.Context, bin, dataDir, profDir, logPath string, env []string, args ...string) (*server, error) {
	if bin == "" {
		return nil, errors.New("no versus binary to run as the server")
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"up", "--data", dataDir, "--profiles", profDir, "--addr", "127.0.0.1:0",
		"--pprof-addr", "127.0.0.1:0", "--log-level", "warn", "--max-redrafts", "2"}, args...)...)
	cmd.Env = append(serverEnv(os.Environ()), env...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, log: logf, done: make(chan struct{})}
	s.rss = newRSSSampler(cmd.Process.Pid)
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads after start; drop
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() {
		s.err = cmd.Wait()
		s.rss.stop()
		logf.Close()
		close(s.done)
	}()
	deadline := time.After(2 * time.Minute)
	for s.Base == "" || s.Pprof == "" {
		select {
		case l := <-lines:
			if m := upLine.FindStringSubmatch(l); m != nil {
				s.Base = m[1]
			}
			if m := pprofLine.FindStringSubmatch(l); m != nil {
				s.Pprof = m[1]
			}
		case <-s.done:
			return nil, fmt.Errorf("the server stopped before it served (%v): %s", s.err, tail(logPath))
		case <-deadline:
			s.stop()
			return nil, fmt.Errorf("the server did not serve in 2 minutes: %s", tail(logPath))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		}
	}
	return s, nil
}

// serverEnv is env without VERSUS_ settings and LLM keys.
func serverEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if strings.HasPrefix(kv, "VERSUS_") || strings.HasPrefix(kv, "OPENAI_API_KEY=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// stop ends the server as an operator would (SIGINT: it finishes the jobs
// in hand), killing it if it has not stopped in a minute.
func (s *server) stop() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
		return nil
	case <-time.After(time.Minute):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("the server did not stop in a minute: killed")
	}
}

// tail is the end of a log file, for an error message.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// --- resident memory over time ---

// PhaseRSS is the largest resident set the server had during one phase.
type PhaseRSS struct {
	Phase string
	Peak  uint64 // bytes
}

// rssSampler reads a process's resident set (VmRSS) every 100 ms and keeps
// the largest per phase of the run.
type rssSampler struct {
	pid   int
	mu    sync.Mutex
	peaks []PhaseRSS
	quit  chan struct{}
	once  sync.Once
}

func newRSSSampler(pid int) *rssSampler {
	r := &rssSampler{pid: pid, peaks: []PhaseRSS{{Phase: "start"}}, quit: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			r.sample()
			select {
			case <-r.quit:
				return
			case <-t.C:
			}
		}
	}()
	return r
}

func (r *rssSampler) sample() {
	v, ok := procStatus(r.pid, "VmRSS")
	if !ok {
		return
	}
	r.mu.Lock()
	p := &r.peaks[len(r.peaks)-1]
	p.Peak = max(p.Peak, v)
	r.mu.Unlock()
}

// enter starts phase name: samples from now on count for it.
func (r *rssSampler) enter(name string) {
	r.sample() // the end of the phase before
	r.mu.Lock()
	r.peaks = append(r.peaks, PhaseRSS{Phase: name})
	r.mu.Unlock()
	r.sample()
}

func (r *rssSampler) stop() { r.once.Do(func() { close(r.quit) }) }

// Peaks are the phases so far with their largest resident set.
func (r *rssSampler) Peaks() []PhaseRSS {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]PhaseRSS(nil), r.peaks...)
}

// procStatus reads a kB field of /proc/<pid>/status (VmRSS, VmHWM) in bytes.
func procStatus(pid int, field string) (uint64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	return statusField(string(b), field)
}

// statusField is one kB field of a /proc status file, in bytes.
func statusField(status, field string) (uint64, bool) {
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
