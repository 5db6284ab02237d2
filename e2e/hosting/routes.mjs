// Reads [{config, paths}] as JSON on stdin; for each, turns the config's
// headers into routes with @vercel/routing-utils' getTransformedRoutes
// and, for each path, lists the headers of every route whose src matches
// (in order, a later key replacing an earlier one; "$1" filled from the
// match), as the Vercel edge applies routes with continue: true.
// Writes {versions, results: [{error} | {src: [...], paths: [[[name, value]...]...]}]}.
import { createRequire } from "node:module";
import { getTransformedRoutes } from "@vercel/routing-utils";

const require = createRequire(import.meta.url);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const results = cases.map(({ config, paths }) => {
  const { routes, error } = getTransformedRoutes(structuredClone(config));
  if (error) return { error: error.message };
  const rs = (routes || []).map((r) => ({ re: new RegExp(r.src), headers: r.headers || {} }));
  return {
    src: (routes || []).map((r) => r.src),
    paths: paths.map((p) => {
      const out = new Map();
      for (const r of rs) {
        const m = r.re.exec(p);
        if (!m) continue;
        for (const [k, v] of Object.entries(r.headers)) {
          const fill = (s) => s.replace(/\$(\d+)/g, (_, n) => m[Number(n)] ?? "");
          out.set(fill(k).toLowerCase(), [fill(k), fill(v)]);
        }
      }
      return [...out.values()];
    }),
  };
});
const versions = { "@vercel/routing-utils": require("@vercel/routing-utils/package.json").version };
process.stdout.write(JSON.stringify({ versions, results }));
