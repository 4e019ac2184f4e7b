// Package doctor notices a damaged store. As the server runs it writes a
// manifest of what the embedded JetStream store holds (per stream and
// bucket: first and last sequence, message count, and a checksum of the
// accounts bucket); at start it compares the store with it and refuses to
// go on when something is missing, naming what and the command that
// repairs or restores (`versus doctor`). It also finds stream and consumer
// files on disk the server could not load.
package doctor

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// ManifestFile is the manifest's name in the data folder.
const ManifestFile = "manifest.json"

// checksummed are the streams whose every message is hashed into the
// manifest: the accounts, whose silent loss would let anyone who reaches
// the server first become admin.
var checksummed = map[string]bool{"KV_versus_auth": true}

// Manifest is what the store held when it was written.
type Manifest struct {
	Version int                   `json:"version"`
	Written time.Time             `json:"written"`
	Streams map[string]StreamMark `json:"streams"`
}

// StreamMark is one stream's (or bucket's: KV_<bucket>) state.
type StreamMark struct {
	FirstSeq  uint64 `json:"first_seq"`
	LastSeq   uint64 `json:"last_seq"`
	Messages  uint64 `json:"messages"`
	WorkQueue bool   `json:"work_queue,omitempty"` // acked messages leave: the count may fall
	// Ages: messages expire (MaxAge, such as the runs bucket's 30 days), so
	// the count may fall with nothing written; only lost sequences count.
	Ages bool `json:"ages,omitempty"`
	// Checksum is the SHA-256 of every message (sequence, subject, data),
	// for the accounts bucket.
	Checksum string `json:"checksum,omitempty"`
	// Users counts the live user records of the accounts bucket.
	Users int `json:"users,omitempty"`
	// Unreadable says why the messages could not be read back (never in a
	// written manifest: a snapshot with it is damage).
	Unreadable string `json:"unreadable,omitempty"`
}

// Snapshot reads the state of every stream. prev, when given, lends its
// checksums to streams whose last sequence has not moved, so a running
// server does not re-read the accounts every few seconds.
func Snapshot(ctx context.Context, js jetstream.JetStream, prev *Manifest) (Manifest, error) {
	m := Manifest{Version: 1, Written: time.Now().UTC(), Streams: map[string]StreamMark{}}
	lister := js.StreamNames(ctx)
	var names []string
	for name := range lister.Name() {
		names = append(names, name)
	}
	if err := lister.Err(); err != nil && !errors.Is(err, jetstream.ErrEndOfData) {
		return m, fmt.Errorf("list streams: %w", err)
	}
	for _, name := range names {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return m, fmt.Errorf("stream %s: %w", name, err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			return m, fmt.Errorf("stream %s: %w", name, err)
		}
		mark := StreamMark{FirstSeq: info.State.FirstSeq, LastSeq: info.State.LastSeq, Messages: info.State.Msgs,
			WorkQueue: info.Config.Retention == jetstream.WorkQueuePolicy, Ages: info.Config.MaxAge > 0}
		if checksummed[name] {
			if p, ok := prev.stream(name); ok && p.LastSeq == mark.LastSeq && p.Messages == mark.Messages && p.Checksum != "" {
				mark.Checksum, mark.Users = p.Checksum, p.Users
			} else if mark.Checksum, mark.Users, err = checksum(ctx, s, info.State); err != nil {
				if ctx.Err() != nil {
					return m, err
				}
				mark.Checksum, mark.Unreadable = "", err.Error()
			}
		}
		m.Streams[name] = mark
	}
	return m, nil
}

func (m *Manifest) stream(name string) (StreamMark, bool) {
	if m == nil {
		return StreamMark{}, false
	}
	s, ok := m.Streams[name]
	return s, ok
}

// checksum hashes every message of s, in order, and counts the live user
// records. A message the server cannot read is an error.
func checksum(ctx context.Context, s jetstream.Stream, st jetstream.StreamState) (string, int, error) {
	h := sha256.New()
	users := map[string]bool{}
	if st.Msgs > 0 {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		// An ephemeral reader, in memory, deleted when done (and by the
		// server soon after, should this process die first).
		c, err := s.CreateConsumer(cctx, jetstream.ConsumerConfig{AckPolicy: jetstream.AckNonePolicy,
			DeliverPolicy: jetstream.DeliverAllPolicy, MemoryStorage: true, InactiveThreshold: 30 * time.Second})
		if err != nil {
			return "", 0, err
		}
		defer func() {
			dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = s.DeleteConsumer(dctx, c.CachedInfo().Name)
			dcancel()
		}()
		var n uint64
		for n < st.Msgs {
			batch, err := c.Fetch(int(min(st.Msgs-n, 256)), jetstream.FetchMaxWait(2*time.Second))
			if err != nil {
				return "", 0, err
			}
			got := 0
			for msg := range batch.Messages() {
				got++
				md, err := msg.Metadata()
				if err != nil {
					return "", 0, err
				}
				if md.Sequence.Stream > st.LastSeq {
					n = st.Msgs // written since the state was read: stop here
					break
				}
				n++
				var seq [8]byte
				binary.BigEndian.PutUint64(seq[:], md.Sequence.Stream)
				h.Write(seq[:])
				h.Write([]byte(msg.Subject()))
				h.Write([]byte{0})
				h.Write(msg.Data())
				if key, ok := strings.CutPrefix(msg.Subject(), "$KV.versus_auth.user."); ok {
					op := msg.Headers().Get("KV-Operation")
					users[key] = op != "DEL" && op != "PURGE"
				}
			}
			if err := batch.Error(); err != nil {
				return "", 0, err
			}
			if got == 0 {
				return "", 0, fmt.Errorf("read %d of %d messages: the rest do not come", n, st.Msgs)
			}
		}
	}
	live := 0
	for _, ok := range users {
		if ok {
			live++
		}
	}
	return hex.EncodeToString(h.Sum(nil)), live, nil
}

