package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// Text the stores cannot keep: PostgreSQL text holds neither NUL nor
// invalid UTF-8 (it answers an error, which was a 500), and SQLite would
// keep them and hand them back to clients that choke on them. checkText
// refuses both before any handler runs, with a 400 naming the path
// parameter, query parameter, form field or JSON member that holds them.

// checkText refuses NUL bytes and invalid UTF-8 in the path, the query and
// text bodies (form fields, JSON, and any other text such as GPX or CSV).
// A body is read whole (limitBody bounds it) and put back for the handler.
func checkText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		for i, name := range c.ParamNames() {
			if i < len(c.ParamValues()) {
				v, err := url.PathUnescape(c.ParamValues()[i])
				if err != nil {
					v = c.ParamValues()[i]
				}
				if why := badText(v); why != "" {
					return &ParamError{Param: name, Value: v, Reason: why}
				}
			}
		}
		if why := badText(req.URL.Path); why != "" {
			return &ParamError{Param: "path", Value: req.URL.Path, Reason: why}
		}
		if q, err := url.ParseQuery(req.URL.RawQuery); err == nil {
			if err := checkValues(q, func(k, v, why string) error { return &ParamError{Param: k, Value: v, Reason: why} }); err != nil {
				return err
			}
		}
		if req.Body == nil || req.Body == http.NoBody || req.ContentLength == 0 {
			return next(c)
		}
		mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		if binaryMedia(mt) {
			return next(c)
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err // the body limit's *http.MaxBytesError, or the client went away
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if err := checkBody(mt, body); err != nil {
			return err
		}
		return next(c)
	}
}

// binaryMedia is a media type whose body is not text.
func binaryMedia(mt string) bool {
	return mt == "application/octet-stream" || mt == "application/gzip" || mt == "application/zip" ||
		strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "multipart/") || strings.HasSuffix(mt, "protobuf")
}

// checkBody checks a text body of media type mt.
func checkBody(mt string, body []byte) error {
	switch {
	case mt == echo.MIMEApplicationForm:
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil // the handler says what is wrong with the form
		}
		return checkValues(q, func(k, _, why string) error { return &BodyError{Field: k, Reason: why} })
	case mt == echo.MIMEApplicationJSON || strings.HasSuffix(mt, "+json"):
		return checkJSON(body)
	}
	if i := badByte(body); i >= 0 {
		return &BodyError{Reason: fmt.Sprintf("byte %d: %s", i, badText(string(body[i:min(len(body), i+utf8.UTFMax)])))}
	}
	return nil
}

// checkValues checks the names and values of a query or form.
func checkValues(q url.Values, bad func(name, value, why string) error) error {
	for k, vs := range q {
		if why := badText(k); why != "" {
			return bad(strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?"), k, "the name "+why)
		}
		for _, v := range vs {
			if why := badText(v); why != "" {
				return bad(k, v, why)
			}
		}
	}
	return nil
}

// badText says what is wrong with s, or "" when it is fine.
func badText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8; send text in UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "holds a NUL character (\\u0000 or %00), which text may not hold"
	}
	return ""
}

// badByte is the offset of the first NUL byte or invalid UTF-8 sequence
// in b, or -1.
func badByte(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == 0 || r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// checkJSON walks a JSON body and names the first member or element whose
// key or string value holds NUL or invalid UTF-8 (encoding/json would
// keep the NUL and quietly replace invalid bytes). A body that is not
// JSON is left for the handler to refuse.
func checkJSON(body []byte) error {
	if badByte(body) < 0 && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			if f.array {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
		return b.String()
	}
	done := func() { // a value of the innermost container ended
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			break
		}
		raw := body[start:dec.InputOffset()]
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{wantKey: true})
			case '[':
				stack = append(stack, frame{array: true})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			why := badText(string(raw))
			if why == "" {
				why = badText(v)
			}
			if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", ""), "?"), false
				if why != "" {
					return &BodyError{Field: path(), Reason: "the member name " + why}
				}
				continue
			}
			if why != "" {
				return &BodyError{Field: path(), Reason: why}
			}
			done()
		default:
			done()
		}
	}
	if i := badByte(body); i >= 0 {
		return &BodyError{Reason: fmt.Sprintf("byte %d %s", i, badText(string(body[i:min(len(body), i+1)])))}
	}
	return nil
}
