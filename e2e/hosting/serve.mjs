// Serves a folder with superstatic (Firebase Hosting's local server) and
// a firebase.json "hosting" object given as a JSON file, on loopback:
//   node serve.mjs CONFIG.json PUBLIC_DIR
// Prints "PORT <n> superstatic=<v> minimatch=<v> re2=<loaded|absent>" on
// its first line once it listens.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { server } = require("superstatic");
const [config, cwd] = process.argv.slice(2);
const app = server({ config: JSON.parse(readFileSync(config, "utf8")), cwd, port: 0, hostname: "127.0.0.1" });
const s = app.listen(() => {
  const superstatic = require("superstatic/package.json").version;
  const minimatch = JSON.parse(readFileSync(fileURLToPath(new URL("node_modules/minimatch/package.json", import.meta.url)), "utf8")).version;
  const re2 = require("superstatic").RE2mode() ? "loaded" : "absent";
  process.stdout.write(`PORT ${s.address().port} superstatic=${superstatic} minimatch=${minimatch} re2=${re2}\n`);
});