// ReadManifest reads DIR/manifest.json; ok is false when there is none.
func ReadManifest(dataDir string) (Manifest, bool, error) {
	path := filepath.Join(dataDir, ManifestFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Manifest{}, false, nil
	}
	if err != nil {
		return Manifest{}, false, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, false, fmt.Errorf("manifest %s is unreadable (%v): run `versus doctor --data %s` to write it again from the store", path, err, dataDir)
	}
	if m.Version != 1 {
		return Manifest{}, false, fmt.Errorf("manifest %s: version %d, this versus reads version 1", path, m.Version)
	}
	return m, true, nil
}

// WriteManifest writes m atomically (a synced temporary file renamed over
// the old one), so a crash leaves the old manifest or the new one.
func WriteManifest(dataDir string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dataDir, ".manifest-*")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("manifest: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("manifest: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dataDir, ManifestFile)); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if d, err := os.Open(dataDir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Problem is one thing missing or damaged.
type Problem struct {
	Stream   string `json:"stream"`
	Consumer string `json:"consumer,omitempty"`
	File     string `json:"file,omitempty"` // the damaged file or folder, when one is known
	What     string `json:"what"`
	Repair   string `json:"repair"` // what `versus doctor` does about it
	// Users is set when the accounts lost users: a new admin would be made
	// over them.
	Users bool `json:"users,omitempty"`
}

func (p Problem) String() string {
	s := p.What
	if p.File != "" && !strings.Contains(s, p.File) {
		s += " (" + p.File + ")"
	}
	return s
}

// Compare returns what now lacks of was.
func Compare(was, now Manifest) []Problem {
	var out []Problem
	names := make([]string, 0, len(was.Streams))
	for n := range was.Streams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		w := was.Streams[name]
		n, ok := now.Streams[name]
		what := describe(name)
		accounts := checksummed[name]
		switch {
		case !ok && (w.LastSeq > 0):
			out = append(out, Problem{Stream: name, Users: accounts && w.Users > 0,
				What:   fmt.Sprintf("%s is missing: it held %d messages up to sequence %d", what, w.Messages, w.LastSeq),
				Repair: "accept the loss: the next start creates it empty"})
		case !ok:
		case n.LastSeq < w.LastSeq:
			out = append(out, Problem{Stream: name, Users: accounts && w.Users > n.Users,
				What: fmt.Sprintf("%s ends at sequence %d but had reached %d: its last %d messages are lost (it holds %d messages, had %d)",
					what, n.LastSeq, w.LastSeq, w.LastSeq-n.LastSeq, n.Messages, w.Messages),
				Repair: "accept the loss"})
		case n.LastSeq == w.LastSeq && !w.WorkQueue && !w.Ages && n.Messages != w.Messages:
			out = append(out, Problem{Stream: name, Users: accounts && w.Users > n.Users,
				What:   fmt.Sprintf("%s holds %d messages but held %d with nothing written since: %d are lost", what, n.Messages, w.Messages, int64(w.Messages)-int64(n.Messages)),
				Repair: "accept the loss"})
		case n.Unreadable != "":
			// Reported by Unreadable, with or without a manifest.
		case n.LastSeq == w.LastSeq && w.Checksum != "" && n.Checksum != w.Checksum:
			out = append(out, Problem{Stream: name, Users: accounts,
				What:   fmt.Sprintf("%s does not read back as it was written (checksum %.12s, was %.12s) with nothing written since", what, n.Checksum, w.Checksum),
				Repair: "accept what is left"})
		}
		if accounts && ok && n.Unreadable == "" && w.Users > 0 && n.Users == 0 && n.LastSeq >= w.LastSeq {
			out = append(out, Problem{Stream: name, Users: true,
				What:   fmt.Sprintf("%s has no users; it had %d", what, w.Users),
				Repair: "create a new admin and token, saying so"})
		}
	}
	return out
}

func describe(stream string) string {
	if b, ok := strings.CutPrefix(stream, "KV_"); ok {
		return "bucket " + b + " (stream " + stream + ")"
	}
	return "stream " + stream
}

// Unreadable lists the streams of now whose messages could not be read back.
func Unreadable(now Manifest, dataDir string) []Problem {
	var out []Problem
	for name, n := range now.Streams {
		if n.Unreadable == "" {
			continue
		}
		out = append(out, Problem{Stream: name, Users: checksummed[name], File: streamFolder(dataDir, name),
			What:   fmt.Sprintf("%s cannot be read back (%s): its files are damaged", describe(name), n.Unreadable),
			Repair: "move the folder aside into DATA/damaged/ (the next start creates it empty)"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stream < out[j].Stream })
	return out
}

// streamFolder is where the embedded server keeps stream name, "" when it
// is not found on disk.
func streamFolder(dataDir, name string) string {
	m, _ := filepath.Glob(filepath.Join(StoreDir(dataDir), "*", "streams", name))
	if len(m) == 1 {
		return m[0]
	}
	return ""
}
