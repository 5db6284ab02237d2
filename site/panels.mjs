// The panels of the verdict, one renderer each: the browsers table, the
// consoles, the steps, the later fetches, the rules, the lint findings
// and the exchange picture. Each takes the engine's answer (as data) and
// fills its element of index.html; none holds state.
import { browserName, docLink, plain } from "./words.mjs";

const $ = (id) => document.getElementById(id);
export const BROWSERS = [["chrome", "Chrome"], ["firefox", "Firefox"], ["safari", "Safari"]];

// ---------- rendering helpers ----------
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = text;
  return e;
}
export function hostOf(u) {
  try {
    return new URL(u).host;
  } catch (e) {
    return u;
  }
}
export function posText(e) {
  const parts = [];
  if (e.line) parts.push("line " + e.line + (e.column ? ", column " + e.column : ""));
  if (e.path) parts.push(e.path);
  if (e.code) parts.push(e.code);
  return (parts.length ? parts.join(" · ") + ": " : "") + (e.message || "");
}


// camelBreaks writes name into node with a line-break opportunity (wbr)
// before each capital of a CamelCase word: a DevTools reason breaks
// between its words in a narrow column ("WildcardOrigin NotAllowed"),
// not inside one ("WildcardOriginNotAl lowed", tried as a new user would
// at 390 px).
function camelBreaks(node, name) {
  name.split(/(?=[A-Z][a-z])/).forEach((part, i) => {
    if (i > 0) node.appendChild(document.createElement("wbr"));
    node.appendChild(document.createTextNode(part));
  });
  return node;
}

export function renderBrowsers(results) {
  const tbody = $("browsers").tBodies[0];
  tbody.textContent = "";
  const key = (v) => v.error ? "error" : (v.allowed ? "ok" : "blocked:" + v.reason);
  const first = key(results.chrome);
  const differ = BROWSERS.some(([b]) => key(results[b]) !== first);
  for (const [b, name] of BROWSERS) {
    const v = results[b];
    const tr = el("tr");
    tr.dataset.browser = b;
    tr.appendChild(el("th", "nowrap", name)).setAttribute("scope", "row");
    if (v.error) {
      tr.dataset.error = v.error;
      tr.appendChild(el("td", "res err", "engine error"));
      tr.appendChild(el("td", "reason", plain(v.error.split("\n")[0])));
    } else {
      tr.dataset.allowed = String(!!v.allowed);
      tr.dataset.reason = v.reason || "";
      tr.appendChild(el("td", "res nowrap " + (v.allowed ? "ok" : "no"), v.allowed ? "✓ allowed" : "✗ blocked"));
      tr.appendChild(camelBreaks(el("td", "reason"), v.reason || "—"));
    }
    if (differ && key(v) !== first) tr.classList.add("differs");
    tbody.appendChild(tr);
  }
  $("browsers").dataset.differ = String(differ);
  // Blocked everywhere, for different reasons (WebKit checks a
  // preflight's status first), is not a disagreement.
  const verdicts = new Set(BROWSERS.map(([b]) => results[b].error ? "error" : String(!!results[b].allowed)));
  $("browsers").caption.textContent = !differ ? "Each browser" : verdicts.size > 1 ? "Each browser — they disagree (highlighted)" : "Each browser — same result, different reasons (highlighted)";
}

export function renderConsoles(results, all) {
  const box = $("consoles");
  box.textContent = "";
  for (const b of Object.keys(all)) {
    if (b === "spec") continue;
    const v = all[b];
    const d = el("div", "console");
    d.appendChild(el("h4", null, browserName(b)));
    const ol = el("ol", "lines");
    ol.id = "console-" + b;
    if (!v.error) (v.console || []).forEach((l) => ol.appendChild(el("li", null, l)));
    d.appendChild(ol);
    if (!v.error && !(v.console || []).length) d.appendChild(el("p", "hint", "prints nothing about this fetch"));
    box.appendChild(d);
  }
}

export function renderList(target, items, empty, make) {
  target.textContent = "";
  if (!items || !items.length) {
    target.textContent = empty;
    return;
  }
  items.forEach((it, i) => {
    if (i) target.appendChild(document.createTextNode(", "));
    target.appendChild(make(it));
  });
}

export function renderSteps(steps, ol) {
  ol = ol || $("steps");
  ol.textContent = "";
  (steps || []).forEach((s) => {
    const li = el("li", "step " + (s.status || "info"));
    li.dataset.id = s.id || "";
    const head = el("div", "step-head");
    head.appendChild(el("span", "badge", s.status || "info"));
    head.appendChild(el("strong", null, " " + (s.title || s.id || "")));
    li.appendChild(head);
    if (s.detail) li.appendChild(el("p", null, plain(s.detail)));
    if (s.header) li.appendChild(el("code", "hline", s.header));
    if (s.spec) {
      const href = docLink(s.spec);
      const a = el("a", "spec", /fetch\.spec\.whatwg\.org/.test(href) ? "Fetch standard" : "platform documentation");
      a.href = href;
      a.rel = "noopener noreferrer";
      // Each link says which step it documents: a screen reader's list
      // of links read "Fetch standard" nine times (found as a new user
      // would, keyboard only).
      a.setAttribute("aria-label", a.textContent + ": " + (s.title || s.id || ""));
      li.appendChild(a);
    }
    ol.appendChild(li);
  });
  if (!ol.children.length) ol.appendChild(el("li", "hint", "no steps"));
}

