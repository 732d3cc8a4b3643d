package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/coverage/workload"
	"wangge/data"
	"wangge/internal/app"
	"wangge/internal/window"
	"wangge/server/web"
)

// Defaults of Options.
const (
	DefaultAddr              = ":8080"
	DefaultBodyLimit         = 10 << 20 // bytes
	DefaultShutdownTimeout   = 10 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultReadTimeout       = time.Minute     // a whole request, body included
	DefaultWriteTimeout      = 2 * time.Minute // from the end of the headers to the end of the answer
)

// Options configure a Server. Only Store is required.
type Options struct {
	// Store holds the data the API serves. The Server does not close it.
	Store data.Store
	// Addr is the TCP address to listen on; DefaultAddr when empty.
	Addr string
	// Logger receives the request log and errors; text on stderr when nil.
	Logger *slog.Logger
	// BodyLimit is the largest request body in bytes; DefaultBodyLimit
	// when zero.
	BodyLimit int64
	// ShutdownTimeout bounds how long Serve waits for in-flight requests
	// once its context is cancelled; DefaultShutdownTimeout when zero.
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout bounds reading the headers of a request;
	// DefaultReadHeaderTimeout when zero.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included, and
	// WriteTimeout the time from the end of its headers to the end of the
	// response, so that a client sending or reading slowly cannot hold a
	// connection and its memory; DefaultReadTimeout and
	// DefaultWriteTimeout when zero.
	ReadTimeout, WriteTimeout time.Duration
	// IdleTimeout bounds how long a kept-alive connection waits for its
	// next request; DefaultIdleTimeout when zero.
	IdleTimeout time.Duration
	// CORSOrigins are the origins (scheme://host[:port], as CheckOrigin
	// takes them) whose web pages may call the API from a browser; "*"
	// lets any page. Without any, no CORS header is sent and browsers
	// keep the API to pages it serves itself.
	CORSOrigins []string
	// Categories are the kinds of incident, served as Open311 services;
	// DefaultCategories when empty.
	Categories []open311.Category
	// Agencies name who holds each incident level in Open311's
	// agency_responsible (the level's name when absent).
	Agencies map[incident.Level]string
	// Basemap is the raster basemap of the map page; none: the page draws
	// the store's own layers.
	Basemap web.Basemap
	// MetricsAddr, when set, is a second address (host:port) that serves
	// /metrics alone without a token, for a scraper on a private network;
	// /metrics then leaves the API's address. Without it, /metrics is on
	// the API's address and needs an admin token.
	MetricsAddr string
	// Rates bound requests per device, client address and anonymous
	// Open311 reporter; see Rates for the defaults.
	Rates Rates
	// AnonymousOpen311 lets anyone file an Open311 report without an
	// api_key (rate-limited by Rates, and only inside the grids of the
	// plan in force); without it such a post is refused with 401.
	AnonymousOpen311 bool
	// Zone is the time zone of plain dates in windows (from, to, date,
	// start_date, end_date: internal/window), the default of ?tz= and the
	// zone Open311 datetimes are written in; window.DefaultZone when nil.
	Zone *time.Location
	// Workload and Targets are the coefficients of the workload report
	// and of the monthly assessment; package workload's defaults when nil.
	Workload *workload.Coefficients
	Targets  *workload.Targets
}

// validate fills the defaults in and rejects what cannot work.
func (o *Options) validate() error {
	if o.Store == nil {
		return fmt.Errorf("%w: no store", ErrOptions)
	}
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if _, _, err := net.SplitHostPort(o.Addr); err != nil {
		return fmt.Errorf("%w: address %q: %w (write host:port or :port)", ErrOptions, o.Addr, err)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	switch {
	case o.BodyLimit == 0:
		o.BodyLimit = DefaultBodyLimit
	case o.BodyLimit < 0:
		return fmt.Errorf("%w: body limit %d is negative", ErrOptions, o.BodyLimit)
	}
	for _, d := range []struct {
		name     string
		p        *time.Duration
		fallback time.Duration // for zero; 0 leaves it unbounded
	}{
		{"shutdown timeout", &o.ShutdownTimeout, DefaultShutdownTimeout},
		{"read header timeout", &o.ReadHeaderTimeout, DefaultReadHeaderTimeout},
		{"read timeout", &o.ReadTimeout, DefaultReadTimeout},
		{"write timeout", &o.WriteTimeout, DefaultWriteTimeout},
		{"idle timeout", &o.IdleTimeout, DefaultIdleTimeout},
	} {
		switch {
		case *d.p == 0:
			*d.p = d.fallback
		case *d.p < 0:
			return fmt.Errorf("%w: %s %s is negative", ErrOptions, d.name, *d.p)
		}
	}
	if err := o.Basemap.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrOptions, err)
	}
	for _, origin := range o.CORSOrigins {
		if err := CheckOrigin(origin); err != nil {
			return fmt.Errorf("%w: %w", ErrOptions, err)
		}
	}
	if o.Zone == nil {
		zone, err := window.LoadZone(window.DefaultZone)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrOptions, err)
		}
		o.Zone = zone
	}
	if o.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(o.MetricsAddr); err != nil {
			return fmt.Errorf("%w: metrics address %q: %w (write host:port)", ErrOptions, o.MetricsAddr, err)
		}
	}
	if err := o.Rates.validate(); err != nil {
		return err
	}
	if len(o.Categories) == 0 {
		o.Categories = DefaultCategories()
	}
	return nil
}

