// Command worker-cold measures cold start in workerd: from spawning the
// process to the first complete response to a CORS preflight.
//
//	go run ./scripts/worker-cold -workerd WORKERD [-runs 11] [-config binary|text|both] NAME=CONFIG.capnp ...
//
// Each run binds a listening socket first and hands it to workerd
// (--socket-fd http=3, so every config must name its socket "http"), then
// starts the clock, spawns workerd and sends the preflight at once: the
// kernel queues the connection until workerd accepts it, so the figure is
// spawn to response with no polling (a client retrying connect() every
// millisecond adds up to a millisecond and takes CPU from workerd on a
// two-core machine).
//
// -config says how workerd reads each config:
//   - text: the capnp text file as written (workerd parses it, and every
//     file it embeds, on each start: about 6 ms per MB of wasm here);
//   - binary: the same config compiled once beforehand with `workerd
//     compile --config-only` and read with --binary, the way tooling
//     hands workerd a generated config; what a deployed Worker starts
//     from is never a capnp text file;
//   - both: each config both ways.
//
// Runs are interleaved (config 1, 2, ..., 1, 2, ...), so that load from
// other jobs on the machine falls on every series alike. The reply must be
// 2xx with Access-Control-Allow-Origin equal to -origin, or the run fails.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

type series struct {
	name, config string
	binary       bool
	ms           []float64
	// cpu: workerd's CPU time from spawn to the first reply (every
	// thread's, from /proc/PID/task/*/schedstat), ms. Less moved by other
	// jobs on the machine than the wall clock, which waits for a core.
	cpu []float64
}

func main() {
	workerd := flag.String("workerd", "", "workerd binary")
	runs := flag.Int("runs", 11, "runs per series")
	mode := flag.String("config", "binary", "how workerd reads each config: binary, text or both")
	path := flag.String("path", "/api/items", "preflight path")
	origin := flag.String("origin", "https://app.example.com", "Origin of the preflight, and the Access-Control-Allow-Origin expected")
	method := flag.String("method", "PUT", "Access-Control-Request-Method")
	reqHeaders := flag.String("headers", "x-custom", "Access-Control-Request-Headers (empty: none)")
	timeout := flag.Duration("timeout", 20*time.Second, "give up on a run after this long")
	flag.Parse()
	if *workerd == "" || flag.NArg() == 0 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: worker-cold -workerd WORKERD [-runs N] [-config binary|text|both] NAME=CONFIG.capnp ...")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "worker-cold")
	check(err)
	defer os.RemoveAll(tmp)

	var all []*series
	for i, arg := range flag.Args() {
		name, config, ok := strings.Cut(arg, "=")
		if !ok {
			fail("argument %d: want NAME=CONFIG.capnp, got %q", i+1, arg)
		}
		if *mode == "text" || *mode == "both" {
			all = append(all, &series{name: name + " (text config)", config: config})
		}
		if *mode == "binary" || *mode == "both" {
			bin := filepath.Join(tmp, fmt.Sprintf("%d.bin", i))
			compile(*workerd, config, bin)
			all = append(all, &series{name: name, config: bin, binary: true})
		}
		if *mode != "text" && *mode != "binary" && *mode != "both" {
			fail("-config %q: want binary, text or both", *mode)
		}
	}
	req := "OPTIONS " + *path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + *origin +
		"\r\nAccess-Control-Request-Method: " + *method + "\r\n"
	if *reqHeaders != "" {
		req += "Access-Control-Request-Headers: " + *reqHeaders + "\r\n"
	}
	req += "Connection: close\r\n\r\n"

	for r := 0; r < *runs; r++ {
		for _, s := range all {
			d, cpu, err := once(*workerd, s, req, *origin, *timeout)
			if err != nil {
				fail("%s, run %d: %v", s.name, r+1, err)
			}
			s.ms = append(s.ms, float64(d.Microseconds())/1000)
			s.cpu = append(s.cpu, cpu)
		}
	}
	for _, s := range all {
		slices.Sort(s.ms)
		slices.Sort(s.cpu)
		fmt.Printf("%-28s median=%.1f min=%.1f max=%.1f runs=%d cpu-median=%.1f\n", s.name, s.ms[len(s.ms)/2], s.ms[0], s.ms[len(s.ms)-1], len(s.ms), s.cpu[len(s.cpu)/2])
	}
}

// compile writes config's binary form (workerd compile --config-only).
func compile(workerd, config, out string) {
	f, err := os.Create(out)
	check(err)
	defer f.Close()
	cmd := exec.Command(workerd, "compile", "--config-only", config)
	cmd.Stdout = f
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		fail("workerd compile --config-only %s: %v\n%s", config, err, stderr.String())
	}
}

// once spawns workerd on a listening socket made beforehand and times the
// first reply, and the CPU time workerd spent until then (ms).
func once(workerd string, s *series, req, origin string, timeout time.Duration) (time.Duration, float64, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	addr := l.Addr().String()
	f, err := l.(*net.TCPListener).File()
	l.Close() // f is a duplicate descriptor of the same socket
	if err != nil {
		return 0, 0, err
	}
	args := []string{"serve", "--socket-fd", "http=3"}
	if s.binary {
		args = append(args, "--binary")
	}
	cmd := exec.Command(workerd, append(args, s.config)...)
	cmd.ExtraFiles = []*os.File{f} // fd 3
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Start()
	f.Close()
	if err != nil {
		return 0, 0, err
	}
	stopped := false
	stop := func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait() // after this, stderr is complete and safe to read
			stopped = true
		}
	}
	defer stop()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	c.SetDeadline(start.Add(timeout))
	if _, err := c.Write([]byte(req)); err != nil {
		return 0, 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		stop()
		return 0, 0, fmt.Errorf("%v; workerd said: %s", err, strings.TrimSpace(stderr.String()))
	}
	d := time.Since(start)
	cpu := cpuMs(cmd.Process.Pid)
	if resp.StatusCode/100 != 2 || resp.Header.Get("Access-Control-Allow-Origin") != origin {
		return 0, 0, fmt.Errorf("unexpected reply: %s %v", resp.Status, resp.Header)
	}
	return d, cpu, nil
}

// cpuMs is the CPU time of every thread of process pid so far, in ms
// (the first field of each /proc/PID/task/TID/schedstat, ns).
func cpuMs(pid int) float64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var ns int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			ns += n
		}
	}
	return float64(ns) / 1e6
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "worker-cold: "+format+"\n", a...)
	os.Exit(1)
}
