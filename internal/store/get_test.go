package store

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
)

func TestDecodeMsgGet(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name    string
		body    string
		data    string
		rev     uint64
		wantErr error // nil: success; errAny: some other error
	}{
		{"value", `{"type":"io.nats.jetstream.api.v1.stream_msg_get_response","message":{"subject":"$KV.b.k","seq":42,"data":"` + b64([]byte(`{"slug":"k"}`)) + `","time":"2026-11-22T08:00:00Z"}}`, `{"slug":"k"}`, 42, nil},
		{"no message", `{"error":{"code":404,"err_code":10037,"description":"no message found"}}`, "", 0, ErrNotFound},
		{"deleted", `{"message":{"subject":"$KV.b.k","seq":7,"hdrs":"` + b64([]byte("NATS/1.0\r\nKV-Operation: DEL\r\n\r\n")) + `"}}`, "", 0, errGone},
		{"purged", `{"message":{"subject":"$KV.b.k","seq":8,"hdrs":"` + b64([]byte("NATS/1.0\r\nKV-Operation: PURGE\r\n\r\n")) + `"}}`, "", 0, errGone},
		{"other header", `{"message":{"subject":"$KV.b.k","seq":9,"hdrs":"` + b64([]byte("NATS/1.0\r\nX-Trace: 1\r\n\r\n")) + `","data":"` + b64([]byte("v")) + `"}}`, "v", 9, nil},
		{"server error", `{"error":{"code":503,"err_code":10008,"description":"jetstream cluster not available"}}`, "", 0, errAny},
		{"empty answer", `{}`, "", 0, errAny},
		{"not json", `-ERR`, "", 0, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, rev, err := decodeMsgGet([]byte(tt.body))
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr == errAny && (err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, errGone)):
				t.Fatalf("error %v, want another error", err)
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if tt.name == "server error" && !Unavailable(context.Background(), err) {
				t.Errorf("%v is not taken for the store being unavailable", err)
			}
			if string(data) != tt.data || rev != tt.rev {
				t.Fatalf("got %q at %d, want %q at %d", data, rev, tt.data, tt.rev)
			}
		})
	}
}

var errAny = errors.New("any other error")

func TestValidKey(t *testing.T) {
	for k, want := range map[string]bool{
		"gdpr-vs-sox": true, "iso-27001": true, "a.b": true,
		"": false, ".a": false, "a.": false, "a..b": false, "a b": false, "a*": false, "a>": false, "ü": false,
	} {
		if got := validKey(k); got != want {
			t.Errorf("validKey(%q) = %v, want %v", k, got, want)
		}
	}
}

// FuzzDecodeMsgGet: whatever a server answers, decoding returns a value or
// an error, never a panic, and a value only with a revision.
func FuzzDecodeMsgGet(f *testing.F) {
	f.Add([]byte(`{"message":{"subject":"$KV.b.k","seq":42,"data":"eyJzbHVnIjoiayJ9"}}`))
	f.Add([]byte(`{"error":{"code":404,"err_code":10037,"description":"no message found"}}`))
	f.Add([]byte(`{"message":{"seq":7,"hdrs":"TkFUUy8xLjANCktWLU9wZXJhdGlvbjogREVMDQoNCg=="}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		data, rev, err := decodeMsgGet(body)
		if err != nil && (data != nil || rev != 0) {
			t.Fatalf("error %v with a value", err)
		}
	})
}