// Server is the HTTP API over a Store. It is an http.Handler, and Serve
// runs it on its own listener.
type Server struct {
	store           data.Store
	log             *slog.Logger
	echo            *echo.Echo
	http            *http.Server
	addr            string
	shutdownTimeout time.Duration
	ln              net.Listener
	desk            *desk
	app             *app.App
	zone            *time.Location // of plain dates and the default ?tz=
	basemap         web.Basemap    // of the map page
	perIP           *keyedLimiter  // device routes and Open311 posts, by client address
	perDevice       *keyedLimiter  // device routes, by device id
	anonymous       *keyedLimiter  // anonymous Open311 reports, by client address; nil: refused
	metricsAddr     string         // the address of /metrics alone; "": on the API's, for admins
	metrics         echo.HandlerFunc
}

// New builds a Server from opts; it does not listen yet.
func New(opts Options) (*Server, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	d, err := newDesk(opts.Categories, opts.Agencies, opts.Zone)
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Options{Store: opts.Store, Logger: opts.Logger, Categories: opts.Categories, Zone: opts.Zone,
		Workload: opts.Workload, Targets: opts.Targets})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	s := &Server{
		desk:            d,
		app:             a,
		store:           opts.Store,
		log:             opts.Logger,
		echo:            echo.New(),
		addr:            opts.Addr,
		shutdownTimeout: opts.ShutdownTimeout,
		zone:            opts.Zone,
		basemap:         opts.Basemap,
		metricsAddr:     opts.MetricsAddr,
		perIP:           newKeyedLimiter("address", opts.Rates.IPPerSecond, opts.Rates.IPBurst),
		perDevice:       newKeyedLimiter("device", opts.Rates.DevicePerSecond, opts.Rates.DeviceBurst),
	}
	if opts.AnonymousOpen311 {
		s.anonymous = newKeyedLimiter("address's anonymous reports", opts.Rates.AnonymousPerHour/3600, opts.Rates.AnonymousBurst)
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(withRequestID, s.accessLog, s.recoverPanics())
	if len(opts.CORSOrigins) > 0 {
		e.Use(cors(opts.CORSOrigins))
	}
	e.Use(limitBody(opts.BodyLimit), checkText)
	s.routes()
	s.http = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		ReadTimeout:       opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       opts.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// ServeHTTP serves one request; it lets tests and other servers mount the
// API without a listener of its own.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.echo.ServeHTTP(w, r)
}

// Listen binds the address of the options and returns it, with the port
// filled in when the options asked for port 0. Serve calls it when it has
// not been called.
func (s *Server) Listen() (net.Addr, error) {
	if s.ln == nil {
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			return nil, fmt.Errorf("server: listen: %w", err)
		}
		s.ln = ln
	}
	return s.ln.Addr(), nil
}

// Serve answers requests until ctx is cancelled, then stops accepting
// connections and waits for the requests in flight, at most the shutdown
// timeout; after that it closes them and returns ErrShutdownTimeout. A
// graceful stop returns nil.
func (s *Server) Serve(ctx context.Context) error {
	if _, err := s.Listen(); err != nil {
		return err
	}
	s.http.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	if err := s.Watch(ctx); err != nil {
		return err
	}
	stopMetrics, err := s.serveMetricsAddr(ctx)
	if err != nil {
		return err
	}
	defer stopMetrics()
	s.log.Info("serving", "addr", s.ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		closeErr := s.http.Close()
		<-errc
		return errors.Join(fmt.Errorf("%w (%s): %w", ErrShutdownTimeout, s.shutdownTimeout, err), closeErr)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: serve: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// URL is the URL to open for a listening address; an unspecified
// host (":8080") is shown as localhost.
func URL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Watch follows the store's change feed (PostGIS) in the background until
// ctx ends, so that what the server keeps in memory (the plan in force,
// tokens, workers) follows changes made by other servers within moments;
// it returns once the feed listens. Serve calls it; a server mounted with
// ServeHTTP calls it itself. On a store without a feed it does nothing.
func (s *Server) Watch(ctx context.Context) error {
	ready := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		err := s.app.Watch(ctx, func() { close(ready) })
		if err != nil && ctx.Err() == nil {
			s.log.Error("change feed stopped; serving from the store", "err", err)
		}
		errc <- err
	}()
	select {
	case <-ready:
		return nil
	case err := <-errc:
		return err
	}
}
