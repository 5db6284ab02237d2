// Cold start of a workerd config: process spawn to the first complete
// response to a preflight, repeated; prints the median and range in ms.
// usage: node scripts/worker-cold.mjs WORKERD CONFIG PORT RUNS
import { spawn } from "node:child_process";
import http from "node:http";

const [wd, config, port, runsArg] = process.argv.slice(2);
const runs = Number(runsArg) || 11;
const agent = new http.Agent({ keepAlive: false });

function preflight() {
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: "127.0.0.1", port: Number(port), method: "OPTIONS", path: "/api/items", agent,
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "x-custom" },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve(res));
    });
    r.on("error", reject);
    r.end();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const child = spawn(wd, ["serve", config], { stdio: ["ignore", "ignore", "inherit"], env: process.env });
  let res;
  for (;;) {
    try { res = await preflight(); break; } catch { await sleep(1); }
  }
  times.push(performance.now() - t0);
  if (res.statusCode !== 204 || res.headers["access-control-allow-origin"] !== "https://app.example.com") {
    console.error("unexpected first response", res.statusCode, res.headers);
    child.kill("SIGTERM");
    process.exit(1);
  }
  child.kill("SIGTERM");
  await new Promise((r) => child.on("exit", r));
}
times.sort((a, b) => a - b);
console.log(`median=${times[times.length >> 1].toFixed(1)} min=${times[0].toFixed(1)} max=${times[times.length - 1].toFixed(1)} runs=${runs}`);
