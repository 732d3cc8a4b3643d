package server

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckJSON checks that checkJSON never panics, refuses with a
// *BodyError, and lets through no JSON that decodes to a NUL or that is
// not UTF-8.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `[{"id":"z\u0000"}]`, "{\"a\":\"\xff\"}", `{"a\u0000":1}`, `"\u0000"`, `[1,{"b":[2,"\u0000"]}]`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := checkJSON(body)
		var be *BodyError
		if err != nil {
			if !errors.As(err, &be) {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		var v any
		if json.Unmarshal(body, &v) != nil {
			return
		}
		if !utf8.Valid(body) {
			t.Fatalf("invalid UTF-8 let through: %q", body)
		}
		b, _ := json.Marshal(v)
		if strings.Contains(string(b), `\u0000`) {
			t.Fatalf("NUL let through: %q", body)
		}
	})
}
