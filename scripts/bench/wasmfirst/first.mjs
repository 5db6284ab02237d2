// A cheap stand-in for the page's first verdict, to compare builds of the
// core wasm (issue 23) without a browser: Node's V8 compiles the module,
// starts the Go program and asks one explain, in a fresh process each
// time; then ("then") the mean of 100 more explains after 100 to warm up,
// as the page explains while one types. It prints the median of each in
// ms over ROUNDS rounds, the files taken in turn within each round so
// that load hits all alike.
// Indicative only: Chromium's page (scripts/bench-site.sh step 2) is the
// measure that counts.
//
//   node scripts/bench/wasmfirst/first.mjs ROUNDS a.wasm [b.wasm ...]
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

const phases = ['compile', 'start', 'explain', 'total', 'then'];

if (process.argv[2] === '--one') {
  const wasmExec = execFileSync('go', ['env', 'GOROOT']).toString().trim() + '/lib/wasm/wasm_exec.js';
  await import(wasmExec);
  const bytes = readFileSync(process.argv[3]);
  // A preflighted PUT with credentials against a pasted raw reply (the
  // one format the core reads).
  const scenario = JSON.stringify({
    browser: 'chrome',
    request: { origin: 'https://app.example.com', url: 'https://api.example.com/items/1', method: 'PUT', headers: [['Content-Type', 'application/json'], ['Authorization', 'Bearer x']], credentials: 'include' },
    policy: { format: 'raw', text: 'HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example.com\nAccess-Control-Allow-Methods: GET, PUT\nAccess-Control-Allow-Headers: content-type\nAccess-Control-Allow-Credentials: true\n' },
  });
  const t0 = performance.now();
  const mod = await WebAssembly.compile(bytes);
  const t1 = performance.now();
  const go = new globalThis.Go();
  const ready = new Promise(r => { globalThis.whycorsReady = r; });
  go.run(await WebAssembly.instantiate(mod, go.importObject));
  await ready;
  const t2 = performance.now();
  const v = globalThis.whycors.explain(scenario);
  const t3 = performance.now();
  if (!v.includes('"allowed"')) throw new Error('no verdict: ' + v.slice(0, 200));
  for (let i = 0; i < 100; i++) globalThis.whycors.explain(scenario);
  const t4 = performance.now();
  for (let i = 0; i < 100; i++) globalThis.whycors.explain(scenario);
  const then = (performance.now() - t4) / 100;
  console.log(JSON.stringify({ compile: t1 - t0, start: t2 - t1, explain: t3 - t2, total: t3 - t0, then }));
  process.exit(0);
}

const rounds = +process.argv[2];
const files = process.argv.slice(3);
const runs = Object.fromEntries(files.map(f => [f, []]));
for (let i = 0; i < rounds; i++) {
  for (const f of files) {
    runs[f].push(JSON.parse(execFileSync(process.execPath, [process.argv[1], '--one', f])));
  }
}
const median = (l, k) => { const v = l.map(r => r[k]).sort((a, b) => a - b); return v[v.length >> 1]; };
console.log(`load average ${loadavg().map(x => x.toFixed(2)).join(' ')}; median of ${rounds} rounds, ms`);
console.log(['file', ...phases].map(s => s.padStart(10)).join(' '));
for (const f of files) {
  console.log([f.padStart(10), ...phases.map(k => median(runs[f], k).toFixed(1).padStart(10))].join(' '));
}
