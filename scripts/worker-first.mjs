// First request once the isolate is up: spawn workerd, wait until its
// socket accepts connections, leave it idle for IDLE ms (workerd loads the
// worker's modules in that time), then time the first preflight and the
// second. This separates what a request waits for when the worker was
// loaded ahead of it (Cloudflare pre-warms a Worker, top-level code
// included, during the TLS handshake: "Eliminating cold starts with
// Cloudflare Workers", blog.cloudflare.com, 2020-07-30) from the whole
// spawn-to-first-response time scripts/worker-cold measures.
// usage: node scripts/worker-first.mjs WORKERD CONFIG PORT RUNS [IDLE]
import { spawn } from "node:child_process";
import net from "node:net";
import http from "node:http";

const [wd, config, port, runsArg, idleArg] = process.argv.slice(2);
const runs = Number(runsArg) || 7;
const idle = Number(idleArg) || 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const connect = () => new Promise((resolve, reject) => {
  const s = net.connect(Number(port), "127.0.0.1", () => { s.destroy(); resolve(); });
  s.on("error", reject);
});
const preflight = () => new Promise((resolve, reject) => {
  const r = http.request({
    host: "127.0.0.1", port: Number(port), method: "OPTIONS", path: "/api/items", agent: false,
    headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "PUT" },
  }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); });
  r.on("error", reject);
  r.end();
});

const listen = [], first = [], second = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const child = spawn(wd, ["serve", config], { stdio: ["ignore", "ignore", "inherit"], env: process.env });
  for (;;) {
    try { await connect(); break; } catch { await sleep(1); }
  }
  listen.push(performance.now() - t0);
  await sleep(idle);
  const t1 = performance.now();
  const s1 = await preflight();
  const t2 = performance.now();
  const s2 = await preflight();
  first.push(t2 - t1);
  second.push(performance.now() - t2);
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
  if (s1 !== 204 || s2 !== 204) {
    console.error("unexpected status", s1, s2);
    process.exit(1);
  }
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1].toFixed(1);
console.log(`listening=${med(listen)} first=${med(first)} second=${med(second)} runs=${runs} idle=${idle}`);
