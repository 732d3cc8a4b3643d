package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// serveMetricsAddr serves /metrics alone on Options.MetricsAddr, when set,
// until the returned stop is called. The listener is bound before it
// returns, so a busy address fails Serve at once.
func (s *Server) serveMetricsAddr(ctx context.Context) (stop func(), err error) {
	if s.metricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", s.metricsAddr)
	if err != nil {
		return nil, fmt.Errorf("server: listen for metrics: %w", err)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.GET("/metrics", s.metrics)
	srv := &http.Server{Handler: e, ReadHeaderTimeout: DefaultReadHeaderTimeout, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: DefaultIdleTimeout,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("metrics listener stopped", "err", err)
		}
	}()
	s.log.Info("serving metrics", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.shutdownTimeout)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-done
	}, nil
}
