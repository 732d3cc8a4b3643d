package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/stores"
	"wangge/internal/app"
)

// LoadOptions configure Load: Phones simulated phones, each sending one
// fix every Every for For through OsmAnd's ingest route to a `wangge
// serve` child process on 127.0.0.1, which is killed with SIGKILL at
// KillAt (when set) and started again at once.
type LoadOptions struct {
	Phones int
	Every  time.Duration
	For    time.Duration
	KillAt time.Duration // 0: no kill
	// DB is the store; a new GeoPackage in a temporary directory when
	// empty. The run's workers have ids of their own (load-RUN-N), so a
	// store may serve several runs.
	DB string
	// Serve is the command that serves, to which Load adds --addr and
	// --db; this executable's serve when empty.
	Serve []string
}

// maxPhones and maxLoadTime bound a run: loopback only, bounded in count
// and time.
const (
	maxPhones   = 20_000
	maxLoadTime = 30 * time.Minute
)

func (o *LoadOptions) validate() error {
	switch {
	case o.Phones < 1 || o.Phones > maxPhones:
		return fmt.Errorf("%w: --phones %d: between 1 and %d", ErrOptions, o.Phones, maxPhones)
	case o.Every < time.Second:
		return fmt.Errorf("%w: --every %s: at least 1s (a fix is stamped to the second)", ErrOptions, o.Every)
	case o.For <= 0 || o.For > maxLoadTime:
		return fmt.Errorf("%w: --for %s: more than 0, at most %s", ErrOptions, o.For, maxLoadTime)
	case o.KillAt < 0 || o.KillAt >= o.For:
		return fmt.Errorf("%w: --kill-at %s: within the run (--for %s)", ErrOptions, o.KillAt, o.For)
	}
	return nil
}

// LoadReport is what a load run measured and what the store holds after.
type LoadReport struct {
	Phones         int
	Sent           int // requests, retries included
	Acknowledged   int // distinct fixes answered 200 and kept
	Dropped        int // answered 200 but not kept by cleaning
	Refused        int // answered another status (429, 503, …)
	Failed         int // no answer (connection refused or reset: the kill)
	Stored         int // distinct fixes of the run's workers in the store
	Lost           int // acknowledged, not stored
	Duplicated     int // stored more than once
	Unacknowledged int // stored without an acknowledgement (answer lost)
	P50, P99, Max  time.Duration
	ServerCPU      time.Duration // user+system, every server process of the run
	PeakRSS        int64         // bytes, the largest seen
	Kills          int
	Wall           time.Duration
	Statuses       map[int]int
}

// CPUPerFix is the server's CPU time per acknowledged fix.
func (r LoadReport) CPUPerFix() time.Duration {
	if r.Acknowledged == 0 {
		return 0
	}
	return r.ServerCPU / time.Duration(r.Acknowledged)
}

