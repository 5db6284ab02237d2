// The exchange picture as data: which requests the browser sent and
// which replies came back, each header line marked with the engine's
// check that read it. Pure: app.js draws it; node --test
// e2e/simulator/node tests it.
import { plain } from "./words.mjs";

// Marks each header line of a reply with the engine's step that read it.
// A step's ID without the redirect hop it belongs to ("hop[1].preflight.status"
// is a preflight check too).
function baseID(s) {
  return (s.id || "").replace(/^hop\[\d+\]\./, "");
}
function stepFor(steps, name, preflight) {
  name = name.toLowerCase();
  for (const s of steps || []) {
    if (!s.header) continue;
    const sn = s.header.split(":")[0].trim().toLowerCase();
    const isPre = baseID(s).startsWith("preflight");
    if (sn === name && isPre === preflight) return s;
  }
  return null;
}

function firstFail(steps) {
  const s = (steps || []).find((x) => x.status === "fail" && !/^server\./.test(baseID(x)));
  return s ? plain(s.detail || s.title || "").replace(/\s*\(at \$[^)]*\)/g, "") : "";
}

// exchange is the picture of verdict v of the form's state st as
// messages between the page and the server(s), in the order sent: each
// {dir: "out" or "in", title, lines: [{t, c, mark, why}], decided, ok,
// skipped, why}, or a separator {sep} or note {note}; chain is set when
// the fetch went to more than one URL or the scenario is a session.
export function exchange(st, v) {
  const steps = v.steps || [];
  const failed = steps.find((s) => s.status === "fail" && !/^server\./.test(baseID(s))) || steps.find((s) => s.status === "fail");
  const why = failed ? plain(failed.detail || failed.title || "").replace(/\s*\(at \$[^)]*\)/g, "") : "";
  const failedPre = failed && baseID(failed).startsWith("preflight");
  const chain = chainMessages(st, v);
  if (chain) return { msgs: chain, chain: true };
  const msgs = [];
  const pf = v.preflight || {};
  if (pf.sent) {
    const lines = [];
    const reqH = (pf.request && pf.request.headers) || [];
    if (reqH.length) reqH.forEach((h) => lines.push({ t: h[0] + ": " + h[1] }));
    else for (const k in pf.headers || {}) lines.push({ t: k + ": " + pf.headers[k] });
    msgs.push({ dir: "out", title: "Preflight: OPTIONS " + st.url, lines: lines });
    if (pf.reply) {
      msgs.push({ dir: "in", title: "Preflight reply: " + pf.reply.status, lines: replyLines(pf.reply, steps, true), decided: failedPre, why: why });
    } else {
      msgs.push({ dir: "in", title: "Preflight reply: none", lines: [], decided: failedPre, why: why });
    }
  }
  const ar = v.actual_request;
  if (v.actual_sent) {
    const lines = ((ar && ar.headers) || []).map((h) => ({ t: h[0] + ": " + h[1] }));
    msgs.push({ dir: "out", title: "Request: " + ((ar && ar.method) || st.method) + " " + st.url, lines: lines });
    if (v.reply) msgs.push({ dir: "in", title: "Reply: " + v.reply.status, lines: replyLines(v.reply, steps, false), decided: !!failed && !failedPre, why: why });
  } else {
    msgs.push({ dir: "out", title: "Request: " + st.method + " " + st.url + " — not sent", lines: [], skipped: true, decided: !!failed && !pf.sent, why: why });
  }
  if (!failed && msgs.length) msgs[msgs.length - 1].ok = true;
  return { msgs: msgs, chain: false };
}

// chainMessages is the picture of a fetch that went to more than one URL
// (redirect hops) or of a session of fetches (scenario "then"), from
// each verdict's requests, in the order sent; null for a single
// exchange, which renderTimeline draws with every header line.
function chainMessages(st, v) {
  const fetches = [v].concat(v.then || []);
  const reqs = v.requests || [];
  const hops = reqs.some((r) => r.url !== (reqs[0] && reqs[0].url));
  if (!hops && fetches.length === 1) return null;
  const msgs = [];
  fetches.forEach((f, i) => {
    if (i > 0) {
      const t = (st.extra && st.extra.then && st.extra.then[i - 1]) || {};
      const wait = typeof t.after_seconds === "number" ? t.after_seconds + " s later" : "later";
      const from = t.request && t.request.origin && t.request.origin !== st.origin ? ", from " + t.request.origin : "";
      msgs.push({ sep: "Fetch " + (i + 1) + ", " + wait + from });
    }
    const rs = f.requests || [];
    if (f.preflight && f.preflight.cached) msgs.push({ note: "Preflight answered by the browser's preflight cache: no OPTIONS sent" });
    // A verdict's reply is its first actual reply: its lines are shown
    // only when the fetch did not leave its URL.
    const oneURL = rs.every((r) => r.url === rs[0].url);
    rs.forEach((r, j) => {
      const lines = [];
      if (r.origin) lines.push({ t: "Origin: " + r.origin });
      if (r.acrm) lines.push({ t: "Access-Control-Request-Method: " + r.acrm });
      if (r.acrh) lines.push({ t: "Access-Control-Request-Headers: " + r.acrh });
      msgs.push({ dir: "out", title: (r.preflight ? "Preflight: OPTIONS " : "Request: " + r.method + " ") + r.url, lines: lines });
      const last = j === rs.length - 1;
      const replyShown = last && oneURL && !r.preflight && f.reply ? replyLines(f.reply, f.steps || [], false) : [];
      msgs.push({ dir: "in", title: (r.status ? "Reply: " + r.status : "No reply") + (r.from_cdn ? " — from the CDN's cache" : ""), lines: replyShown,
        decided: last && !f.allowed, ok: last && f.allowed, why: last && !f.allowed ? firstFail(f.steps) : "" });
    });
    if (!rs.length) msgs.push({ dir: "out", title: "Nothing sent", lines: [], skipped: true, decided: !f.allowed, why: f.allowed ? "" : firstFail(f.steps) });
  });
  return msgs;
}

function replyLines(reply, steps, preflight) {
  return (reply.headers || []).map((h) => {
    const s = stepFor(steps, h[0], preflight);
    const l = { t: h[0] + ": " + h[1] };
    // A passed check's title, unless it is the header's own name, which
    // the line already shows (found as a new user would: "✓
    // Access-Control-Allow-Origin: ... — Access-Control-Allow-Origin").
    if (s && s.status === "pass") Object.assign(l, { c: "pass", mark: "✓", why: (s.title || "").toLowerCase() === h[0].toLowerCase() ? "" : s.title });
    // A failed check's title names the check ("Header authorization
    // allowed"), which beside a ✗ reads as its opposite: its detail
    // says what is wrong ("Access-Control-Allow-Headers must list
    // authorization.").
    else if (s && s.status === "fail") Object.assign(l, { c: "fail", mark: "✗", why: plain(s.detail || s.title).replace(/\s*\(at \$[^)]*\)/g, "") });
    return l;
  });
}


