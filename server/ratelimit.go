package server

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// Defaults of Rates: a phone sends a fix every second at most (OsmAnd's
// fastest setting) and may catch up after a gap with a burst; one address
// may carry a few hundred phones behind a carrier's NAT; anonymous
// Open311 reports are a handful an hour from one address.
const (
	DefaultDevicePerSecond  = 2
	DefaultDeviceBurst      = 30
	DefaultIPPerSecond      = 100
	DefaultIPBurst          = 200
	DefaultAnonymousPerHour = 10
	DefaultAnonymousBurst   = 3
)

// Rates bound how often one device, one client address and one anonymous
// Open311 reporter may call the server; each is a token bucket (a rate
// and a burst) and a request over it is answered 429 with Retry-After.
// Zero fields take the defaults above.
type Rates struct {
	// DevicePerSecond and DeviceBurst bound each device on the ingest
	// routes, once its secret is checked.
	DevicePerSecond float64
	DeviceBurst     int
	// IPPerSecond and IPBurst bound each client address on the routes
	// that take no bearer token: the device routes (guessing device ids
	// and secrets) and Open311 posts.
	IPPerSecond float64
	IPBurst     int
	// AnonymousPerHour and AnonymousBurst bound the Open311 reports one
	// address files without an api_key.
	AnonymousPerHour float64
	AnonymousBurst   int
}

// validate fills the defaults in and rejects negative values.
func (r *Rates) validate() error {
	return errors.Join(
		orDefault("device rate", &r.DevicePerSecond, DefaultDevicePerSecond),
		orDefault("device burst", &r.DeviceBurst, DefaultDeviceBurst),
		orDefault("address rate", &r.IPPerSecond, DefaultIPPerSecond),
		orDefault("address burst", &r.IPBurst, DefaultIPBurst),
		orDefault("anonymous report rate", &r.AnonymousPerHour, DefaultAnonymousPerHour),
		orDefault("anonymous report burst", &r.AnonymousBurst, DefaultAnonymousBurst))
}

// orDefault sets a zero *v to fallback and refuses a negative (or NaN) one.
func orDefault[T int | float64](name string, v *T, fallback T) error {
	if *v < 0 || *v != *v {
		return fmt.Errorf("%w: %s %v is negative", ErrOptions, name, *v)
	}
	if *v == 0 {
		*v = fallback
	}
	return nil
}

// maxLimiterKeys bounds how many keys (devices, addresses) a keyedLimiter
// remembers, so that a flood of new keys cannot grow the server's memory:
// a new key over it is refused until idle keys are forgotten.
const maxLimiterKeys = 100_000

// limiterIdle is how long a key must be idle to be forgotten; by then its
// bucket is full again, so forgetting it changes nothing.
const limiterIdle = 10 * time.Minute

// keyedLimiter is one token bucket per key.
type keyedLimiter struct {
	what  string // "device", "address": says what was limited
	every rate.Limit
	burst int

	mu     sync.Mutex
	keys   map[string]*keyedBucket
	swept  time.Time
	refill time.Duration // time an empty bucket takes to fill
}

type keyedBucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newKeyedLimiter(what string, perSecond float64, burst int) *keyedLimiter {
	return &keyedLimiter{what: what, every: rate.Limit(perSecond), burst: burst, keys: map[string]*keyedBucket{},
		refill: time.Duration(float64(burst) / perSecond * float64(time.Second))}
}

// allow takes one token of key's bucket at now, or returns a *RateError
// saying when to come back.
func (l *keyedLimiter) allow(key string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxLimiterKeys {
			l.sweep(now)
		}
		if len(l.keys) >= maxLimiterKeys {
			return &RateError{What: l.what, RetryAfter: limiterIdle}
		}
		b = &keyedBucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.keys[key] = b
	}
	b.last = now
	if now.Sub(l.swept) > limiterIdle {
		l.sweep(now)
	}
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return &RateError{What: l.what, RetryAfter: d}
	}
	return nil
}

// sweep forgets the keys idle for limiterIdle and longer than it takes
// their bucket to fill.
func (l *keyedLimiter) sweep(now time.Time) {
	idle := max(limiterIdle, l.refill)
	for k, b := range l.keys {
		if now.Sub(b.last) > idle {
			delete(l.keys, k)
		}
	}
	l.swept = now
}

// RateError is a request over a rate limit (429 with Retry-After).
type RateError struct {
	What       string // "device", "address", "anonymous reports from this address"
	RetryAfter time.Duration
}

func (e *RateError) Error() string {
	return fmt.Sprintf("server: too many requests from this %s; retry in %s", e.What, e.retrySeconds())
}

// retrySeconds is RetryAfter rounded up to whole seconds, at least 1, as
// the Retry-After header takes it.
func (e *RateError) retrySeconds() string {
	return fmt.Sprint(max(1, int(math.Ceil(e.RetryAfter.Seconds()))))
}

// setRetryAfter says when to send again: after the wait of a *RateError,
// or in a second when the store is busy or down (503).
func setRetryAfter(h http.Header, err error, status int) {
	var rl *RateError
	switch {
	case errors.As(err, &rl):
		h.Set(echo.HeaderRetryAfter, rl.retrySeconds())
	case status == http.StatusServiceUnavailable:
		h.Set(echo.HeaderRetryAfter, "1")
	}
}

// clientAddr is the address a request came from: the peer of the
// connection, never a header a client can write (X-Forwarded-For).
func clientAddr(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() == nil {
		// An IPv6 client holds a whole /64: limit the prefix.
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return host
}
