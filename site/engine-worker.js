// The full engine's thread. The page (app.js) starts this dedicated worker
// when it first needs the full engine (a policy to read, a fix, convert, a
// HAR file, a console line), and the full engine (wasm/full) runs here,
// off the page's main thread: a 1 MiB template takes about a second to
// read and a fix search as long again, and typing must not wait for them
// (issue 20: at most 50 ms a keystroke).
//
// Messages, page to worker:
//   {load: URL}                    fetch and start that wasm program, once
//                                  (a worker named "full" has started the
//                                  full engine already, and ignores it)
//   {id, fn, arg}                  call whycorsFull[fn](arg)
// worker to page:
//   {progress: bytes}              how much of the wasm has arrived
//   {ready: version}               the engine runs; calls are answered
//   {failed: why}                  the engine did not start
//   {id, out}                      the call's JSON string, as wasm/full wrote it
// Calls that arrive before the engine runs wait for it, in order.
importScripts("wasm_exec.js");

let api = null;
const waiting = [];

function answer(m) {
  let out;
  try {
    const f = api[m.fn];
    out = typeof f === "function" ? f(m.arg) : JSON.stringify({ error: "no such engine function: " + m.fn });
  } catch (e) {
    out = JSON.stringify({ error: String(e) });
  }
  self.postMessage({ id: m.id, out: out });
}

function start(url) {
  globalThis.whycorsFullReady = () => {
    api = globalThis.whycorsFull;
    self.postMessage({ ready: api.version() });
    while (waiting.length) answer(waiting.shift());
  };
  const go = new Go();
  fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return WebAssembly.instantiateStreaming(counted(r), go.importObject);
    })
    .then((r) => go.run(r.instance))
    .catch((e) => self.postMessage({ failed: String(e && e.message ? e.message : e) }));
}

// counted passes the response through, telling the page how many bytes
// of it have arrived (every 256 KiB).
function counted(r) {
  if (!r.body || typeof TransformStream === "undefined") return r;
  let got = 0;
  let told = 0;
  const t = new TransformStream({
    transform(chunk, c) {
      got += chunk.byteLength;
      if (got - told > 256 << 10) {
        told = got;
        self.postMessage({ progress: got });
      }
      c.enqueue(chunk);
    },
  });
  return new Response(r.body.pipeThrough(t), { headers: { "Content-Type": "application/wasm" } });
}

let started = false;
// A worker named "full" (boot.js, on a link with a policy to read)
// fetches the full engine now, not when the page's first message
// arrives: that message waits for the page's main thread.
if (self.name === "full") {
  start(new URL("whycors-full.wasm", location.href).href);
  started = true;
}
self.onmessage = (e) => {
  const m = e.data;
  if (m && typeof m.load === "string") {
    if (!started) start(m.load);
    started = true;
    return;
  }
  if (!m || typeof m.id !== "number") return;
  if (api) answer(m);
  else waiting.push(m);
};
