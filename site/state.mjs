// The page's state as pure functions: the form's fields (readState's
// shape in app.js) to the scenario of shared/design.md and back.
// node --test e2e/simulator/node tests them.

// EXTRA_KEYS are the parts of a scenario the form cannot edit: replies
// for other URLs (routes), later fetches of the session (then) and a CDN.
// They stay in the scenario, and in the next link, as st.extra.
export const EXTRA_KEYS = ["routes", "then", "cdn"];

// The scenario of shared/design.md, built from the form as typed.
export function scenario(st, browser) {
  const req = {
    origin: st.origin,
    url: st.url,
    method: st.method,
    headers: st.headers.filter((h) => h[0] !== ""),
    credentials: st.credentials,
    mode: st.mode,
  };
  if (st.body === "string") req.body = "";
  else if (st.body) req.body_type = st.body;
  const sc = { browser: browser, request: req };
  // The authorizer beside CORS (API Gateway's Lambda, Cognito or IAM):
  // the contract's caller, absent when it lets the caller through.
  if (st.unauthorized) sc.caller = { authorized: false };
  // HAR imports land in the raw replies, so "har" reads them too.
  if (st.source === "policy" && st.policy.trim() !== "") sc.policy = { format: st.format, text: st.policy };
  if (st.source !== "policy" && st.raw.trim() !== "") sc.policy = { format: "raw", text: st.raw };
  if (st.extra) for (const k of EXTRA_KEYS) if (st.extra[k] !== undefined && st.extra[k] !== null) sc[k] = st.extra[k];
  return sc;
}

// The form's fields for a scenario: scenario() the other way round.
// Raw replies given as "preflight" and "response" become raw reply text,
// each absent one written as the contract's default (404 with no
// headers, 200 with no headers) so the raw reader takes them in order.
// What the form cannot hold is added to lost.
export function formOf(sc, lost) {
  const rq = sc.request;
  const st = {
    browser: typeof sc.browser === "string" && sc.browser ? sc.browser : "chrome",
    origin: String(rq.origin ?? ""),
    url: String(rq.url ?? ""),
    method: typeof rq.method === "string" && rq.method ? rq.method : "GET",
    headers: headerPairs(rq.headers),
    credentials: rq.credentials || "same-origin",
    mode: rq.mode || "cors",
    body: rq.body_type ? String(rq.body_type) : typeof rq.body === "string" ? "string" : "",
    unauthorized: !!(sc.caller && typeof sc.caller === "object" && sc.caller.authorized === false),
  };
  if (rq.redirect) lost.push("request.redirect");
  // The form makes fetch() calls: an XMLHttpRequest's scenario (a
  // console line of one) is said to be held as a fetch (found as a new
  // user would: it came back "Access to fetch at", silently).
  if (rq.api === "xhr") lost.push("an XMLHttpRequest (the form sends it with fetch())");
  const ex = {};
  for (const k of EXTRA_KEYS) if (sc[k] !== undefined && sc[k] !== null) ex[k] = sc[k];
  st.extra = Object.keys(ex).length ? ex : null;
  const pol = sc.policy;
  if (pol && typeof pol === "object") {
    if (pol.format === "raw") Object.assign(st, { source: "raw", raw: String(pol.text ?? "") });
    else Object.assign(st, { source: "policy", format: String(pol.format || "auto"), policy: String(pol.text ?? "") });
    if (sc.preflight || sc.response) lost.push("replies beside a policy");
    return st;
  }
  st.source = "raw";
  st.raw = "";
  if (sc.preflight || sc.response) {
    const pre = sc.preflight || { status: 404, headers: [] };
    const act = sc.response || { status: 200, headers: [] };
    if (pre.status === 0 || act.status === 0) lost.push("a reply with status 0");
    st.raw = replyText(pre, sc.preflight ? "" : "Not Found") + "\n" + replyText(act, sc.response ? "" : "OK");
    if (pre.status >= 300 && pre.status < 400) {
      // Without the notes the reader takes a 3xx followed by a reply
      // for a redirect curl -L followed (engine/formats/raw): they say
      // which reply answers the preflight.
      const method = String((sc.request && sc.request.method) || "GET").toUpperCase();
      st.raw = "# reply to the preflight (OPTIONS)\n" + replyText(pre, "") + "\n# reply to the " + method + " request\n" + replyText(act, sc.response ? "" : "OK");
    }
  }
  return st;
}
// Header pairs from either JSON form of the contract: [[name, value], ...]
// or {"Name": "value"}.
export function headerPairs(h) {
  if (Array.isArray(h)) return h.filter(Array.isArray).map((x) => [String(x[0] ?? ""), String(x[1] ?? "")]);
  if (h && typeof h === "object") return Object.entries(h).map(([k, v]) => [k, String(v ?? "")]);
  return [];
}
// One reply as curl -i prints it, the form of the raw replies.
export function replyText(r, reason) {
  let s = "HTTP/1.1 " + r.status + (reason ? " " + reason : "") + "\n";
  headerPairs(r.headers).forEach((h) => { s += h[0] + ": " + h[1] + "\n"; });
  return s;
}

