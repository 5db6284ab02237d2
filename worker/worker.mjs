// Entry module of the whycors edge worker (Go on github.com/syumai/workers).
//
// One resident Go instance per isolate, started the way syumai's own glue
// starts one (its cmd/workers-assets-gen assets: common/worker.mjs and
// runtime/cloudflare.mjs): syumai's wasm_exec.js, go.run(instance,
// context) with the runtime context {env, ctx, connect, binding}, the
// "workers.ready" import resolved by workers.Ready(), and the Go side's
// http.Handler reached through binding.handleRequest (a promise per
// request). What syumai's glue does differently is start a new Go runtime
// for every request (4.8 ms CPU each, shared/reference/build-chain.md
// §3.4); this module starts it once, which is why we own the entry module.
//
// For almost every request this module makes one synchronous exported call
// into Go with one string each way (Server.DecideWire in decide.go
// documents the format), then either answers (preflights, refusals), or
// forwards the request to the upstream with the runtime's own fetch() and
// streams, and edits the reply's headers as Go said. Nothing of such a
// request waits inside Go, so requests interleave freely and cannot mix
// state. syumai's handler path converts each request and reply between the
// runtime's objects and net/http's (about 1.4 ms CPU per forwarded request
// against 0.34 ms this way, worker/README.md), so it serves only what the
// exported call does not: the debug explain endpoint and requests too long
// for the call's buffer (main_js.go).
import "./wasm_exec.js"; // syumai's copy of Go's wasm_exec.js (scripts/worker-build.sh)
import { connect } from "cloudflare:sockets";
import { env as moduleEnv } from "cloudflare:workers";
import mod from "./app.wasm";
// The policy as a file bundled with the worker (a Text module written by
// scripts/worker-wrangler-build.sh; empty when the policy comes from the
// WHYCORS_POLICY variable). Go reads it through the bridge (main_js.go).
import policyFile from "./policy.txt";

// Connection-level request and reply headers a proxy does not pass on
// (RFC 9110 §7.6.1), plus Host and Content-Length, which fetch() and the
// runtime set from the URL and the body.
const HOP = ["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"];
// Statuses whose reply has no body (Fetch §2.2.3 "null body status").
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

let current = null; // the running instance (start's result)

// start instantiates the Go program. Its main reads the configuration
// (cloudflare.Getenv on context.env), sets the settings on context.whycors,
// registers its handler with syumai (binding.handleRequest), calls
// workers.Ready() and blocks; go.run returns once it blocks, so the
// instance is ready when start returns.
//
// atLoad: started while the module is evaluated, where workerd refuses
// crypto.getRandomValues ("Disallowed operation called within global
// scope"), which Go's runtime calls once as it starts, to seed its hash
// and scheduling randomness (runtime/rand.go). While Go starts, that
// import is served from Math.random, which workerd allows there and V8
// seeds per isolate from the embedder's entropy; it goes back to
// crypto.getRandomValues before main runs anything else, so crypto/rand
// (the same import) is never served from it.
function start(env, ctx, atLoad) {
  const bridge = { policyFile };
  bridge.deadlineFetch = { fetch: (req, init) => deadlineFetch(bridge.timeoutMs, req, init) };
  const binding = {};
  const context = { env, ctx, connect, binding, whycors: bridge };
  const go = new Go();
  const gojs = go.importObject.gojs;
  const realRandom = gojs["runtime.getRandomData"];
  let seeding = atLoad, instance = null;
  gojs["runtime.getRandomData"] = (sp) => {
    sp >>>= 0;
    if (!seeding) return realRandom(sp);
    seeding = false; // only the runtime's own first call
    // func getRandomData(r []byte): the slice's pointer and length at
    // sp+8 and sp+16 (wasm_exec.js loadSlice).
    const dv = new DataView(instance.exports.mem.buffer);
    const ptr = Number(dv.getBigInt64(sp + 8, true)), len = Number(dv.getBigInt64(sp + 16, true));
    const b = new Uint8Array(instance.exports.mem.buffer, ptr, len);
    for (let i = 0; i < len; i++) b[i] = (Math.random() * 256) | 0;
  };
  if (atLoad) {
    // The clocks stand at 0 in the global scope (workerd: Date.now() and
    // performance.now() are 0 there), and Go's runtime refuses a
    // monotonic clock reading 0 ("nanotime returning zero",
    // runtime/proc.go). One millisecond later stays monotonic and is
    // never 0; later readings come from performance.now() in request
    // context, which only grows.
    const realNanotime = gojs["runtime.nanotime1"];
    gojs["runtime.nanotime1"] = (sp) => {
      sp >>>= 0;
      realNanotime(sp);
      const dv = new DataView(instance.exports.mem.buffer);
      dv.setBigInt64(sp + 8, dv.getBigInt64(sp + 8, true) + 1000000n, true);
    };
  }
  let ready = false;
  instance = new WebAssembly.Instance(mod, { ...go.importObject, workers: { ready: () => { ready = true; } } });
  go.run(instance, context);
  seeding = false;
  if (!ready) throw new Error("whycors worker: Go instance did not become ready");
  const ex = instance.exports;
  return { go, bridge, binding, ex, inPtr: ex.whycors_in(), owned: bridge.owned.split(","), full: bridge.full === true };
}

