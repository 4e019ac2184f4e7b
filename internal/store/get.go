package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// A KeyValue.Get is a "direct get": any replica of the bucket may answer
// it, and a replica can lag the last write by a moment. Every read that a
// write or a decision follows goes to the stream leader instead, which has
// applied every write it acknowledged. Without it, a validator handed a job
// for a draft just stored could read the record from before the draft,
// take the job for obsolete and drop it, leaving the record in drafting.

// leaderGetTimeout bounds a read when the caller's context has no deadline:
// the jetstream package's own API timeout, so a read waits for a restarting
// server no longer than the KeyValue.Get it replaces did.
const leaderGetTimeout = 5 * time.Second

// errGone is a key whose last entry is a delete or purge marker.
var errGone = errors.New("deleted")

// keyRe is the keys a bucket accepts (as nats.go checks them).
var keyRe = regexp.MustCompile(`^[-/_=.a-zA-Z0-9]+$`)

func validKey(k string) bool {
	return k != "" && k[0] != '.' && k[len(k)-1] != '.' && !strings.Contains(k, "..") && keyRe.MatchString(k)
}

// msgGetResponse is the JetStream API's answer to STREAM.MSG.GET.
type msgGetResponse struct {
	Error *struct {
		Code        int    `json:"code"`
		ErrCode     int    `json:"err_code"`
		Description string `json:"description"`
	} `json:"error"`
	Message *struct {
		Subject string `json:"subject"`
		Seq     uint64 `json:"seq"`
		Header  []byte `json:"hdrs"`
		Data    []byte `json:"data"`
	} `json:"message"`
}

// errCodeNoMessage is JetStream's "no message found".
const errCodeNoMessage = 10037

// leaderGet reads the latest value of key and its revision from the leader
// of the bucket's stream. A missing or deleted key is ErrNotFound.
func leaderGet(ctx context.Context, nc *nats.Conn, bucket, key string) ([]byte, uint64, error) {
	if !validKey(key) {
		return nil, 0, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, leaderGetTimeout)
		defer cancel()
	}
	req, err := json.Marshal(map[string]string{"last_by_subj": "$KV." + bucket + "." + key})
	if err != nil {
		return nil, 0, err
	}
	msg, err := nc.RequestWithContext(ctx, "$JS.API.STREAM.MSG.GET.KV_"+bucket, req)
	if err != nil {
		return nil, 0, fmt.Errorf("get %s: %w", key, err)
	}
	data, rev, err := decodeMsgGet(msg.Data)
	switch {
	case errors.Is(err, errGone), errors.Is(err, ErrNotFound):
		return nil, 0, fmt.Errorf("%s: %w", key, ErrNotFound)
	case err != nil:
		return nil, 0, fmt.Errorf("get %s: %w", key, err)
	}
	return data, rev, nil
}

// decodeMsgGet reads a STREAM.MSG.GET answer: the value and its sequence
// (the key's revision), ErrNotFound when there is none, errGone for a
// delete or purge marker.
func decodeMsgGet(body []byte) ([]byte, uint64, error) {
	var resp msgGetResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, 0, fmt.Errorf("decode the answer: %w", err)
	}
	if resp.Error != nil {
		if resp.Error.ErrCode == errCodeNoMessage || resp.Error.Code == 404 {
			return nil, 0, ErrNotFound
		}
		return nil, 0, &apiError{Code: resp.Error.Code, ErrCode: resp.Error.ErrCode, Description: resp.Error.Description}
	}
	if resp.Message == nil {
		return nil, 0, errors.New("jetstream: an answer with no message")
	}
	if len(resp.Message.Header) > 0 {
		h, err := nats.DecodeHeadersMsg(resp.Message.Header)
		if err != nil {
			return nil, 0, fmt.Errorf("decode headers: %w", err)
		}
		if op := h.Get("KV-Operation"); op == "DEL" || op == "PURGE" {
			return nil, 0, errGone
		}
	}
	return resp.Message.Data, resp.Message.Seq, nil
}

// apiError is an error answer of the JetStream API to a request made here.
type apiError struct {
	Code, ErrCode int
	Description   string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("jetstream: %s (%d/%d)", e.Description, e.Code, e.ErrCode)
}
