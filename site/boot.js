// Starts fetching and compiling the core engine (whycors.wasm) as soon as
// the page's head is read, while the page's modules still load: app.js
// instantiates the compiled module once it runs (the first verdict waits
// for both, not for one after the other).
globalThis.whycorsCore = WebAssembly.compileStreaming(fetch("whycors.wasm"));
globalThis.whycorsCore.catch(() => {}); // app.js reports a failure where the verdict goes
