package config

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels of the kinds of bad configuration; every *Error wraps one.
var (
	// ErrSyntax marks a file that is not TOML.
	ErrSyntax = errors.New("config: not TOML")
	// ErrUnknownKey marks a key the configuration does not have.
	ErrUnknownKey = errors.New("config: unknown key")
	// ErrValue marks a value of the wrong type or that does not parse,
	// in the file or in an environment variable.
	ErrValue = errors.New("config: bad value")
	// ErrInvalid marks settings that parse but cannot work together or
	// with the server (Validate).
	ErrInvalid = errors.New("config: invalid setting")
)

// Error is one setting that cannot be used.
type Error struct {
	Source string // the file, or the environment variable, it came from; empty when unknown
	Line   int    // 1-based line and column in Source; 0 when unknown
	Column int
	Key    string // the dotted key, such as limits.body_bytes; empty for the file as a whole
	Reason string // what is wrong and what is expected
	Err    error  // one of the sentinels
}

// Error reads like "config: wangge.toml:3:14: limits.body_bytes: …".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	switch {
	case e.Source != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.Source, e.Line, e.Column)
	case e.Source != "":
		b.WriteString(e.Source + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }
