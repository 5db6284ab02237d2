// Loads the engine (whycors.wasm) once and keeps it resident.
"use strict";
(function () {
  const status = document.getElementById("status");
  function ready() {
    status.textContent = "Engine ready: whycors " + globalThis.whycors.version();
    status.dataset.state = "ready";
  }
  globalThis.whycorsReady = ready;
  const go = new Go();
  WebAssembly.instantiateStreaming(fetch("whycors.wasm"), go.importObject)
    .then(function (r) { go.run(r.instance); })
    .catch(function (e) {
      status.textContent = "The engine failed to load: " + e;
      status.dataset.state = "error";
    });
})();