// Load runs the load proof: it registers o.Phones workers with random
// device ids and worker tokens as their secrets, serves the store from a
// child process on loopback, runs the phones (a phone whose request fails
// sends the same fix again a second later, as the apps do), then stops
// the server and checks the store against what was acknowledged.
func Load(ctx context.Context, o LoadOptions, stdout io.Writer) (LoadReport, error) {
	rep := LoadReport{Phones: o.Phones, Statuses: map[int]int{}}
	if err := o.validate(); err != nil {
		return rep, err
	}
	tmp, err := os.MkdirTemp("", "wangge-load-*")
	if err != nil {
		return rep, fmt.Errorf("bench: load: %w", err)
	}
	defer os.RemoveAll(tmp)
	if o.DB == "" {
		o.DB = filepath.Join(tmp, "load.gpkg")
	}
	if len(o.Serve) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return rep, fmt.Errorf("bench: load: %w", err)
		}
		o.Serve = []string{exe, "serve"}
	}
	run := randomHex(4)
	fmt.Fprintf(stdout, "load %s: %d phones, a fix every %s for %s, store %s\n", run, o.Phones, o.Every, o.For, redact(o.DB))
	phones, err := registerPhones(ctx, o.DB, run, o.Phones)
	if err != nil {
		return rep, err
	}
	addr, err := freeLoopback()
	if err != nil {
		return rep, err
	}
	srv := &child{args: append(slices.Clone(o.Serve), "--addr", addr, "--db", o.DB), log: filepath.Join(tmp, "serve.log")}
	if err := srv.start(ctx, addr); err != nil {
		return rep, err
	}
	defer srv.kill()

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: o.Phones, IdleConnTimeout: 2 * o.Every}}
	base := "http://" + addr + "/api/v1/ingest/osmand"
	rec := &recorder{acked: map[fixKey]bool{}, statuses: rep.Statuses}
	start := time.Now()
	runCtx, stop := context.WithTimeout(ctx, o.For)
	defer stop()
	var wg sync.WaitGroup
	for i := range phones {
		wg.Go(func() {
			phones[i].run(runCtx, client, base, o.Every, time.Duration(i)*o.Every/time.Duration(len(phones)), rec)
		})
	}
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		srv.watch(runCtx, o.KillAt, addr, stdout)
	}()
	wg.Wait()
	<-watchDone
	rep.Wall = time.Since(start)
	if err := srv.stop(); err != nil {
		return rep, err
	}
	rep.ServerCPU, rep.PeakRSS, rep.Kills = srv.cpu, srv.peakRSS, srv.kills
	rec.fill(&rep)
	if err := checkStore(ctx, o.DB, phones, rec.acked, &rep); err != nil {
		return rep, err
	}
	printLoad(stdout, rep)
	return rep, nil
}

// phone is one simulated phone: a worker, its device and secret.
type phone struct {
	worker patrol.WorkerID
	device string
	secret string
	lat    float64
}

// registerPhones registers n workers with random device ids and a worker
// token each, in the store db.
func registerPhones(ctx context.Context, db, run string, n int) ([]phone, error) {
	st, err := stores.Open(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("bench: load: open %s: %w", redact(db), err)
	}
	defer st.Close()
	phones := make([]phone, n)
	workers := make([]patrol.Worker, n)
	for i := range phones {
		phones[i] = phone{worker: patrol.WorkerID(fmt.Sprintf("load-%s-%05d", run, i)), device: randomHex(12),
			lat: 43.70 + float64(i%1000)*0.0001}
		workers[i] = patrol.Worker{ID: phones[i].worker, Name: "load phone", Role: patrol.RoleVolunteer, DeviceID: phones[i].device}
	}
	if err := st.PutWorkers(ctx, workers); err != nil {
		return nil, fmt.Errorf("bench: load: register %d workers: %w", n, err)
	}
	for i := range phones {
		if phones[i].secret, _, err = app.CreateToken(ctx, st, data.RoleWorker, phones[i].worker, ""); err != nil {
			return nil, fmt.Errorf("bench: load: token of %s: %w", phones[i].worker, err)
		}
	}
	return phones, nil
}

// fixKey is one fix: a phone and the second it was taken.
type fixKey struct {
	phone int
	unix  int64
}

// recorder gathers the answers of every phone.
type recorder struct {
	mu                             sync.Mutex
	acked                          map[fixKey]bool
	latencies                      []time.Duration
	sent, dropped, refused, failed int
	statuses                       map[int]int
}

func (r *recorder) note(k fixKey, status int, kept bool, took time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent++
	switch {
	case err != nil:
		r.failed++
		return
	case status == http.StatusOK && kept:
		r.acked[k] = true
	case status == http.StatusOK:
		r.dropped++
	default:
		r.refused++
	}
	r.statuses[status]++
	r.latencies = append(r.latencies, took)
}