// deadlineFetch is fetch() with the upstream deadline, for syumai's fetch
// client on the handler path (fetch.WithBinding in main_js.go): the
// deadline covers the wait for the status line, as forward's does.
async function deadlineFetch(ms, req, init) {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(new DOMException("no reply within " + ms + " ms", "TimeoutError")), ms);
  try {
    return await fetch(req, { ...init, signal: ac.signal });
  } catch (e) {
    if (ac.signal.aborted) throw ac.signal.reason;
    throw e;
  } finally {
    clearTimeout(t);
  }
}

// Start Go while the module is evaluated, so the first request does not
// wait for it (the environment comes from cloudflare:workers). If that
// fails, the first request starts it with its own env.
try {
  current = start(moduleEnv, undefined, true);
} catch (e) {
  console.error("whycors worker: starting at load failed, starting on the first request: " + String(e && e.stack || e));
  current = null;
}

const IN_SIZE = 64 << 10; // len(wireIn) in main_js.go
const enc = new TextEncoder();
const dec = new TextDecoder();

// decide asks Go through the exported whycors_decide: the request goes in
// as UTF-8 in Go's wireIn buffer, the answer comes back from wireOut
// (main_js.go says why not through syscall/js). Views on the memory are
// made fresh for each use: the memory may grow during the call, which
// detaches older views. null: q is longer than the buffer.
function decide(inst, q) {
  const ex = inst.ex;
  const { read, written } = enc.encodeInto(q, new Uint8Array(ex.mem.buffer, inst.inPtr, IN_SIZE));
  if (read < q.length) return null;
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

function upstreamError(inst, p, q, status, msg) {
  const h = new Headers({ "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  const body = "whycors worker: upstream: " + msg + "\n";
  // AskAgain: the platform's answer on this error reply, as on an
  // upstream's (nginx's add_header without always adds nothing to a 502).
  if (p.first === "A") return asked(inst, q, status, "", h, body);
  return new Response(body, { status, headers: apply(h, inst, p) });
}

// upstreamURL is the upstream's URL for target (a path and query), built
// with the URL parser rather than by joining strings, or null when it
// would leave the upstream's origin or path prefix (worker/target.go:
// Go has already refused dot segments; this is the second lock).
function upstreamURL(base, target) {
  const b = new URL(base);
  const prefix = b.pathname === "/" ? "" : b.pathname;
  const u = new URL(b);
  const q = target.indexOf("?");
  u.pathname = prefix + (q < 0 ? target : target.slice(0, q));
  u.search = q < 0 ? "" : target.slice(q);
  if (u.origin !== b.origin) return null;
  if (prefix !== "" && u.pathname !== prefix && !u.pathname.startsWith(prefix + "/")) return null;
  return u;
}

// asked: the answer to asking Go again (AskAgain, worker/platform.go) with
// the upstream's reply: its status and its headers h (hop-by-hop fields
// and the upstream's own CORS headers already removed). An "E" answer
// edits h and keeps body (a stream, a string or null); an "R" answer is
// the platform's own reply and body is dropped. null: the request and the
// reply's headers together are longer than the call's buffer.
function asked(inst, q, status, statusText, h, body) {
  let a = q + "\nS\t" + status;
  for (const [k, v] of h) a += "\nP\t" + k + "\t" + v;
  const ans = a.length > IN_SIZE ? null : decide(inst, a);
  if (ans === null) {
    if (body !== null && typeof body === "object") body.cancel();
    return new Response("whycors worker: the upstream's reply headers are too long to decide on\n", {
      status: 502,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  const p = parse(ans);
  if (p.first[0] === "R") {
    if (body !== null && typeof body === "object") body.cancel();
    return reply(p);
  }
  for (const [k, v] of p.headers) {
    if (k === "") h.delete(v);
    else h.append(k, v);
  }
  const s = Number(p.first.slice(1));
  return new Response(NULL_BODY.has(s) ? null : body, { status: s, statusText: s === status ? statusText : "", headers: h });
}

function withoutOwned(h, inst) {
  for (const n of inst.owned) h.delete(n);
  return h;
}

async function forward(req, target, inst, p, q) {
  const b = inst.bridge;
  const url = upstreamURL(b.upstream, target);
  if (url === null) {
    return new Response("whycors worker: the path leaves the upstream's path; refused\n", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
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
    res = await fetch(url, init);
  } catch (e) {
    if (ac.signal.aborted) return upstreamError(inst, p, q, 504, "timed out: " + String(ac.signal.reason && ac.signal.reason.message || e));
    return upstreamError(inst, p, q, 502, String(e && e.message || e));
  } finally {
    clearTimeout(t);
  }
  if (res.status < 200) return upstreamError(inst, p, q, 502, "interim status " + res.status + " as the final reply");
  if (p.first === "A") {
    const body = NULL_BODY.has(res.status) ? null : res.body;
    return asked(inst, q, res.status, res.statusText, withoutOwned(withoutHop(res.headers), inst), body);
  }
  const h = apply(withoutHop(res.headers), inst, p);
  return new Response(NULL_BODY.has(res.status) ? null : res.body, { status: res.status, statusText: res.statusText, headers: h });
}

function tooLarge() {
  return new Response("whycors worker: request target and CORS request headers longer than " + IN_SIZE + " bytes\n", {
    status: 431,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

async function handle(req, env, ctx) {
  // go.exited is set synchronously if the program ends (it should not:
  // every call into it recovers from panics); the next request starts a
  // new instance.
  if (current === null || current.go.exited) current = start(env, ctx, false);
  const inst = current;
  const url = req.url;
  const slash = url.indexOf("/", url.indexOf("://") + 3);
  const target = slash < 0 ? "/" : url.slice(slash);
  const o = req.headers.get("origin");
  let m = null, hs = null;
  if (req.method === "OPTIONS") {
    // Only a preflight's answer depends on these.
    m = req.headers.get("access-control-request-method");
    hs = req.headers.get("access-control-request-headers");
  }
  // Longer than the exported call's buffer: refused here, before any
  // conversion or joining. (Handing it to syumai's handler path instead
  // cost 8 ms for 66 KB of header names and 135 ms for 120 KB of commas,
  // and kept about 80 KB per request that workerd did not return: issue
  // 19's security review.) No CORS request needs 64 KiB of Origin,
  // Access-Control-Request-* and target.
  if (req.method.length + target.length + (o === null ? 0 : o.length) + (m === null ? 0 : m.length) + (hs === null ? 0 : hs.length) > IN_SIZE) return tooLarge();
  let q = req.method + "\n" + target;
  if (o !== null) q += "\nO\t" + o;
  if (m !== null) q += "\nM\t" + m;
  if (hs !== null) q += "\nH\t" + hs;
  if (inst.full) {
    // A policy in another format than native: its platform's evaluator
    // may read any header and the URL (worker/platform.go). Bounded the
    // same way, counted as it grows, before anything is joined.
    q += "\nU\t" + (slash < 0 ? url : url.slice(0, slash));
    let n = q.length;
    for (const [k, v] of req.headers) {
      n += k.length + v.length + 4;
      if (n > IN_SIZE) return tooLarge();
    }
    for (const [k, v] of req.headers) q += "\nA\t" + k + "\t" + v;
  }
  const a = decide(inst, q);
  if (a === null) return tooLarge(); // more than IN_SIZE bytes once encoded as UTF-8
  const p = parse(a);
  switch (p.first[0]) {
    case "R":
      return reply(p);
    case "F":
    case "A":
      return forward(req, target, inst, p, q);
    case "X":
      // The explain endpoint reads every request header: syumai's
      // handler path.
      return inst.binding.handleRequest(req);
  }
  throw new Error("whycors worker: unreadable answer from Go: " + p.first);
}

export default {
  async fetch(req, env, ctx) {
    try {
      return await handle(req, env, ctx);
    } catch (e) {
      console.error(String(e && e.stack || e));
      return new Response("whycors worker: internal error\n", {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      });
    }
  },
};
