// Fetches and compiles the core engine (whycors.wasm) from the page's
// head when the page opens on a link (a "#s=" fragment, words.mjs
// readFragment): that scenario's first verdict is the engine's, so it
// waits for both the page's modules and the compilation, not for one
// after the other. This script runs without async: an async script is
// fetched at low priority and ran at about 170 ms in headless Chromium on
// localhost, and fetch() is asked at high priority.
//
// On the page's own first scenario the build's verdict is drawn before
// the engine runs (first-scenario.json), and app.js fetches and compiles
// the engine once it has drawn. Neither starts in the head there: on this
// 2-core machine both took the main thread and the CPU from the page's
// scripts, so that app.js ran, and drew that verdict, later.
// scripts/bench-site.sh ab, 4 rounds of 8 loads each:
//   - compiling in the head: 420.5 ms against 365.0 ms without, at load
//     4 to 5 (46 ms sooner per round, 4 rounds of 4);
//   - then the head's rel=preload of the wasm, whose 3 MB body came
//     with two main-thread tasks of 67 and 79 ms in a trace of one load
//     (Mojo data-pipe reads), which a trace without it does not have:
//     365.8 ms with it against 267.2 ms without, at load 1.3 to 4.3
//     (104 ms sooner per round, 4 rounds of 4), and the engine's own
//     verdict sooner too (628.9 against 590.1 ms). On a link, without the
//     preload, this script's own fetch starts about 80 ms later, and its
//     first verdict moved by noise only (WHYCORS_BENCH_LINK=1: +7.9 ms
//     per round, from -10.7 to +22.3).
//
// A link whose scenario has a policy to read (an S3 bucket's CORS, say)
// gets its first verdict from the full engine (whycors-full.wasm), which
// runs in a worker of its own (engine-worker.js). That worker starts here
// too, and fetches the full engine at once. Started by app.js, it came up
// 300 ms after app.js asked for it in a trace of the README's S3 link: a
// dedicated worker's thread starts, and a message to it is passed on, in
// tasks of the page's main thread, which was running the core engine's
// start and the page's first layout.
// app.js takes this worker (whycorsStarted, by the wasm's URL, as app.js
// names it) and the messages it sent before app.js listened.
if (location.hash.startsWith("#s=")) {
  globalThis.whycorsCore = WebAssembly.compileStreaming(fetch("whycors.wasm"));
  globalThis.whycorsCore.catch(() => {}); // app.js reports a failure where the verdict goes
  if (linkReadsPolicy(location.hash)) {
    // Named "full", the worker fetches the full engine as it starts
    // (engine-worker.js): a message to it would wait for the page's main
    // thread too.
    const worker = new Worker("engine-worker.js", { name: "full" });
    const early = [];
    worker.onmessage = worker.onerror = (e) => {
      if (e.type === "error") e.preventDefault();
      early.push(e);
    };
    globalThis.whycorsStarted = { "whycors-full.wasm": { worker: worker, early: early } };
  }
}

// linkReadsPolicy says whether the link's state (words.mjs readFragment:
// base64url of JSON) has a policy for the full engine to read: a form's
// state with source "policy", or a scenario whose policy is not raw
// replies (state.mjs formOf), with text. Anything it cannot read is no:
// app.js then starts the full engine itself when it needs it. It decodes
// as words.mjs's b64urlDecode does, inline: this is a classic script,
// which cannot import a module.
function linkReadsPolicy(hash) {
  try {
    const bin = atob(hash.slice(3).split("&")[0].replace(/-/g, "+").replace(/_/g, "/"));
    const v = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    if (!v || typeof v !== "object") return false;
    if (v.request && typeof v.request === "object") {
      const p = v.policy;
      return !!p && typeof p === "object" && p.format !== "raw" && String(p.text ?? "").trim() !== "";
    }
    return v.source === "policy" && typeof v.policy === "string" && v.policy.trim() !== "";
  } catch (e) {
    return false;
  }
}
