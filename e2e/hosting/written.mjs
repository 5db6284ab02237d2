// Reads [{kind, config, requests: [{path, origin}]}] as JSON on stdin:
// files the vercel and firebase formats wrote. For each request it lists
// the headers the real package gives it:
//   - vercel: @vercel/routing-utils' getTransformedRoutes turns the
//     config into routes; each route whose src matches the path and
//     whose has / missing conditions on the request's headers hold (a
//     value is a regular expression matching the whole header, as
//     Next.js's matchHas reads it) sets its headers, a later key
//     replacing an earlier one;
//   - firebase: superstatic's own headers middleware
//     (lib/middleware/headers.js) runs on the request and sets its
//     headers when the reply's head is written.
// Writes {versions, results: [{error} | {requests: [[[name, value]...]...]}]}.
import { createRequire } from "node:module";
import { getTransformedRoutes } from "@vercel/routing-utils";

const require = createRequire(import.meta.url);
const headersMiddleware = require("superstatic/lib/middleware/headers");
let input = "";
for await (const chunk of process.stdin) input += chunk;

const holds = (cond, hdrs) => {
  if (cond.type !== "header") return false;
  const v = hdrs[cond.key.toLowerCase()];
  if (v === undefined) return false;
  return cond.value === undefined || new RegExp(`^${cond.value}$`).test(v);
};

const vercel = (config, requests) => {
  const { routes, error } = getTransformedRoutes(structuredClone(config));
  if (error) return { error: error.message };
  const rs = (routes || []).filter((r) => !r.handle).map((r) => ({ ...r, re: new RegExp(r.src) }));
  return {
    requests: requests.map(({ path, origin }) => {
      const hdrs = origin ? { origin } : {};
      const out = new Map();
      for (const r of rs) {
        if (!r.re.exec(path)) continue;
        if (!(r.has || []).every((c) => holds(c, hdrs))) continue;
        if ((r.missing || []).some((c) => holds(c, hdrs))) continue;
        for (const [k, v] of Object.entries(r.headers || {})) out.set(k.toLowerCase(), [k, v]);
        if (!r.continue) break;
      }
      return [...out.values()];
    }),
  };
};

const firebase = (config, requests) => {
  const mw = headersMiddleware({});
  return {
    requests: requests.map(({ path }) => {
      const out = new Map();
      const res = {
        statusCode: 200,
        setHeader(k, v) { out.set(k.toLowerCase(), [k, v]); },
        getHeader(k) { return out.get(k.toLowerCase())?.[1]; },
        writeHead() {},
      };
      mw({ url: path, superstatic: { headers: structuredClone(config.hosting.headers) } }, res, () => {});
      res.writeHead(200);
      return [...out.values()];
    }),
  };
};

const results = JSON.parse(input).map(({ kind, config, requests }) => (kind === "vercel" ? vercel : firebase)(config, requests));
const versions = {
  "@vercel/routing-utils": require("@vercel/routing-utils/package.json").version,
  superstatic: require("superstatic/package.json").version,
};
process.stdout.write(JSON.stringify({ versions, results }));