// The later fetches of a session (scenario "then"): each its verdict
// and its steps, under the first fetch's.
export function renderLater(st, v) {
  const box = $("later");
  box.textContent = "";
  (v.then || []).forEach((w, i) => {
    const d = el("details", "later");
    d.open = true;
    const t = (st.extra && st.extra.then && st.extra.then[i]) || {};
    const wait = typeof t.after_seconds === "number" ? ", " + t.after_seconds + " s later" : "";
    const from = t.request && t.request.origin ? ", from " + t.request.origin : "";
    d.appendChild(el("summary", null, "Fetch " + (i + 2) + wait + from + ": " + (w.allowed ? "allowed" : "blocked" + (w.reason ? " (" + w.reason + ")" : ""))));
    const ol = el("ol", "steps");
    d.appendChild(ol);
    renderSteps(w.steps, ol);
    box.appendChild(d);
  });
}

export function renderRules(rules, detected) {
  const box = $("rules");
  box.textContent = "";
  if (detected && detected.format) box.appendChild(el("p", "hint", "Read as " + detected.format + (detected.why ? " (" + plain(detected.why) + ")" : "") + "."));
  if (!rules || !rules.length) {
    box.appendChild(el("p", "hint", "No rule trace (no policy, or the server answered before any rule)."));
    return;
  }
  const t = el("table", "rules");
  const hr = el("tr");
  ["#", "Rule", "Where", "Result", "Detail"].forEach((h) => hr.appendChild(el("th", "nowrap", h)).setAttribute("scope", "col"));
  t.appendChild(el("thead")).appendChild(hr);
  const tb = t.appendChild(el("tbody"));
  rules.forEach((r) => {
    const tr = el("tr", r.matched ? "matched" : "");
    tr.appendChild(el("td", null, String(r.index + 1)));
    tr.appendChild(el("td", null, r.id || ""));
    tr.appendChild(el("td", null, r.path || ""));
    tr.appendChild(el("td", null, r.matched ? "matched" : (r.failed ? "failed on " + r.failed : "skipped")));
    tr.appendChild(el("td", null, plain(r.detail || "")));
    tb.appendChild(tr);
  });
  box.appendChild(t);
}


// The verdict's warnings hold engine/lint's findings on the policy and
// the traps of the platform (engine/explain), with their positions.
export function renderLint(st, warnings) {
  const ul = $("lint");
  ul.textContent = "";
  (warnings || []).forEach((w) => {
    const sev = w.severity || "warning";
    const li = el("li", "warn sev-" + sev);
    li.appendChild(el("span", "badge", sev));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("code", null, w.code || ""));
    li.appendChild(document.createTextNode(" " + posText({ line: w.line, column: w.column, path: w.path, message: plain(w.message) })));
    ul.appendChild(li);
  });
  if (!ul.children.length) ul.appendChild(el("li", "hint", "No findings."));
}


// drawTimeline draws msgs as a list of messages between the page and
// the server(s): requests on the left going right, replies on the right
// coming back; on a narrow screen the list is one column. Nothing is
// clipped: long lines wrap.
export function drawTimeline(box, st, msgs, chain) {
  const wrap = el("div", "xchg");
  wrap.setAttribute("role", "group");
  wrap.setAttribute("aria-label", "The exchange between the page and the server");
  wrap.dataset.desc = msgs.map((m) => (m.sep || m.note || m.title) + (m.decided ? " (decided here)" : "")).join("; ");
  const lanes = el("div", "lanes");
  lanes.setAttribute("aria-hidden", "true");
  const lane = (name, sub) => {
    const d = el("div", "lane", name);
    d.appendChild(el("span", "sub", sub));
    return d;
  };
  lanes.appendChild(lane("Page", st.origin));
  lanes.appendChild(lane(chain ? "Servers" : "Server", chain ? "one per URL" : hostOf(st.url)));
  wrap.appendChild(lanes);
  const ol = el("ol", "msgs");
  for (const m of msgs) {
    if (m.sep || m.note) {
      ol.appendChild(el("li", m.sep ? "sep" : "tlnote", m.sep || m.note));
      continue;
    }
    const li = el("li", "msg " + m.dir + (m.skipped ? " skipped" : "") + (m.decided ? " decided" : "") + (m.ok ? " ok" : ""));
    const head = el("p", "title");
    head.appendChild(el("span", "dir", m.dir === "out" ? "Page → " + (chain ? "server" : "Server") + " " : "Server → Page "));
    head.appendChild(document.createTextNode(m.title));
    li.appendChild(head);
    if (m.decided) li.appendChild(el("p", "flag", "✗ Decided here" + (m.why ? ": " + m.why : "")));
    else if (m.ok) li.appendChild(el("p", "flag okflag", "✓ Passes"));
    if (m.lines.length) {
      const ul = el("ul", "hlines");
      for (const l of m.lines) {
        const hl = el("li", l.c || "", (l.mark ? l.mark + " " : "") + l.t);
        if (l.why) hl.appendChild(el("span", "why", " — " + l.why));
        ul.appendChild(hl);
      }
      li.appendChild(ul);
    }
    ol.appendChild(li);
  }
  wrap.appendChild(ol);
  box.appendChild(wrap);
}

