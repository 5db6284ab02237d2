// Entry module of the whycors edge worker. It replaces syumai/workers'
// generated worker.mjs, which starts a new Go instance for every request
// (4.8 ms CPU each, shared/reference/build-chain.md §3.4), with one
// resident instance per isolate. Go's side is syumai's unchanged:
// workers.ServeNonBlock sets binding.handleRequest, which returns a Promise
// and serves each request in its own goroutine, so requests waiting on the
// upstream interleave.
import "./wasm_exec.js"; // syumai's copy: Go.run(instance, context)
import mod from "./app.wasm";

// Request headers the synchronous preflight path reads, in the canonical
// form Go's http.Header keys use.
const FAST_HEADERS = ["Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"];

let current = null; // { rc, inflight } of the running instance

// start instantiates the Go program. Its main reads the configuration
// through rc.env, calls workers.ready, then blocks; Go.run returns once it
// blocks, so the instance is ready when start returns. It runs on the first
// request, not at module evaluation: workerd refuses
// crypto.getRandomValues in the global scope, and the Go runtime seeds
// itself with it when it starts (tried: "Go instance did not become ready").
function start(env, ctx) {
  const rc = {
    env,
    ctx,
    binding: {},
    // The upstream fetcher, used by Go through fetch.WithBinding. The
    // deadline is a JS timer armed here, in the request's own event, not a
    // Go timer: the resident Go runtime arms its timers from whichever
    // request's event happens to be running.
    upstream: {
      timeoutMs: 30000,
      // Request bodies parked by Go (jsUpstream.RoundTrip) under an id, so
      // the client's stream goes to the upstream as it is: streaming it
      // through Go costs a promise per 16 KB chunk, and syumai's
      // Go-to-JS stream fails on large bodies ("Unable to enqueue").
      bodies: new Map(),
      async fetch(req, init) {
        const id = req.headers.get("whycors-body");
        if (id !== null) {
          const headers = new Headers(req.headers);
          headers.delete("whycors-body");
          const body = this.bodies.get(id) ?? null;
          this.bodies.delete(id);
          req = new Request(req.url, { method: req.method, headers, body });
        }
        // The deadline covers the wait for the status line, not the body:
        // a large reply may take longer to stream than to start.
        const ac = new AbortController();
        const t = setTimeout(() => ac.abort(new DOMException("no reply within " + this.timeoutMs + " ms", "TimeoutError")), this.timeoutMs);
        let res;
        try {
          res = await fetch(req, { ...init, signal: ac.signal });
        } finally {
          clearTimeout(t);
        }
        const cookies = res.headers.getSetCookie();
        if (cookies.length === 0) return res;
        // syumai splits header values at commas; escape them in
        // Set-Cookie (Expires=Sat, 21 Nov ...), whose lines must stay whole.
        const h = new Headers();
        for (const [k, v] of res.headers) if (k !== "set-cookie") h.append(k, v);
        for (const c of cookies) h.append("set-cookie", c.replaceAll("%", "%25").replaceAll(",", "%2C"));
        return new Response(res.body, { status: res.status, statusText: res.statusText, headers: h });
      },
    },
  };
  const go = new Go();
  let ready = false;
  const instance = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: { ready: () => { ready = true; } },
  });
  const self = { rc, go, inflight: new Set() };
  go.run(instance, rc).then(() => {
    // The program ended (a panic outside a handler): requests it still
    // owed an answer get a 500, and the next request starts a new one.
    if (current === self) current = null;
    for (const fail of self.inflight) fail(new Error("whycors worker: Go instance exited"));
    self.inflight.clear();
  });
  if (!ready) throw new Error("whycors worker: Go instance did not become ready");
  return self;
}

async function handle(req, env, ctx) {
  // go.exited is set synchronously when the program ends; the exit
  // promise's continuation may never run if the request during which it
  // ended is over (workerd cancels such continuations).
  if (current === null || current.go.exited) current = start(env, ctx);
  const inst = current;
  // env is the same object for every request of a Worker; ctx (waitUntil)
  // is per request, and Go reads it only from the latest one.
  inst.rc.env = env;
  inst.rc.ctx = ctx;
  if (req.method === "OPTIONS") {
    // Preflights need neither the body nor the upstream: Go answers them
    // synchronously (serveFast in main_js.go), without syumai's per-request
    // goroutines, pipe and promise.
    // One string each way (serveFast documents the format).
    let q = req.method + "\n" + req.url;
    for (const n of FAST_HEADERS) {
      const v = req.headers.get(n);
      if (v !== null) q += "\n" + n + "\t" + v;
    }
    const a = inst.rc.binding.whycorsFast(q);
    if (a !== "") {
      const end = a.indexOf("\n\n");
      const lines = a.slice(0, end).split("\n");
      const headers = [];
      for (let i = 1; i < lines.length; i++) {
        const t = lines[i].indexOf("\t");
        headers.push([lines[i].slice(0, t), lines[i].slice(t + 1)]);
      }
      const body = a.slice(end + 2);
      return new Response(body === "" ? null : body, { status: Number(lines[0]), headers });
    }
  }
  return await new Promise((resolve, reject) => {
    inst.inflight.add(reject);
    inst.rc.binding.handleRequest(req).then(resolve, reject).finally(() => inst.inflight.delete(reject));
  });
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