func (r *recorder) fill(rep *LoadReport) {
	rep.Sent, rep.Dropped, rep.Refused, rep.Failed, rep.Acknowledged = r.sent, r.dropped, r.refused, r.failed, len(r.acked)
	slices.Sort(r.latencies)
	if n := len(r.latencies); n > 0 {
		rep.P50, rep.P99, rep.Max = r.latencies[n/2], r.latencies[min(n-1, n*99/100)], r.latencies[n-1]
	}
}

// run sends a fix every period, from offset on, walking east at 1.4 m/s
// and stamped with the second it was due;
// a fix without an answer is sent again a second later until it has one
// or the run ends.
func (p *phone) run(ctx context.Context, client *http.Client, base string, every, offset time.Duration, rec *recorder) {
	idx := phoneIndex(p.worker)
	if !sleep(ctx, offset) {
		return
	}
	t0 := time.Now()
	for k := 0; ; k++ {
		next := t0.Add(time.Duration(k) * every)
		if !sleep(ctx, time.Until(next)) {
			return
		}
		at := next.Truncate(time.Second) // its own second: every is at least one
		lon := 7.42 + at.Sub(t0).Seconds()*1.4/(111320*math.Cos(p.lat*math.Pi/180))
		target := fmt.Sprintf("%s?id=%s&lat=%.7f&lon=%.7f&timestamp=%d&accuracy=5&speed=2.7&token=%s",
			base, p.device, p.lat, lon, at.Unix(), p.secret)
		for ctx.Err() == nil {
			status, kept, took, err := send(ctx, client, target)
			if ctx.Err() != nil {
				return // the run ended under the request: not counted
			}
			rec.note(fixKey{idx, at.Unix()}, status, kept, took, err)
			if err == nil && status != http.StatusServiceUnavailable && status != http.StatusTooManyRequests {
				break
			}
			if !sleep(ctx, time.Second) {
				return
			}
		}
	}
}

// send makes one request and reads whether the fix was kept.
func send(ctx context.Context, client *http.Client, target string) (int, bool, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, false, 0, err
	}
	start := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return 0, false, 0, err
	}
	defer res.Body.Close()
	var ans app.Ingested
	err = json.NewDecoder(res.Body).Decode(&ans)
	took := time.Since(start)
	if res.StatusCode == http.StatusOK && err != nil {
		return res.StatusCode, false, took, err
	}
	return res.StatusCode, ans.Kept == 1, took, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// phoneIndex is N of a worker id load-RUN-N.
func phoneIndex(w patrol.WorkerID) int {
	s := string(w)
	n, _ := strconv.Atoi(s[strings.LastIndexByte(s, '-')+1:])
	return n
}

// checkStore reads back every phone's fixes and compares them with the
// acknowledged ones.
func checkStore(ctx context.Context, db string, phones []phone, acked map[fixKey]bool, rep *LoadReport) error {
	st, err := stores.Open(ctx, db)
	if err != nil {
		return fmt.Errorf("bench: load: reopen %s: %w", redact(db), err)
	}
	defer st.Close()
	stored := map[fixKey]int{}
	for i, p := range phones {
		pts, err := st.TrackPoints(ctx, data.TrackQuery{Worker: p.worker})
		if err != nil {
			return fmt.Errorf("bench: load: fixes of %s: %w", p.worker, err)
		}
		for _, f := range pts {
			stored[fixKey{i, f.Time.Unix()}]++
		}
	}
	rep.Stored = len(stored)
	for k, n := range stored {
		if n > 1 {
			rep.Duplicated += n - 1
		}
		if !acked[k] {
			rep.Unacknowledged++
		}
	}
	for k := range acked {
		if stored[k] == 0 {
			rep.Lost++
		}
	}
	return nil
}

// child is the server process of a run.
type child struct {
	args    []string
	log     string
	cmd     *exec.Cmd
	cpu     time.Duration // of the processes before this one
	peakRSS int64
	kills   int
	mu      sync.Mutex
}

