// Reads {"entries": [{source|glob|regex}], "paths": [...]} as JSON on
// stdin and writes, for each entry, whether superstatic's own matcher
// (lib/utils/patterns.js configMatcher, after lib/middleware/headers.js
// passes "source" and the request path through glob-slasher) matches
// each path: {"versions", "matches": [[bool...]...]}.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const patterns = require("superstatic/lib/utils/patterns");
const slasher = require("glob-slasher");
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { entries, paths } = JSON.parse(input);
const matches = entries.map((e) => {
  const c = { ...e };
  if (c.source !== undefined) c.source = slasher(c.source);
  return paths.map((p) => patterns.configMatcher(slasher(p), c));
});
const versions = { superstatic: require("superstatic/package.json").version };
process.stdout.write(JSON.stringify({ versions, matches }));
