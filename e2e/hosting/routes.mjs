// Reads [{config, paths}] as JSON on stdin; for each, turns the config's
// headers into routes with @vercel/routing-utils' getTransformedRoutes
// and, for each path, lists the headers of every route whose src matches
// (in order, a later key replacing an earlier one; "$1" filled from the
// match), as the Vercel edge applies routes with continue: true, until a
// route without continue ends the routing (a redirect's status and
// Location, or a pass-through).
// Writes {versions, results: [{error} | {src: [...], paths: [{status, headers: [[name, value]...]}...]}]}.
import { createRequire } from "node:module";
import { getTransformedRoutes } from "@vercel/routing-utils";

const require = createRequire(import.meta.url);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const cases = JSON.parse(input);
const results = cases.map(({ config, paths }) => {
  const { routes, error } = getTransformedRoutes(structuredClone(config));
  if (error) return { error: error.message };
  const rs = (routes || []).filter((r) => !r.handle).map((r) => ({ ...r, re: new RegExp(r.src) }));
  return {
    src: rs.map((r) => r.src),
    paths: paths.map((p) => {
      const out = new Map();
      let status = 0;
      for (const r of rs) {
        const m = r.re.exec(p);
        if (!m) continue;
        const fill = (s) => s.replace(/\$(\d+)/g, (_, n) => m[Number(n)] ?? "");
        for (const [k, v] of Object.entries(r.headers || {})) {
          out.set(fill(k).toLowerCase(), [fill(k), fill(v)]);
        }
        // A route without continue ends the routing: a redirect (status)
        // answers, another passes the request on.
        if (!r.continue) {
          status = r.status || 0;
          break;
        }
      }
      return { status, headers: [...out.values()] };
    }),
  };
});
const versions = { "@vercel/routing-utils": require("@vercel/routing-utils/package.json").version };
process.stdout.write(JSON.stringify({ versions, results }));