func (c *child) start(ctx context.Context, addr string) error {
	logf, err := os.OpenFile(c.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("bench: load: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(c.args[0], c.args[1:]...)
	cmd.Env = append(os.Environ(), "WANGGE_RATES_ADDRESS_PER_SECOND=1000000", "WANGGE_RATES_ADDRESS_BURST=1000000")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("bench: load: start %s: %w", c.args[0], err)
	}
	c.mu.Lock()
	c.cmd = cmd
	c.mu.Unlock()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("bench: load: the server did not answer /healthz within a minute; see %s", c.log)
}

// sample notes the server's resident set when it is the largest yet.
func (c *child) sample() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rss := rssOf(c.cmd.Process.Pid); rss > c.peakRSS {
		c.peakRSS = rss
	}
}

// reap waits for the ended server and adds its CPU time, from the
// kernel's accounting of the reaped child.
func (c *child) reap() error {
	err := c.cmd.Wait()
	if ps := c.cmd.ProcessState; ps != nil {
		c.cpu += ps.UserTime() + ps.SystemTime()
	}
	return err
}

// watch samples the server every second, and kills it with SIGKILL at
// killAt (when set) and starts it again.
func (c *child) watch(ctx context.Context, killAt time.Duration, addr string, stdout io.Writer) {
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	killed := killAt == 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		c.sample()
		if !killed && time.Since(start) >= killAt {
			killed = true
			c.mu.Lock()
			_ = c.cmd.Process.Kill() // SIGKILL
			_ = c.reap()             // killed: not an error here
			c.kills++
			c.mu.Unlock()
			fmt.Fprintf(stdout, "  kill -9 at %s; restarting\n", time.Since(start).Round(time.Millisecond))
			if err := c.start(ctx, addr); err != nil {
				fmt.Fprintf(stdout, "  restart failed: %v\n", err)
				return
			}
			fmt.Fprintf(stdout, "  serving again after %s\n", (time.Since(start) - killAt).Round(time.Millisecond))
		}
	}
}

// stop ends the server with SIGTERM (it drains requests) and adds its
// CPU time, read from the kernel's accounting of the reaped child.
func (c *child) stop() error {
	c.sample()
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	err := c.reap()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return fmt.Errorf("bench: load: stop the server: %w", err)
	}
	return nil
}

// kill ends a server still running (an error on the way).
func (c *child) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil && c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	}
}

// rssOf is the resident set of process pid in bytes (VmRSS), 0 when unknown.
func rssOf(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// freeLoopback is a free port on 127.0.0.1.
func freeLoopback() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("bench: load: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// redact hides the password of a database URL.
func redact(db string) string {
	if i, j := strings.Index(db, "://"), strings.LastIndexByte(db, '@'); i >= 0 && j > i {
		if k := strings.IndexByte(db[i+3:j], ':'); k >= 0 {
			return db[:i+3+k] + ":xxxxx" + db[j:]
		}
	}
	return db
}

// printLoad prints a report.
func printLoad(w io.Writer, r LoadReport) {
	fmt.Fprintf(w, "  sent %d requests; acknowledged %d fixes, dropped by cleaning %d, refused %d (statuses %v), no answer %d\n",
		r.Sent, r.Acknowledged, r.Dropped, r.Refused, r.Statuses, r.Failed)
	fmt.Fprintf(w, "  stored %d; lost %d; duplicated %d; stored without acknowledgement %d\n",
		r.Stored, r.Lost, r.Duplicated, r.Unacknowledged)
	fmt.Fprintf(w, "  latency p50 %s, p99 %s, max %s\n", r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	fmt.Fprintf(w, "  server CPU %s (%s per acknowledged fix, %.2f cores), peak RSS %d MiB, %d kill(s), %s wall\n",
		r.ServerCPU.Round(time.Millisecond), r.CPUPerFix().Round(time.Microsecond), r.ServerCPU.Seconds()/r.Wall.Seconds(),
		r.PeakRSS>>20, r.Kills, r.Wall.Round(time.Millisecond))
}
