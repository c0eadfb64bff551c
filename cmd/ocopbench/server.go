package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ocopd is the marketplace server under test: a process this tool built
// and started, or (target != nil) a server at --url that it only talks to.
type ocopd struct {
	bin     string // the built binary
	dataDir string
	addr    string // 127.0.0.1:port
	url     string
	env     []string
	cmd     *exec.Cmd
	exited  chan struct{}
	log     *tailBuffer
	// external is true for a server at --url: no pid, no restarts.
	external bool
}

// buildOcopd compiles cmd/ocopd of this module into dir.
func buildOcopd(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "ocopd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/ocopmarket/market/cmd/ocopd")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ocopd: %v\n%s", err, out.String())
	}
	return bin, nil
}

// freeAddr returns a free loopback address.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// newOcopd prepares a server on a free loopback port over dataDir. extraEnv
// are KEY=VALUE pairs that override the defaults.
func newOcopd(bin, dataDir string, extraEnv ...string) (*ocopd, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"OCOP_ADDR="+addr,
		"OCOP_DATA_DIR="+dataDir,
		"OCOP_RATE_LIMITS=off",
		"OCOP_LOG_LEVEL=warn",
	)
	env = append(env, extraEnv...)
	return &ocopd{bin: bin, dataDir: dataDir, addr: addr, url: "http://" + addr, env: env, log: &tailBuffer{max: 64 << 10}}, nil
}

// start runs the server and waits until /readyz answers; it returns the
// time from exec to ready (the cold start).
func (s *ocopd) start(ctx context.Context) (time.Duration, error) {
	if s.external {
		return 0, errors.New("cannot start a server given by --url")
	}
	t0 := time.Now()
	cmd := exec.Command(s.bin, "serve")
	cmd.Env = s.env
	cmd.Stdout = io.Discard
	cmd.Stderr = s.log
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func(exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(s.exited)
	if _, err := waitReady(ctx, s.url, 30*time.Second, s.exited); err != nil {
		s.kill()
		return 0, fmt.Errorf("%w\n%s", err, s.log.String())
	}
	return time.Since(t0), nil
}

// pid is the server's process id, 0 when it is not running here.
func (s *ocopd) pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// kill ends the server with SIGKILL, as a power cut or the OOM killer would.
func (s *ocopd) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// stop asks the server to shut down gracefully and waits.
func (s *ocopd) stop() error {
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.kill()
		return errors.New("ocopd did not stop within 30s of SIGTERM")
	}
	s.cmd = nil
	return nil
}

// runCommand runs another ocopd subcommand over the same data directory,
// with stdin as its standard input.
func (s *ocopd) runCommand(ctx context.Context, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.bin, args...)
	cmd.Env = s.env
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// memory reads the resident set size of process pid from /proc, and the
// part of it that is anonymous memory (heaps, caches the process made);
// the rest is files mapped into memory (the search index, the database's
// shared memory), pages the kernel caches and can take back.
func memory(pid int) (rss, anon int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	kb := func(rest string) int64 {
		fields := strings.Fields(rest)
		if len(fields) == 2 && fields[1] == "kB" {
			n, _ := strconv.ParseInt(fields[0], 10, 64)
			return n << 10
		}
		return 0
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			rss = kb(rest)
		} else if rest, ok := strings.CutPrefix(sc.Text(), "RssAnon:"); ok {
			anon = kb(rest)
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc status")
	}
	return rss, anon, nil
}

// cpuTime reads the CPU time process pid has used so far, user and system,
// from /proc/<pid>/stat (in clock ticks of 1/100 s, the USER_HZ of Linux).
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, may hold spaces: count from its ")".
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return 0, errors.New("no command name in /proc stat")
	}
	fields := strings.Fields(string(data[end+1:]))
	if len(fields) < 13 {
		return 0, errors.New("short /proc stat")
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime and stime, fields 14 and 15
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// sample is the server's footprint at one moment.
type sample struct {
	at         time.Duration // since the start of the run
	rss        int64         // bytes; 0 when unknown (remote server)
	anon       int64         // of rss, anonymous memory; 0 when unknown
	goroutines int           // -1 when unknown
}

// footprint reads the server's RSS (when it runs here) and its goroutine
// count (from /metrics).
func footprint(ctx context.Context, base string, pid int) sample {
	s := sample{goroutines: -1}
	if pid > 0 {
		s.rss, s.anon, _ = memory(pid)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if v, ok := metricValue(string(data), "go_goroutines"); ok {
		s.goroutines = int(v)
	}
	return s
}

// sampler records the server's footprint every interval until stopped.
type sampler struct {
	start   time.Time
	mu      sync.Mutex
	samples []sample
	stopc   chan struct{}
	done    chan struct{}
}

func startSampler(ctx context.Context, base string, pid func() int, every time.Duration) *sampler {
	sm := &sampler{start: time.Now(), stopc: make(chan struct{}), done: make(chan struct{})}
	start := sm.start
	go func() {
		defer close(sm.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s := footprint(ctx, base, pid())
			s.at = time.Since(start)
			sm.mu.Lock()
			sm.samples = append(sm.samples, s)
			sm.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-sm.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return sm
}

// elapsed is the time since sampling began, on the samples' clock.
func (sm *sampler) elapsed() time.Duration { return time.Since(sm.start) }

func (sm *sampler) stop() []sample {
	close(sm.stopc)
	<-sm.done
	sm.mu.Lock()
	defer sm.mu.Unlock()
	return append([]sample(nil), sm.samples...)
}

// tailBuffer keeps the last max bytes written to it (a server's log).
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append([]byte(nil), t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// panics counts the Go panics in the server's log.
func (t *tailBuffer) panics() int {
	return strings.Count(t.String(), "panic")
}
