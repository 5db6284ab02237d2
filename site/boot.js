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
if (location.hash.startsWith("#s=")) {
  globalThis.whycorsCore = WebAssembly.compileStreaming(fetch("whycors.wasm"));
  globalThis.whycorsCore.catch(() => {}); // app.js reports a failure where the verdict goes
}
