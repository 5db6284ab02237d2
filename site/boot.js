// Starts compiling the core engine (whycors.wasm) in the page's head when
// the page opens on a link (a "#s=" fragment, words.mjs readFragment):
// that scenario's first verdict is the engine's, so it waits for both the
// page's modules and the compilation, not for one after the other. The
// head preloads the wasm (rel=preload as=fetch, high priority; this fetch
// takes the preloaded response) and runs this script without async: an
// async script is fetched at low priority and ran at about 170 ms in
// headless Chromium on localhost, where the wasm then started to download.
//
// On the page's own first scenario the build's verdict is drawn before
// the engine runs (first-scenario.json), and compiling in the head took
// CPU from the page's scripts on this 2-core machine, so that app.js
// ran, and drew that verdict, later: scripts/bench-site.sh ab, 4 rounds
// of 8 loads at load 4 to 5, 420.5 ms with the head's compilation
// against 365.0 ms without (46 ms sooner per round, 4 rounds of 4;
// 384.2 against 306.0 in a run before). There app.js compiles the
// engine once it has drawn, and the preload has the bytes on their way
// all the same. The price: the engine's own verdict, the same one
// drawn again, comes 35 to 80 ms later (503.9 against 539.3 ms, 529.9
// against 609.9 in the same runs).
if (location.hash.startsWith("#s=")) {
  globalThis.whycorsCore = WebAssembly.compileStreaming(fetch("whycors.wasm"));
  globalThis.whycorsCore.catch(() => {}); // app.js reports a failure where the verdict goes
}
