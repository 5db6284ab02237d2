// Entry module of the whycors edge worker.
//
// One Go instance per isolate decides; this module does the I/O. For every
// request it makes one synchronous call into Go with one string each way
// (Server.DecideWire in decide.go documents the format), then either
// answers (preflights, refusals), or forwards the request to the upstream
// with the runtime's own fetch() and streams, and edits the reply's
// headers as Go said. Nothing of a request waits inside Go, so requests
// interleave freely and cannot mix state.
//
// syumai/workers' generated entry module starts a new Go instance for
// every request (4.8 ms CPU each, shared/reference/build-chain.md §3.4);
// its resident variant still converted every forwarded request to a Go
// http.Request and back (about 1.4 ms CPU each). worker/README.md has the
// measurements.
import "./wasm_exec.js"; // Go's own, from the Go release that built app.wasm
import mod from "./app.wasm";

// Connection-level request and reply headers a proxy does not pass on
// (RFC 9110 §7.6.1), plus Host and Content-Length, which fetch() and the
// runtime set from the URL and the body.
const HOP = ["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"];
// Statuses whose reply has no body (Fetch §2.2.3 "null body status").
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

let current = null; // { go, bridge, owned } of the running instance

// start instantiates the Go program. Its main reads the configuration from
// bridge.env, sets bridge.decide and bridge.explain, and blocks; Go.run
// returns once it blocks, so the instance is ready when start returns.
// It runs on the first request, not at module evaluation: workerd refuses
// crypto.getRandomValues in the global scope, and the Go runtime seeds
// itself with it when it starts.
function start(env) {
  const bridge = { env };
  globalThis.__whycors = bridge;
  const go = new Go();
  const instance = new WebAssembly.Instance(mod, go.importObject);
  go.run(instance);
  if (typeof bridge.decide !== "function") throw new Error("whycors worker: Go instance did not become ready");
  const ex = instance.exports;
  return { go, bridge, ex, inPtr: ex.whycors_in(), owned: bridge.owned.split(",") };
}

const IN_SIZE = 64 << 10; // len(wireIn) in main_js.go
const enc = new TextEncoder();
const dec = new TextDecoder();

// decide asks Go through the exported whycors_decide: the request goes in
// as UTF-8 in Go's wireIn buffer, the answer comes back from wireOut
// (main_js.go says why not through syscall/js). Views on the memory are
// made fresh for each use: the memory may grow during the call, which
// detaches older views.
function decide(inst, q) {
  const ex = inst.ex;
  const { read, written } = enc.encodeInto(q, new Uint8Array(ex.mem.buffer, inst.inPtr, IN_SIZE));
  if (read < q.length) return inst.bridge.decide(q); // longer than the buffer
  const n = ex.whycors_decide(written);
  return dec.decode(new Uint8Array(ex.mem.buffer, ex.whycors_out(), n));
}

// parse reads an answer: its first line, its header lines and, for a
// reply, its body.
function parse(a) {
  let head = a, body = null;
  const end = a.indexOf("\n\n");
  if (end >= 0) {
    head = a.slice(0, end);
    body = a.slice(end + 2);
  }
  const lines = head.split("\n");
  const headers = [];
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i].indexOf("\t");
    headers.push([lines[i].slice(0, t), lines[i].slice(t + 1)]);
  }
  return { first: lines[0], headers, body };
}

function reply(p) {
  return new Response(p.body === "" ? null : p.body, { status: Number(p.first.slice(1)), headers: p.headers });
}

function withoutHop(src) {
  const h = new Headers(src);
  const named = src.get("connection");
  if (named !== null) for (const t of named.split(",")) if (t.trim() !== "") h.delete(t.trim());
  for (const n of HOP) h.delete(n);
  return h;
}

// apply edits a reply's headers as the decision says: the policy's own
// CORS headers replace the upstream's, Vary is appended to.
function apply(h, inst, p) {
  if (p.first === "FS") for (const n of inst.owned) h.delete(n);
  for (const [k, v] of p.headers) {
    if (k === "Vary") h.append(k, v);
    else h.set(k, v);
  }
  return h;
}

function upstreamError(inst, p, status, msg) {
  const h = apply(new Headers({ "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }), inst, p);
  return new Response("whycors worker: upstream: " + msg + "\n", { status, headers: h });
}

async function forward(req, target, inst, p) {
  const b = inst.bridge;
  const init = { method: req.method, headers: withoutHop(req.headers), redirect: "manual" };
  // The client's body goes to the upstream as the runtime's stream.
  if (req.method !== "GET" && req.method !== "HEAD") init.body = req.body;
  // The deadline covers the wait for the status line, not the body: a
  // large reply may take longer to stream than to start.
  const ac = new AbortController();
  init.signal = ac.signal;
  const t = setTimeout(() => ac.abort(new DOMException("no reply within " + b.timeoutMs + " ms", "TimeoutError")), b.timeoutMs);
  let res;
  try {
    res = await fetch(b.upstream + target, init);
  } catch (e) {
    if (ac.signal.aborted) return upstreamError(inst, p, 504, "timed out: " + String(ac.signal.reason && ac.signal.reason.message || e));
    return upstreamError(inst, p, 502, String(e && e.message || e));
  } finally {
    clearTimeout(t);
  }
  if (res.status < 200) return upstreamError(inst, p, 502, "interim status " + res.status + " as the final reply");
  const h = apply(withoutHop(res.headers), inst, p);
  return new Response(NULL_BODY.has(res.status) ? null : res.body, { status: res.status, statusText: res.statusText, headers: h });
}

async function handle(req, env) {
  // go.exited is set synchronously if the program ends (it should not:
  // every call into it recovers from panics); the next request starts a
  // new instance.
  if (current === null || current.go.exited) current = start(env);
  const inst = current;
  const url = req.url;
  const slash = url.indexOf("/", url.indexOf("://") + 3);
  const target = slash < 0 ? "/" : url.slice(slash);
  let q = req.method + "\n" + target;
  const o = req.headers.get("origin");
  if (o !== null) q += "\nO\t" + o;
  if (req.method === "OPTIONS") {
    // Only a preflight's answer depends on these.
    const m = req.headers.get("access-control-request-method");
    if (m !== null) q += "\nM\t" + m;
    const hs = req.headers.get("access-control-request-headers");
    if (hs !== null) q += "\nH\t" + hs;
  }
  const p = parse(decide(inst, q));
  switch (p.first[0]) {
    case "R":
      return reply(p);
    case "F":
      return forward(req, target, inst, p);
    case "X": {
      let lines = "";
      for (const [k, v] of req.headers) lines += k + "\t" + v + "\n";
      return reply(parse(inst.bridge.explain(req.method, url, lines)));
    }
  }
  throw new Error("whycors worker: unreadable answer from Go: " + p.first);
}

export default {
  async fetch(req, env) {
    try {
      return await handle(req, env);
    } catch (e) {
      console.error(String(e && e.stack || e));
      return new Response("whycors worker: internal error\n", {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    }
  },
};
