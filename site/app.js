// The simulator page: it turns the form into a scenario (the JSON contract
// of shared/design.md), asks the engine what each browser does, and draws
// the verdict. It holds no CORS logic of its own: every judgement shown
// comes from the engine.
//
// The engine is two Go programs, each loaded once and kept resident: the
// core (whycors.wasm: the browser model, the explainer and the raw-replies
// reader) loads with the page and gives the first verdict; the full engine
// (whycors-full.wasm: every policy format, lint warnings, fixes, convert)
// is fetched only when the page needs it: a policy to read, a fix for a
// blocked verdict (the page's first scenario comes with its fixes, which
// the build asked of the full engine), the convert panel opened, a HAR
// file or a console line to read; the offline cache keeps it once
// fetched.
//
// This module draws and wires; the pure parts are modules of their own,
// tested with node --test (e2e/simulator/node): words.mjs (the headline,
// the placing of errors, the share link and its redaction, where a rule
// is in the pasted text), state.mjs (form <-> scenario), exchange.mjs (the
// exchange picture as data) and presets.mjs (the presets, as data); the
// panels of the verdict have one renderer each in panels.mjs.
import { LINK_CAP, browserName, closestRule, fieldOf, fragmentOf, readFragment, b64urlEncode, plain, ruleSpan, summaryOf } from "./words.mjs";
import { EXTRA_KEYS, formOf, scenario } from "./state.mjs";
import { REQ_PRESETS, SRV_PRESETS } from "./presets.mjs";
import { exchange } from "./exchange.mjs";
import { BROWSERS, drawTimeline, el, posText, renderBrowsers, renderConsoles, renderLater, renderLint, renderList, renderRules, renderSteps } from "./panels.mjs";

(function () {
  const $ = (id) => document.getElementById(id);
  // The engine's input bounds (engine/limits), as wasm/core reports them;
  // these are the same numbers until it has started.
  let limits = { page_har: 8 << 20, link: 2 << 20, policy_text: 1 << 20 };
  const timings = [];
  globalThis.whycorsTimings = timings; // per explain call, in ms (scripts/bench-site.sh reads it)

  // ---------- the form ----------
  const form = $("form");
  const hdrList = $("headers");
  const hdrTpl = $("hdr-row");

  function addHeaderRow(name, value, focus) {
    const li = hdrTpl.content.firstElementChild.cloneNode(true);
    li.querySelector(".hname").value = name || "";
    li.querySelector(".hvalue").value = value || "";
    hdrList.appendChild(li);
    labelRows();
    if (focus) li.querySelector(".hname").focus();
    return li;
  }
  // Each row's controls get a distinct accessible name.
  function labelRows() {
    hdrList.querySelectorAll(".hdr").forEach((li, i) => {
      const n = i + 1;
      li.querySelector(".hname").setAttribute("aria-label", "Header " + n + " name");
      li.querySelector(".hvalue").setAttribute("aria-label", "Header " + n + " value");
      li.querySelector(".hdel").setAttribute("aria-label", "Remove header " + n);
      li.querySelector(".field-error").id = "hdr-err-" + n;
      li.querySelector(".hname").setAttribute("aria-describedby", "hdr-err-" + n);
      li.querySelector(".hvalue").setAttribute("aria-describedby", "hdr-err-" + n);
    });
  }

  function readState() {
    const headers = [];
    hdrList.querySelectorAll(".hdr").forEach((li) => {
      headers.push([li.querySelector(".hname").value, li.querySelector(".hvalue").value]);
    });
    return {
      browser: $("browser").value,
      origin: $("origin").value,
      url: $("url").value,
      method: $("method").value,
      headers: headers,
      credentials: $("credentials").value,
      mode: $("mode").value,
      body: $("body-type").value,
      unauthorized: $("unauthorized").checked,
      sdk: $("sdk-preset").value,
      source: form.querySelector("input[name=source]:checked").value,
      format: $("format").value,
      policy: $("policy").value,
      raw: $("raw").value,
      extra: extra,
    };
  }

  // extra holds what a shared link's scenario has beyond the form's
  // fields: replies for other URLs (routes), later fetches of the session
  // (then) and a CDN. The form cannot edit them; they stay in the
  // scenario (and in the next link) until the user drops them.
  let extra = null;
  function setExtra(x) {
    extra = x && EXTRA_KEYS.some((k) => x[k] !== undefined && x[k] !== null) ? x : null;
    const note = $("extra-note");
    note.hidden = !extra;
    if (!extra) return;
    const parts = [];
    const n = (k) => (Array.isArray(extra[k]) ? extra[k].length : 0);
    if (n("routes")) parts.push(n("routes") + (n("routes") === 1 ? " reply for another URL (a redirect target)" : " replies for other URLs (redirect targets)"));
    if (n("then")) parts.push(n("then") + (n("then") === 1 ? " later fetch" : " later fetches") + " of the session");
    if (extra.cdn) parts.push("a CDN in front of the server");
    $("extra-text").textContent = "This scenario also has, from the link: " + parts.join(", ") + ". The form does not edit them; they are in the verdict below.";
  }

  function setSelect(el, v) {
    if (v === undefined || v === null) return;
    if (!Array.from(el.options).some((o) => o.value === v)) {
      const o = document.createElement("option");
      o.value = v;
      o.textContent = v + " (not in this build)";
      el.appendChild(o);
    }
    el.value = v;
  }

  function applyRequest(s) {
    if (typeof s.origin === "string") $("origin").value = s.origin;
    if (typeof s.url === "string") $("url").value = s.url;
    if (typeof s.method === "string") $("method").value = s.method;
    if (Array.isArray(s.headers)) {
      hdrList.textContent = "";
      s.headers.slice(0, 100).forEach((h) => {
        if (Array.isArray(h)) addHeaderRow(String(h[0] ?? ""), String(h[1] ?? ""));
      });
    }
    if (s.credentials) setSelect($("credentials"), s.credentials);
    if (s.mode) setSelect($("mode"), s.mode);
    if (typeof s.body === "string") setSelect($("body-type"), s.body);
    if (typeof s.unauthorized === "boolean") $("unauthorized").checked = s.unauthorized;
  }

  function applyState(s) {
    if (!s || typeof s !== "object") return;
    if (s.browser) setSelect($("browser"), s.browser);
    applyRequest(s);
    if (typeof s.policy === "string") $("policy").value = s.policy;
    if (typeof s.raw === "string") $("raw").value = s.raw;
    if (s.format) setSelect($("format"), s.format);
    if (s.source) setSource(s.source);
    setExtra(s.extra);
  }

  function setSource(src) {
    const radio = $("src-" + src);
    if (!radio) return;
    radio.checked = true;
    for (const p of ["policy", "raw", "har"]) $("pane-" + p).hidden = p !== src;
  }

  // ---------- the engines ----------
  // The core runs on the page's thread: its calls are synchronous and
  // take about 2 ms. The full engine runs in a worker of its own
  // (engine-worker.js), so that reading a large policy or searching for a
  // fix never holds up typing: its calls (ask) answer promises.
  let core = null; // globalThis.whycors once the core is running
  let full = null; // the full engine's client once its worker runs
  let asking = 0; // calls to the full engine not yet answered

  function call(api, fn, arg) {
    let out;
    try {
      out = JSON.parse(api[fn](arg));
    } catch (e) {
      out = { error: String(e) };
    }
    return out;
  }

  // The core reads raw replies only; a policy needs the full engine.
  function needsFull(st) {
    return st.source === "policy" && st.policy.trim() !== "";
  }

  // startEngine starts the worker that runs the wasm program at url and
  // resolves to its client, {version, ask(fn, arg)}, where ask answers a
  // promise of the call's parsed JSON (an {error} object on failure, as
  // the core's calls do). progress(bytes) is told how much has arrived.
  const fromHead = new Set(); // the urls whose worker boot.js started
  function startEngine(url, progress) {
    return new Promise((resolve, reject) => {
      // A worker boot.js started from the page's head for url (the full
      // engine's, on a link with a policy to read) is taken, once, with
      // what it said before this listened.
      const started = globalThis.whycorsStarted || {};
      const pre = started[url];
      if (pre) {
        delete started[url];
        fromHead.add(url);
      }
      const w = pre ? pre.worker : new Worker("engine-worker.js");
      const waiting = new Map();
      let next = 1;
      let up = false;
      let stopped = ""; // why the worker stopped, once it has
      const fail = (why) => {
        stopped = why;
        w.terminate();
        for (const f of waiting.values()) f(JSON.stringify({ error: "the engine stopped: " + why }));
        waiting.clear();
        if (!up) reject(new Error(why));
      };
      const client = {
        version: "",
        ask(fn, arg) {
          // A stopped worker answers nothing: say so at once rather
          // than leave the call (and the page's busy state) pending.
          if (stopped) return Promise.resolve({ error: "the engine stopped: " + stopped + "; reload the page" });
          asking++;
          return new Promise((res) => {
            const id = next++;
            waiting.set(id, (out) => {
              asking--;
              try {
                res(JSON.parse(out));
              } catch (e) {
                res({ error: "the engine answered something that is not JSON: " + e });
              }
            });
            w.postMessage({ id: id, fn: fn, arg: arg });
          });
        },
      };
      w.onmessage = (e) => {
        const m = e.data;
        if (typeof m.id === "number") {
          const f = waiting.get(m.id);
          waiting.delete(m.id);
          if (f) f(m.out);
        } else if (typeof m.progress === "number") progress(m.progress);
        else if (typeof m.ready === "string") {
          up = true;
          client.version = m.ready;
          resolve(client);
        } else if (typeof m.failed === "string") fail(m.failed);
      };
      w.onerror = (e) => {
        e.preventDefault();
        fail(e.message || "its worker failed");
      };
      if (pre) for (const e of pre.early) (e.type === "error" ? w.onerror : w.onmessage)(e);
      // A worker boot.js started has this load already, and ignores it.
      w.postMessage({ load: new URL(url, location.href).href });
    });
  }

  // loader returns a function that fetches and starts the engine at url
  // in its worker, once (again after a failure), telling the status line
  // how much has arrived; name says which engine in the status line, and
  // onReady(api) is told when it runs. loading counts the loads under way.
  let loading = 0;
  function loader(url, name, detail, onReady) {
    let started = null;
    return function load() {
      if (started) return started;
      const what = "Loading the " + name + " (" + detail + ")";
      setStatus(what + "…", "loading");
      loading++;
      started = startEngine(url, (got) => setStatus(what + ": " + (got / 1e6).toFixed(1) + " MB…", "loading")).then((api) => {
        loading--;
        onReady(api);
        // Before the core is ready (a link's policy starts the full
        // engine at once, below), whycorsReady says it.
        if (core) setStatus("Engine ready: whycors " + core.version() + " (" + name + " loaded)", "ready");
        if (ready) setTimeout(cacheForOffline, 0);
        return api;
      }, (e) => {
        loading--;
        started = null;
        const why = navigator.onLine === false ? "you are offline" : String(e && e.message ? e.message : e);
        setStatus("The " + name + " failed to load: " + why, "error");
        throw why;
      });
      return started;
    };
  }
  // loadFull fetches and starts the full engine.
  const loadFull = loader("whycors-full.wasm", "full engine", "policy formats, fixes, lint, convert", (api) => { full = api; });
  // loadTerraform fetches and starts the Terraform engine
  // (wasm/terraform: HashiCorp's HCL parser and the plan reader) when the
  // pasted policy is Terraform: it is about 2 MB to download, which no
  // other visit needs. It has the full engine's API.
  let terraform = null;
  const loadTerraform = loader("whycors-terraform.wasm", "Terraform engine", "HashiCorp's HCL parser", (api) => { terraform = api; });

  // Each keystroke asks for the verdict without the fix search
  // ("fixes": false); the fixes come from the full engine after it
  // (scheduleFixes).
  function explainJSON(st, browser) {
    const sc = scenario(st, browser);
    sc.fixes = false;
    return JSON.stringify(sc);
  }
  function timed(t0) {
    timings.push(performance.now() - t0);
    if (timings.length > 1000) timings.splice(0, timings.length - 1000);
  }
  function explainOne(api, st, browser) {
    const t0 = performance.now();
    const raw = api.explain(explainJSON(st, browser));
    timed(t0);
    try {
      return JSON.parse(raw);
    } catch (e) {
      return { error: "the engine answered something that is not JSON: " + e };
    }
  }
  // One call gives the chosen browser's verdict and, in its "browsers"
  // list, the short verdict of the others; a browser missing from that
  // list gets its own call. verdictsCore asks the core; verdictsFull the
  // full engine's worker.
  function gather(detail, browser) {
    const results = {};
    results[browser] = detail;
    for (const r of detail.browsers || []) if (r && !results[r.browser]) results[r.browser] = r;
    return results;
  }
  function verdictsCore(st) {
    const detail = explainOne(core, st, st.browser);
    const results = gather(detail, st.browser);
    if (!detail.error) for (const [b] of BROWSERS) if (!results[b]) results[b] = explainOne(core, st, b);
    return { detail: detail, results: results };
  }
  async function verdictsFull(eng, st) {
    const t0 = performance.now();
    const detail = await eng.ask("explain", explainJSON(st, st.browser));
    timed(t0);
    const results = gather(detail, st.browser);
    if (!detail.error) {
      for (const [b] of BROWSERS) {
        if (results[b]) continue;
        const t1 = performance.now();
        results[b] = await eng.ask("explain", explainJSON(st, b));
        timed(t1);
      }
    }
    return { detail: detail, results: results, engine: eng };
  }

  // ---------- the verdict ----------
  let last = null;

  function render(st, { detail, results, engine, flow }) {
    last = { st: st, detail: detail, engine: engine };

    clearFieldErrors();
    if (detail.error) {
      $("browsers").tBodies[0].textContent = "";
      showInputErrors(st, detail);
      performance.mark("whycors-verdict");
      return;
    }
    setSummary(detail.allowed ? "allowed" : "blocked", summaryOf(detail, st.browser),
      (detail.allowed ? "Allowed in " : "Blocked in ") + browserName(st.browser) + (detail.reason ? (st.browser === "chrome" ? " · DevTools reason: " : " · reason, as Chrome's DevTools names it: ") + detail.reason : ""));
    renderSdk(st, detail, flow);
    $("details").hidden = false;
    markDeciding(st, detail);
    markHeaderThrow(st, detail);

    renderBrowsers(results);
    renderConsoles(results, st.browser === "spec" ? Object.assign({ spec: detail }, results) : results);
    $("exception").textContent = detail.exception ? "The promise rejects with " + detail.exception : "";
    renderTimeline(st, detail);
    renderList($("readable"), detail.readable_headers, "none", (h) => el("code", null, h));
    $("cache").textContent = (detail.preflight && detail.preflight.sent)
      ? (detail.preflight_cache_seconds > 0 ? detail.preflight_cache_seconds + " s in " + browserName(st.browser) : "not cached")
      : "no preflight";
    renderSteps(detail.steps);
    renderLater(st, detail);
    renderRules(detail.rules, detail.detected);
    renderLint(st, detail.warnings);
    performance.mark("whycors-verdict");
  }

  // renderSdk says, under the headline, which response headers the SDK
  // chosen in "Request made by" needs or reads that the reply does not
  // expose (whycors explain --preset's sdk-needs-header and
  // sdk-reads-header warnings, from the core's sdkWarnings).
  let sdkPresets = [];
  function renderSdk(st, detail, flow) {
    const note = $("sdk-note");
    note.textContent = "";
    note.hidden = true;
    delete note.dataset.codes;
    const parts = [];
    const codes = [];
    // The operation's other requests a browser blocks (sdkFlow): the
    // SDK stops at the first, whatever this request's verdict.
    const blocked = (flow || []).filter((f) => !f.allowed);
    if (blocked.length) {
      const p = sdkPresets.find((x) => x.name === st.sdk);
      const op = p ? p.operation.split(" (")[0] : "The SDK";
      parts.push(op + " also sends " + blocked.map((f) => f.label).join(" and ") + ", which " + browserName(st.browser) +
        " blocks, and the operation stops there: " + blocked[0].summary);
      codes.push("sdk-operation");
    }
    if (st.sdk && core && detail.allowed && detail.reply) {
      const lines = [st.sdk, st.credentials].concat((detail.reply.headers || []).map((h) => h[0] + ": " + h[1]));
      const w = call(core, "sdkWarnings", lines.join("\n"));
      if (Array.isArray(w)) {
        for (const x of w) {
          parts.push((x.severity === "error" ? "The fetch passes, but the SDK still fails: " : "") + x.message);
          codes.push(x.code);
        }
      }
    }
    if (!parts.length) return;
    note.textContent = parts.join(" ");
    // Each blocked request can be put in the form, where its own
    // verdict and fixes show (the SDK choice is then none: the form
    // holds that one request).
    for (const f of blocked) {
      const b = el("button", "sdk-check", "Check " + f.call);
      b.type = "button";
      b.addEventListener("click", () => {
        $("sdk-preset").value = "";
        applyRequest({ method: f.method, headers: f.headers });
        update();
      });
      note.append(" ", b);
    }
    note.dataset.codes = codes.join(" ");
    note.hidden = false;
  }
  // sdkFlow explains the other requests of the chosen SDK operation
  // (sdkPresets' others: lib-storage's Upload sends CreateMultipartUpload
  // before its UploadPart requests and CompleteMultipartUpload after)
  // against the same policy, as `whycors explain --preset` does: [{call,
  // label, method, headers, allowed, summary}], [] for an operation of
  // one request.
  async function sdkFlow(eng, st) {
    const p = sdkPresets.find((x) => x.name === st.sdk);
    if (!p || !Array.isArray(p.others) || !p.others.length) return [];
    const out = [];
    for (const o of p.others) {
      const sc = scenario(st, st.browser);
      sc.fixes = false;
      sc.request.method = o.method;
      sc.request.headers = o.headers;
      const d = await eng.ask("explain", JSON.stringify(sc));
      out.push({ call: o.call, label: o.label, method: o.method, headers: o.headers, allowed: !d.error && !!d.allowed, summary: d.error ? String(d.error) : summaryOf(d, st.browser) });
    }
    return out;
  }
  // The SDK a link names is chosen once the core has listed the presets
  // (a link is read before the engine starts).
  let linkSdk = "";
  function setSdk(name) {
    linkSdk = name;
    const sel = $("sdk-preset");
    if (Array.from(sel.options).some((o) => o.value === name)) sel.value = name;
  }
  function fillSdkPresets() {
    const l = call(core, "sdkPresets", "");
    if (!Array.isArray(l)) return;
    sdkPresets = l;
    const sel = $("sdk-preset");
    for (const p of l) sel.appendChild(el("option", null, p.operation)).value = p.name;
    setSdk(linkSdk);
  }

  // setSummary puts the verdict in words in the headline
  // (#verdict-summary) and DevTools' reason, or the state, in the label
  // under it.
  function setSummary(state, text, label) {
    const summary = $("summary");
    summary.dataset.state = state;
    delete summary.dataset.stale;
    $("verdict-summary").textContent = text;
    $("verdict-label").textContent = label || "";
    $("verdict-label").hidden = !label;
  }

  // ---------- errors at their fields ----------
  // Each fault of the engine's error is shown once, at the field or the
  // line of the pasted text it is about, with aria-invalid; the headline
  // says where to look; the other panels are hidden until the input reads.
  const errorFields = [];
  function fieldError(input, errId, message) {
    input.setAttribute("aria-invalid", "true");
    const p = $(errId);
    p.textContent = p.textContent ? p.textContent + " " + message : message;
    p.hidden = false;
    errorFields.push([input, p]);
  }
  function clearFieldErrors() {
    for (const [input, p] of errorFields) {
      input.removeAttribute("aria-invalid");
      p.textContent = "";
      p.hidden = true;
    }
    errorFields.length = 0;
  }
  function showInputErrors(st, detail) {
    const faults = Array.isArray(detail.errors) && detail.errors.length ? detail.errors.slice(0, 50) : [{ message: String(detail.error).split("\n")[0] }];
    const where = [];
    const textId = st.source === "policy" ? "policy" : "raw";
    const lines = [];
    let general = "";
    for (const e of faults) {
      const f = fieldOf(e);
      if (f.field) {
        fieldError($(f.field), f.field + "-err", f.message);
        where.push($(f.field).labels[0].textContent);
      } else if (f.header !== undefined) {
        const li = hdrList.querySelectorAll(".hdr")[f.header];
        if (li) {
          fieldError(li.querySelector(".hname"), li.querySelector(".field-error").id, f.message);
          where.push("header " + (f.header + 1));
        } else general += f.message + " ";
      } else if (f.text) {
        fieldError($(textId), textId + "-err", f.message);
        if (f.line) lines.push(f.line);
        where.push(st.source === "policy" ? "the policy text" + (f.line ? " at line " + f.line : "") : "the replies" + (f.line ? " at line " + f.line : ""));
      } else general += f.message + " ";
    }
    highlight(textId, lines.map((l) => ({ first: l, last: l })), "bad");
    const uniq = [...new Set(where)];
    setSummary("error", general ? general.trim() : "The input has " + (faults.length === 1 ? "a problem" : faults.length + " problems") + ", marked at " + uniq.join(", ") + ".",
      "No verdict until the input reads");
    $("details").hidden = true;
  }

  // markHeaderThrow puts the browser's error at the header value fetch()
  // refuses (a line break or NUL in it: the engine's verdict is that the
  // fetch rejects before anything is sent, reason InvalidHeaderValue).
  function markHeaderThrow(st, v) {
    if (v.reason !== "InvalidHeaderValue" || !v.exception) return;
    const rows = hdrList.querySelectorAll(".hdr");
    st.headers.forEach((h, i) => {
      if (!/[\r\n\0]/.test(h[1]) || !rows[i]) return;
      const li = rows[i];
      fieldError(li.querySelector(".hvalue"), li.querySelector(".field-error").id,
        "fetch() rejects before sending anything: " + v.exception + " A header value may not hold a line break (CR or LF) or NUL.");
    });
  }

  // ---------- the deciding rule in the pasted text ----------
  // markDeciding highlights, in the pasted policy, the rule that decided
  // (rules[].path) or the line the verdict's decided_by names; in raw
  // replies, the header line the failing check read.
  function markDeciding(st, v) {
    const id = st.source === "policy" ? "policy" : "raw";
    const other = id === "policy" ? "raw" : "policy";
    highlight(other, [], "");
    const text = $(id).value;
    let span = null;
    let note = "";
    if (id === "policy") {
      const r = closestRule(v.rules);
      if (v.decided_by && v.decided_by.line && !v.decided_by.file) {
        span = { first: v.decided_by.line, last: v.decided_by.line };
        note = "Marked: line " + v.decided_by.line + ", where the " + (v.decided_by.layer || "server").replace(/-/g, " ") + " decided.";
      } else if (r) {
        span = ruleSpan(text, r);
        if (span) note = "Marked: rule " + (r.index + 1) + (span.first === span.last ? ", line " + span.first : ", lines " + span.first + "–" + span.last) + (r.matched ? ", the rule that answered." : ", the rule that comes closest.");
      }
    } else if (!v.allowed) {
      const f = (v.steps || []).find((s) => s.status === "fail" && s.header);
      const want = f ? f.header.split("\n")[0].trim().toLowerCase() : "";
      if (want) {
        const at = text.split("\n").findIndex((l) => l.trim().toLowerCase() === want);
        if (at >= 0) {
          span = { first: at + 1, last: at + 1 };
          note = "Marked: line " + (at + 1) + ", the header line the browser refuses.";
        }
      }
    }
    highlight(id, span ? [span] : [], "decided");
    $(id + "-mark").textContent = note;
    $(id + "-mark").hidden = !note;
  }
  // highlight draws marks behind the textarea id's lines (a backdrop with
  // the same text, transparent, under a transparent textarea).
  function highlight(id, spans, cls) {
    const back = $(id + "-back");
    back.textContent = "";
    back.dataset.lines = "";
    if (!spans.length) return;
    const text = $(id).value;
    if (text.length > BIG_TEXT) {
      // A long text is not drawn again behind the field on each verdict
      // (its layout alone costs a keystroke's budget): the note under
      // the field names the line instead.
      back.dataset.lines = spans.map((sp) => sp.first).join(",");
      return;
    }
    const lines = text.split("\n");
    const marked = new Set();
    for (const sp of spans) for (let l = sp.first; l <= sp.last && l <= lines.length; l++) marked.add(l);
    let plainRun = "";
    lines.forEach((line, i) => {
      const text = line + (i < lines.length - 1 ? "\n" : "");
      if (marked.has(i + 1)) {
        if (plainRun) back.appendChild(document.createTextNode(plainRun));
        plainRun = "";
        back.appendChild(el("mark", cls, text || " "));
      } else plainRun += text;
    });
    if (plainRun) back.appendChild(document.createTextNode(plainRun));
    back.dataset.lines = [...marked].sort((a, b) => a - b).join(",");
    syncScroll(id);
  }
  function syncScroll(id) {
    const back = $(id + "-back");
    back.scrollTop = $(id).scrollTop;
    back.scrollLeft = $(id).scrollLeft;
  }
  for (const id of ["policy", "raw"]) $(id).addEventListener("scroll", () => syncScroll(id));

  // ---------- fixes, from the full engine, as soon as the verdict ----------
  // The fix search starts right after the verdict is drawn (the next
  // task, so the verdict paints first); while typing, when the last
  // search took longer than FIX_SLOW, it waits for a short pause so that
  // keystrokes are not held up by it.
  const FIX_PAUSE = 150; // ms after the last keystroke
  const FIX_SLOW = 50; // ms
  let lastFixMs = 0;
  let fixTimer = 0;
  let fixKey = ""; // the scenario the fixes on screen are for
  let fixing = false;
  let lastInput = -1e9;

  function fixHint(text) {
    const box = $("fixes");
    if (box.childElementCount === 1 && box.firstChild.textContent === text) return;
    box.textContent = "";
    if (text) box.appendChild(el("p", "hint", text));
  }

  // fixKeyOf is the scenario a verdict's fix search is for, as its JSON;
  // stillFor says whether the verdict on screen is still at, or one for
  // the same scenario (the JSON of a long policy is built only then).
  function fixKeyOf(v) {
    return v ? JSON.stringify(scenario(v.st, v.st.browser)) : "";
  }
  function stillFor(at, key) {
    return last === at || fixKeyOf(last) === key;
  }

  function scheduleFixes() {
    clearTimeout(fixTimer);
    fixTimer = 0;
    if (!last || last.detail.error) {
      fixKey = "";
      fixHint("");
      return;
    }
    // Every fetch of the session passes (a later one may not: a CDN's
    // stored reply, a cached preflight).
    if (last.detail.allowed && !(last.detail.then || []).some((w) => !w.allowed)) {
      fixKey = "";
      fixHint("Nothing to fix: every browser check passes.");
      return;
    }
    const at = last;
    const key = fixKeyOf(at);
    if (key === fixKey) return;
    fixHint(full ? "Looking for a fix…" : "Loading the full engine, which searches for fixes…");
    // A search still running for an older input starts the next one when
    // it ends (the worker answers one call at a time).
    if (fixing) return;
    const typing = performance.now() - lastInput < 400 && lastFixMs > FIX_SLOW;
    fixTimer = setTimeout(() => {
      fixTimer = 0;
      fixing = true;
      (last.engine ? Promise.resolve(last.engine) : loadFull()).then((api) => {
        if (!stillFor(at, key)) { // typed on
          fixing = false;
          scheduleFixes();
          return;
        }
        const t0 = performance.now();
        return api.ask("fixes", key).then((out) => {
          fixing = false;
          lastFixMs = performance.now() - t0;
          globalThis.whycorsFixTimings.push(lastFixMs);
          if (!stillFor(at, key)) { // typed on while it searched
            scheduleFixes();
            return;
          }
          fixKey = key;
          if (out.error) fixHint("No fix: " + plain(out.error.split("\n")[0]));
          else renderFixes(out);
          performance.mark("whycors-fix");
        });
      }, (e) => {
        fixing = false;
        fixHint("No fix: the full engine, which searches for fixes, did not load (" + e + ").");
      });
    }, typing ? FIX_PAUSE : 0);
  }
  globalThis.whycorsFixTimings = [];

  function renderFixes(fixes) {
    const box = $("fixes");
    box.textContent = "";
    if (!fixes || !fixes.length) {
      box.appendChild(el("p", "hint", "No fix proposed."));
      return;
    }
    fixes.forEach((f, i) => {
      const d = el("div", "fix");
      d.appendChild(el("p", null, (f.where === "client" ? "In the page: " : "On the server: ") + plain(f.summary || "")));
      const body = f.diff || f.text || "";
      if (body) {
        const pre = el("pre", "diff");
        pre.id = "fix-" + i;
        // It scrolls sideways: reachable by keyboard, with a name.
        pre.tabIndex = 0;
        pre.setAttribute("aria-label", "Fix " + (i + 1) + (f.diff ? ", the diff" : ", the text"));
        body.split("\n").forEach((line) => {
          const c = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : "";
          pre.appendChild(el("span", c, line + "\n"));
        });
        d.appendChild(pre);
        const copy = el("button", null, "Copy " + (f.diff ? "the diff" : "the text"));
        copy.type = "button";
        copy.addEventListener("click", () => copyText(body, copy));
        d.appendChild(copy);
      }
      if (f.text && f.where !== "client") {
        // A fix of the replies ("headers", what the search gives a
        // format it cannot edit, nginx's or a hosting file's) is raw
        // replies: it goes to that pane, and the policy stays in its own.
        // Tried as a new user would, it replaced the pasted policy and
        // left a text no format reads.
        const replies = f.format === "headers" && last.st.source === "policy";
        const use = el("button", null, replies ? "Try these replies" : "Use this fix");
        use.type = "button";
        use.addEventListener("click", () => {
          if (last.st.source === "policy" && !replies) $("policy").value = f.text;
          else {
            $("raw").value = f.text;
            setSource("raw");
          }
          update();
        });
        d.appendChild(use);
        if (replies) d.appendChild(el("p", "hint", "The page cannot write this change in your configuration's own syntax: these are the replies it must give. “Try these replies” checks them under “Raw replies”; your configuration stays under “A policy or config”."));
      }
      box.appendChild(d);
    });
  }

  // ---------- the exchange picture ----------
  function renderTimeline(st, v) {
    const box = $("timeline");
    box.textContent = "";
    const x = exchange(st, v);
    drawTimeline(box, st, x.msgs, x.chain);
  }

  // ---------- share link ----------
  // The fragment is "#s=" and the base64url (no padding) of the scenario
  // the page explains (shared/design.md), so a shared link replays with
  // `whycors explain` once decoded. Credentials and presigned signatures
  // are replaced unless "Include secrets" is ticked (words.mjs redact); a
  // scenario above 32 KB is offered as a file instead. Links made before
  // held the form's own fields (readState's shape, with no "request");
  // they still open.
  let bigScenario = "";
  function saveFragment(st) {
    // A text longer than a link can carry is not encoded on every
    // keystroke: the file is written when asked for.
    if ((st.source === "policy" ? st.policy : st.raw).length > LINK_CAP) {
      bigScenario = null;
      $("share-big").hidden = false;
      $("copy-share").disabled = true;
      history.replaceState(null, "", location.pathname + location.search);
      $("share").value = "";
      $("share").placeholder = "Too large for a link: download the file below";
      return;
    }
    const f = fragmentOf(scenario(st, st.browser), $("share-secrets").checked, st.sdk);
    const note = $("share-note");
    note.dataset.redacted = String(f.redacted.length);
    note.firstChild.textContent = f.redacted.length
      ? "This link hides " + f.redacted.length + (f.redacted.length === 1 ? " value" : " values") + " (" + [...new Set(f.redacted)].join(", ") + "): "
      : "";
    const tooLong = f.tooLong || location.href.length - location.hash.length + f.fragment.length > limits.link;
    $("share-big").hidden = !tooLong;
    $("copy-share").disabled = tooLong;
    if (tooLong) {
      bigScenario = f.json;
      history.replaceState(null, "", location.pathname + location.search);
      $("share").value = "";
      $("share").placeholder = "Too large for a link: download the file below";
      return;
    }
    bigScenario = "";
    history.replaceState(null, "", f.fragment);
    $("share").value = location.href;
  }
  $("share-secrets").addEventListener("change", () => {
    if (ready) saveFragment(readState());
  });
  $("share-download").addEventListener("click", () => {
    const a = el("a");
    if (bigScenario === null) bigScenario = fragmentOf(scenario(readState(), $("browser").value), $("share-secrets").checked).json;
    a.href = URL.createObjectURL(new Blob([bigScenario], { type: "application/json" }));
    a.download = "whycors-scenario.json";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  function loadFragment() {
    let v;
    try {
      const f = readFragment(location.hash);
      if (!f) return false;
      setSdk(f.sdk);
      v = JSON.parse(f.json);
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not a JSON object");
    } catch (e) {
      linkNote("The link's state could not be read (" + e.message + "); showing the defaults.");
      return false;
    }
    if (v.request && typeof v.request === "object") {
      applyScenario(v);
    } else {
      applyState(v);
      linkNote("");
    }
    return true;
  }
  // applyScenario puts a scenario of shared/design.md in the form,
  // saying what the form cannot hold.
  function applyScenario(v) {
    const lost = [];
    applyState(formOf(v, lost));
    linkNote(lost.length ? "The scenario has " + lost.join(", ") + ", which this form cannot hold; the verdict is for the form as shown." : "");
  }
  // openScenario makes a scenario the page's (a HAR pick) and explains it.
  function openScenario(v) {
    applyScenario(v);
    update();
    $("verdict").focus();
  }
  function linkNote(text) {
    $("link-note").textContent = text;
    $("link-note").hidden = !text;
  }

  function copyText(text, button) {
    const done = (ok) => {
      const was = button.textContent;
      button.textContent = ok ? "Copied" : "Copy failed: select and copy by hand";
      setTimeout(() => { button.textContent = was; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(() => done(true), () => done(false));
    else done(false);
  }

  // ---------- format detection ----------
  // detect asks the full engine which formats claim the pasted policy,
  // when the format is "auto" (else null).
  function detect(st) {
    if (st.format !== "auto") return Promise.resolve(null);
    return full.ask("detect", st.policy);
  }
  function showDetection(st, d) {
    const p = $("detected");
    if (st.source !== "policy" || st.format !== "auto" || !st.policy.trim() || !d) {
      p.textContent = st.source === "policy" && st.format !== "auto" ? "Read as " + st.format + "." : "";
      return;
    }
    if (!Array.isArray(d) || !d.length) p.textContent = "Could not tell the format: choose one above.";
    else if (d.length === 1) p.textContent = "Detected: " + d[0].format + " — " + plain(d[0].why) + ".";
    else p.textContent = "Ambiguous: " + d.map((x) => x.format).join(", ") + ". Choose one above.";
  }

  // ---------- formats the page leaves to the command line ----------
  // leftOut asks the full engine whether the policy is in a format the
  // page leaves out (internal/pageformats.Left: Terraform), chosen by
  // name or, when no format the page reads claims the text, recognised
  // in it; it answers {format, why} or null.
  async function leftOut(st, detected) {
    let text = "";
    if (st.format === "auto") {
      if (!Array.isArray(detected) || detected.length) return null;
      text = st.policy;
    }
    const l = await full.ask("left", JSON.stringify({ text: text, format: st.format }));
    return Array.isArray(l) && l.length ? l[0] : null;
  }
  // showLeft says, in the headline and at the policy, that the format is
  // read by the command line, and why the page does not read it.
  function showLeft(st, l) {
    last = null;
    clearFieldErrors();
    highlight("policy", [], "");
    $("policy-mark").hidden = true;
    const what = l.format === "terraform-plan" ? "a Terraform plan" : "Terraform";
    if (st.format === "auto") $("detected").textContent = "Detected: " + what + ", which this page does not read.";
    fieldError($("policy"), "policy-err", "This is " + what + ". " + sentenceOf(plain(l.why)));
    setSummary("error", "This page does not read " + what + ". " + sentenceOf(plain(l.why)), "Read by the command line");
    $("details").hidden = true;
  }
  function sentenceOf(t) {
    return /[.!?]$/.test(t) ? t : t + ".";
  }

  // ---------- wiring ----------
  let ready = false;
  let pending = false;
  let fullTimer = 0;
  // update, timed: the main thread's work for one input
  // (globalThis.whycorsUpdateTimings; scripts/bench-site.sh reads it).
  const updateTimings = [];
  globalThis.whycorsUpdateTimings = updateTimings;
  function update() {
    const t0 = performance.now();
    updateNow();
    if (ready) {
      updateTimings.push(performance.now() - t0);
      if (updateTimings.length > 1000) updateTimings.splice(0, updateTimings.length - 1000);
    }
  }
  // inputs counts the states update has read: a policy reading started
  // for one of them draws only if no newer state came after it (a newer
  // one read by the core draws at once, and a slow reading that returned
  // later drew over it).
  let inputs = 0;
  // builtShown: the verdict on screen is the build's for the page's first
  // scenario (drawn below, before the engine is ready).
  let builtShown = false;
  function updateNow() {
    if (!ready) {
      if (builtShown) $("summary").dataset.stale = "true";
      return;
    }
    inputs++;
    const st = readState();
    // The paste budget (engine/limits), checked before anything else is
    // done with the text: no link, no engine call.
    const big = tooBig(st);
    if (big) {
      showTooBig(st, big);
      performance.mark("whycors-verdict");
      return;
    }
    saveFragment(st);
    // A policy waits for the full engine; the verdict on screen stays
    // (the core's, for the input before) and says so.
    if (st.source === "policy" && st.policy.trim() === "") {
      // No policy, no verdict: the page asks for one.
      last = null;
      clearFieldErrors();
      highlight("policy", [], "");
      $("policy-mark").hidden = true;
      setSummary("empty", "Paste your server's CORS policy or configuration in “Policy text” to see what each browser does.", "");
      $("details").hidden = true;
      scheduleFixes();
      performance.mark("whycors-verdict");
      return;
    }
    if (needsFull(st) && !full) {
      // The result of the input before stays on screen, marked as stale,
      // while the full engine loads; its failure is said in its place.
      const summary = $("summary");
      if (summary.dataset.state !== "none") summary.dataset.stale = "true";
      else $("verdict-summary").textContent = "Loading the full engine to read this policy…";
      // Start the load once input pauses, so that keys typed into a list
      // (type-ahead) are not held up by the full engine's start.
      clearTimeout(fullTimer);
      fullTimer = setTimeout(() => {
        fullTimer = 0;
        loadFull().then(schedule, (why) => {
          last = null;
          setSummary("error", "No verdict: the full engine, which reads policies, did not load (" + why + "). Reload the page once you are online, or paste raw replies instead.", "The engine did not load");
          $("details").hidden = true;
        });
      }, 150);
      return;
    }
    if (needsFull(st)) {
      readPolicy(st);
      return;
    }
    delete $("summary").dataset.stale;
    showDetection(st, null);
    try {
      const v = verdictsCore(st);
      performance.mark("whycors-explained");
      render(st, v);
    } catch (e) {
      setSummary("error", "The page failed to show the verdict: " + e.message, "");
    }
    scheduleFixes();
  }

  // readPolicy has the full engine read the pasted policy and explain the
  // fetch, in its worker, one reading at a time: input typed while one
  // runs is read once it ends (the latest state only), and the verdict
  // on screen meanwhile is marked as being for the text before.
  let reading = false;
  let readAgain = false;
  function readPolicy(st) {
    if (reading) {
      readAgain = true;
      if ($("summary").dataset.state !== "none") $("summary").dataset.stale = "true";
      return;
    }
    reading = true;
    const input = inputs;
    readPolicyNow(st, input).catch((e) => {
      if (input === inputs) setSummary("error", "The page failed to show the verdict: " + (e && e.message ? e.message : e), "");
    }).finally(() => {
      reading = false;
      if (readAgain) {
        readAgain = false;
        schedule();
      }
    });
  }
  async function readPolicyNow(st, input) {
    let detected = await detect(st);
    let gone = await leftOut(st, detected);
    let eng = full;
    if (gone) {
      // Terraform: read by the Terraform engine, fetched now; if it does
      // not load, the page says where Terraform is read instead.
      try {
        eng = await loadTerraform();
        if (st.format === "auto") detected = await eng.ask("detect", st.policy);
        gone = null;
      } catch (e) {
        gone.why += " The page's Terraform engine did not load (" + e + ").";
      }
    }
    const v = gone ? null : await verdictsFull(eng, st);
    if (v && !v.detail.error) v.flow = await sdkFlow(eng, st);
    if (readAgain || input !== inputs) return; // typed on: the next reading or the core has drawn
    delete $("summary").dataset.stale;
    showDetection(st, detected);
    if (gone) {
      showLeft(st, gone);
      performance.mark("whycors-verdict");
    } else render(st, v);
    scheduleFixes();
  }
  // tooBig returns the size in bytes of the pasted text when it is over
  // the page's budget (limits.policy_text, 1 MiB), else 0.
  function tooBig(st) {
    const text = st.source === "policy" ? st.policy : st.raw;
    const max = limits.policy_text || (1 << 20);
    if (text.length <= max / 3) return 0; // at most 3 bytes a UTF-16 unit
    const n = text.length > max ? text.length : new TextEncoder().encode(text).length;
    return n > max ? n : 0;
  }
  function showTooBig(st, bytes) {
    last = null;
    clearFieldErrors();
    const id = st.source === "policy" ? "policy" : "raw";
    highlight(id, [], "");
    $(id + "-mark").hidden = true;
    const max = limits.policy_text || (1 << 20);
    const msg = "This text is " + (bytes / (1 << 20)).toFixed(1) + " MiB; the page reads up to " + (max >> 20) + " MiB (" + max.toLocaleString("en-US") +
      " bytes). Paste the part with the CORS rules.";
    fieldError($(id), id + "-err", msg);
    setSummary("error", msg, "Nothing was read");
    $("details").hidden = true;
    scheduleFixes();
  }

  // For tests and the benchmark: whether an explanation, the full
  // engine's load or a fix search is still to come.
  globalThis.whycorsFullLoaded = () => !!full;
  // For the tests: whether the full engine's worker is the one boot.js
  // started from the page's head (TestLinkStartsFullEngineInHead).
  globalThis.whycorsFullFromHead = () => fromHead.has("whycors-full.wasm");
  // whycorsListed: the format and SDK lists are filled (a moment after
  // the first verdict, whycorsReady).
  let listed = false;
  globalThis.whycorsListed = () => listed;
  globalThis.whycorsBusy = () => pending || reading || asking > 0 || bigTimer !== 0 || fullTimer !== 0 || loading > 0 || fixTimer !== 0 || fixing;
  // Coalesce bursts of input into one explanation per frame.
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update();
    });
  }

  // A long pasted text (over BIG_TEXT) is read once typing pauses
  // (BIG_PAUSE), so that each keystroke costs the main thread little; the
  // verdict on screen says it is for the text before.
  const BIG_TEXT = 64 << 10;
  const BIG_PAUSE = 300; // ms
  let bigTimer = 0;
  form.addEventListener("input", (e) => {
    lastInput = performance.now();
    const t = e.target;
    if (t.classList && t.classList.contains("hvalue")) t.rows = Math.min(4, t.value.split(/\r\n|\r|\n/).length);
    clearTimeout(bigTimer);
    bigTimer = 0;
    if ((t.id === "policy" || t.id === "raw") && t.value.length > BIG_TEXT) {
      if ($("summary").dataset.state !== "none") $("summary").dataset.stale = "true";
      bigTimer = setTimeout(() => {
        bigTimer = 0;
        schedule();
      }, BIG_PAUSE);
      return;
    }
    schedule();
  });
  form.addEventListener("change", (e) => {
    if (e.target.name === "source") setSource(e.target.value);
    if (e.target.id === "browser") listHar();
    schedule();
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  $("add-header").addEventListener("click", () => {
    addHeaderRow("", "", true);
    schedule();
  });
  hdrList.addEventListener("click", (e) => {
    const b = e.target.closest(".hdel");
    if (!b) return;
    const li = b.closest(".hdr");
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    labelRows();
    (next ? next.querySelector(".hdel") : $("add-header")).focus();
    schedule();
  });
  $("req-preset").addEventListener("change", (e) => {
    const p = REQ_PRESETS[e.target.value];
    if (p) applyRequest(p);
  });
  // An SDK's request: its method and headers replace the form's, and a
  // GET or HEAD sends no body (the form's would make fetch() throw).
  $("sdk-preset").addEventListener("change", (e) => {
    const p = sdkPresets.find((x) => x.name === e.target.value);
    if (p) applyRequest({ method: p.method, headers: p.headers, ...(p.method === "GET" || p.method === "HEAD" ? { body: "" } : {}) });
  });
  let formatOfPreset = false;
  $("srv-preset").addEventListener("change", (e) => {
    const p = SRV_PRESETS[e.target.value];
    if (!p) return;
    const names = ready ? call(core, "formats", "") : [];
    const known = Array.isArray(names) && (p.format === "auto" || names.includes(p.format));
    if (p.text !== undefined && known) {
      $("policy").value = p.text;
      setSelect($("format"), p.format);
      formatOfPreset = p.format !== "auto";
      setSource("policy");
    } else {
      $("raw").value = p.raw || "";
      setSource("raw");
      if (p.format) $("detected").textContent = "";
    }
  });
  // A preset names its format; text pasted over it is the user's own,
  // whatever its format, so it is detected again (found as a new user
  // would: an S3 preset, then a pasted nginx file, "Read as s3-json").
  // A format the user chose stays (formatOfPreset, set by srv-preset).
  $("format").addEventListener("change", () => { formatOfPreset = false; });
  $("policy").addEventListener("paste", () => {
    if (!formatOfPreset) return;
    formatOfPreset = false;
    setSelect($("format"), "auto");
  });
  $("copy-share").addEventListener("click", (e) => copyText($("share").value, e.target));
  $("extra-drop").addEventListener("click", () => { setExtra(null); update(); });
  // Convert (engine/convert) writes the policy in another platform's
  // format and lists every difference in meaning it could not avoid.
  // The convert panel needs the full engine: opening it loads it.
  $("convert-box").addEventListener("toggle", () => {
    if ($("convert-box").open) loadFull().then(fillTargets, () => {});
  });
  let targetsFilled = false;
  function fillTargets(api) {
    if (targetsFilled) return;
    targetsFilled = true;
    return Promise.all([api.ask("targets", ""), api.ask("targetTitles", "")]).then(([targets, titles]) => {
      if (Array.isArray(targets)) targets.forEach((n, i) => { $("convert-to").appendChild(el("option", null, (Array.isArray(titles) && titles[i]) || n)).value = n; });
    });
  }
  $("convert").addEventListener("click", () => {
    if (!ready) return;
    if (!full) {
      loadFull().then((api) => fillTargets(api)).then(() => $("convert").click(), () => {});
      return;
    }
    const st = readState();
    const eng = last && last.engine && last.st.policy === st.policy ? last.engine : full;
    eng.ask("convert", JSON.stringify({ text: st.policy, from: st.format, to: $("convert-to").value })).then(showConverted);
  });
  function showConverted(r) {
    const out = $("convert-out");
    const notes = $("convert-notes");
    notes.textContent = "";
    out.hidden = false;
    if (r.error) {
      out.textContent = "Cannot convert: " + plain(r.error);
      $("convert-copy").hidden = true;
      (r.errors || []).slice(0, 50).forEach((e) => notes.appendChild(el("li", null, posText(e))));
      return;
    }
    out.textContent = r.text;
    $("convert-copy").hidden = false;
    (r.notes || []).forEach((n) => {
      const li = el("li", "warn sev-" + (n.effect === "wider" ? "error" : "warning"));
      li.appendChild(el("span", "badge", n.effect || "note"));
      li.appendChild(document.createTextNode(" " + plain(n.message)));
      notes.appendChild(li);
    });
  }
  $("convert-copy").addEventListener("click", (e) => copyText($("convert-out").textContent, e.target));

  // HAR import: the full engine reads the file, pairs each cross-origin
  // fetch with its preflight and explains it with the replies the file
  // holds (engine/formats/har/explainhar, whycorsFull.explainHar: what
  // `whycors explain FILE.har` prints), the blocked ones first. The page
  // lists them as the engine ordered them and pairs nothing itself; a
  // pick opens the engine's scenario of that fetch, as a share link is.
  let harText = "";
  function loadHar(file) {
    if (!file) return;
    setSource("har");
    $("src-har").checked = true;
    $("har-list").textContent = "";
    if (file.size > limits.page_har) {
      harText = "";
      setHarNote("The file is larger than " + (limits.page_har >> 20) + " MB; export fewer requests.");
      return;
    }
    setHarNote("Reading the file…");
    file.text().then((text) => {
      harText = text;
      listHar();
    });
  }
  function listHar() {
    if (!harText) return;
    const browser = $("browser").value;
    loadFull().then((api) => api.ask("explainHar", JSON.stringify({ text: harText, browser: browser }))).then((r) => {
      const list = $("har-list");
      list.textContent = "";
      if (r.error) {
        // A fault of one entry (log.entries[N]: a fetch no page could
        // make, or one whose origin the file does not show) is said as
        // the engine words it; any other, the file is not one it reads.
        const msg = plain(String(r.error).split("\n")[0]);
        setHarNote(/^log\.entries\[/.test(msg) ? msg : "Not a HAR file the engine reads: " + msg);
        return;
      }
      const xs = r.exchanges.slice(0, 2000);
      const blocked = xs.filter((x) => !x.verdict.allowed).length;
      // Fetches that failed with no origin the file shows (Chrome's
      // provisional headers under referrer policy no-referrer) are named,
      // not explained (explainhar.Unattributed).
      const unknown = (r.unattributed || []).slice(0, 20).map((u) =>
        "log.entries[" + u.entry + "]: " + u.method + " " + u.url + (u.error ? " failed (" + u.error + ")" : " failed")).join("; ");
      const unsaid = unknown ? " Not explained, the file showing no Origin, preflight or cross-origin Referer for them: " + plain(unknown) + "." : "";
      setHarNote((xs.length
        ? xs.length + (xs.length === 1 ? " cross-origin fetch" : " cross-origin fetches") + " in this file, " + blocked + " blocked in " + browserName(browser) + ". Pick one to see it in detail:"
        : "No cross-origin fetches in this file.") + unsaid);
      xs.forEach((x, i) => {
        const v = x.verdict;
        const rq = r.scenarios[i].request;
        const li = el("li", v.allowed ? "allowed" : "blocked");
        const b = el("button");
        b.type = "button";
        b.dataset.entry = String(x.entry);
        b.dataset.allowed = String(!!v.allowed);
        b.dataset.reason = v.reason || "";
        b.dataset.summary = v.summary || "";
        b.appendChild(el("span", "badge", v.allowed ? "allowed" : "blocked"));
        b.appendChild(document.createTextNode((rq.method || "GET") + " " + rq.url));
        b.appendChild(el("span", "why", plain(v.summary || v.reason || "")));
        b.addEventListener("click", () => openScenario(r.scenarios[i]));
        li.appendChild(b);
        list.appendChild(li);
      });
    }, () => setHarNote("The full engine, which reads HAR files, did not load."));
  }
  function setHarNote(t) {
    $("har-status").textContent = t;
  }
  $("har-file").addEventListener("change", (e) => loadHar(e.target.files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) loadHar(e.dataTransfer.files[0]);
  });
  window.addEventListener("hashchange", () => {
    if (loadFragment()) update();
  });

  // ---------- start from the console line ----------
  // The full engine reads the pasted line (engine/consoleline) and lists
  // the few configurations that print it; picking one loads its scenario
  // as a share link does (#s=), so the form, the verdict and the fix
  // follow from it.
  $("console-read").addEventListener("click", () => {
    const out = $("console-result"), list = $("console-candidates"), box = $("console-line");
    list.textContent = "";
    out.textContent = "Reading the line…";
    loadFull().then((api) => api.ask("readConsole", box.value)).then((r) => {
      if (r.error) {
        box.setAttribute("aria-invalid", "true");
        out.textContent = plain(r.error);
        return;
      }
      box.removeAttribute("aria-invalid");
      const n = r.candidates.length;
      out.textContent = browserName(r.line.browser) + " reports " + (r.line.reason || "a blocked fetch") + ". " +
        (n === 1 ? "One configuration prints this line:" : n + " configurations print this line; pick yours:");
      for (const c of r.candidates) {
        const li = el("li");
        const b = el("button", "", c.desc);
        b.type = "button";
        b.addEventListener("click", () => { location.hash = "#s=" + b64urlEncode(JSON.stringify(c.scenario)); });
        li.appendChild(b);
        list.appendChild(li);
      }
    }, (why) => { out.textContent = "The full engine did not load: " + why; });
  });

  // ---------- offline ----------
  // cacheForOffline registers the service worker (sw.js) and puts the
  // page's files into its cache, dropping the files of older versions:
  // after the first verdict the page and the core engine
  // (globalThis.whycorsOffline then says "ready", or why not), and the
  // full engine once the page has fetched it for a need of its own (a
  // policy format, a fix, a HAR file, a console line, convert), never
  // before: on a phone its 2 MB are not spent on a visit that does not
  // use it (globalThis.whycorsOfflineFull then says "ready").
  const OFFLINE_CACHE = "whycors-offline";
  globalThis.whycorsOffline = "pending";
  globalThis.whycorsOfflineFull = "pending";
  let offlineRun = Promise.resolve();
  function cacheForOffline() {
    if (!("serviceWorker" in navigator) || !globalThis.caches) {
      globalThis.whycorsOffline = "unsupported";
      globalThis.whycorsOfflineFull = "unsupported";
      return;
    }
    const withFull = !!full;
    const page = new URL(".", location.href).href;
    const fullURL = new URL("whycors-full.wasm", location.href).href;
    const workerURL = new URL("engine-worker.js", location.href).href;
    // The core engine is fetched by a script, not named in the head.
    const urls = [page, new URL("whycors.wasm", location.href).href];
    document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=modulepreload]").forEach((e) => urls.push(e.src || e.href));
    if (withFull) urls.push(fullURL, workerURL);
    const tfURL = new URL("whycors-terraform.wasm", location.href).href;
    if (terraform) urls.push(tfURL);
    // One run at a time: the full engine's run waits for the first.
    offlineRun = offlineRun.then(() => navigator.serviceWorker.register("sw.js")).then(() => caches.open(OFFLINE_CACHE)).then((c) =>
      c.keys().then((have) => {
        const haveURLs = new Set(have.map((r) => r.url));
        const want = new Set(urls.concat([fullURL, workerURL, tfURL]));
        globalThis.whycorsOfflineFiles = urls;
        return Promise.all([
          ...have.filter((r) => !want.has(r.url)).map((r) => c.delete(r)),
          ...urls.filter((u) => u === page || !haveURLs.has(u)).map((u) => c.add(new Request(u, u === page ? { cache: "no-cache" } : {}))),
        ]);
      }),
    ).then(() => {
      globalThis.whycorsOffline = "ready";
      if (withFull) globalThis.whycorsOfflineFull = "ready";
    }, (e) => {
      globalThis.whycorsOffline = "failed: " + e;
      if (withFull) globalThis.whycorsOfflineFull = "failed: " + e;
    });
  }

  function setStatus(text, state) {
    const status = $("status");
    status.textContent = text;
    status.dataset.state = state;
  }

  // Defaults: the page opens on a preflighted request to a plain server.
  applyRequest(REQ_PRESETS["json-post"]);
  $("raw").value = SRV_PRESETS.plain.raw;
  setSource("raw");
  loadFragment();

  // The verdict the build wrote into the page for the scenario it opens
  // on (internal/build, first.go), drawn at once, while the core engine
  // still starts: the same engine's answer to exactly the scenario the
  // form now writes, or nothing (a link's scenario, a restored form). The
  // engine's own verdict replaces it once it is ready (whycorsReady), and
  // input typed before that marks it as being for the text before.
  // whycorsFirst tells the tests what was drawn (TestFirstVerdict).
  globalThis.whycorsFirst = { shown: false, fixes: false, scenario: "" };
  {
    const st = readState();
    const key = explainJSON(st, st.browser);
    globalThis.whycorsFirst.scenario = key;
    let first = null;
    try {
      first = JSON.parse($("first-verdict").textContent || "null");
    } catch (e) {
      first = null;
    }
    if (first && first.scenario === key && first.verdict && !first.verdict.error) {
      const results = gather(first.verdict, st.browser);
      if (BROWSERS.every(([b]) => results[b])) {
        render(st, { detail: first.verdict, results: results });
        builtShown = globalThis.whycorsFirst.shown = true;
        // The build's fixes too, when the fetch is blocked, in the next
        // task so that the verdict paints first (as scheduleFixes does;
        // drawn in the same task, they put the verdict 24 ms later,
        // scripts/bench-site.sh ab): the fix is on screen just after the
        // verdict (68 ms, scripts/bench-site.sh), and scheduleFixes finds
        // them there (fixKey) instead of fetching the full engine to
        // search again.
        if (Array.isArray(first.fixes)) {
          setTimeout(() => {
            if (fixKeyOf(last) !== first.fixes_for) return; // typed on, or not the scenario asked
            renderFixes(first.fixes);
            fixKey = first.fixes_for;
            globalThis.whycorsFirst.fixes = true;
            performance.mark("whycors-fix");
          }, 0);
        }
      }
    }
    // A link whose scenario has a policy to read needs the full engine
    // for its first verdict: its download and start begin now, beside
    // the core's (below), rather than once the core is ready and input
    // has paused (updateNow's 150 ms), which is for typing. updateNow
    // takes the load under way (loadFull gives the same promise) and
    // reports a failure.
    if (needsFull(st)) loadFull().catch(() => {});
  }


  globalThis.whycorsReady = function () {
    performance.mark("whycors-ready");
    core = globalThis.whycors;
    const l = call(core, "limits", "");
    if (l && l.link) limits = l;
    $("paste-limit").textContent = "Paste up to " + (limits.policy_text >> 20) + " MiB (" + limits.policy_text.toLocaleString("en-US") +
      " bytes) of configuration or replies; a longer text is refused before anything is read.";
    // The SDK list is read by the form only when a link names an SDK; the
    // format list only names what the page's own options already hold. So
    // the first verdict comes first, and the lists a moment after: each
    // first call into the wasm compiles the functions it reaches, and the
    // format list's took about 20 ms of the first verdict in Chromium
    // (scripts/bench-site.sh).
    if (linkSdk) fillSdkPresets();
    ready = true;
    setStatus("Engine ready: whycors " + core.version() + (full ? " (full engine loaded)" : ""), "ready");
    update();
    setTimeout(() => {
      fillFormats();
      if (!sdkPresets.length) fillSdkPresets();
      $("version").textContent = core.version();
      listed = true;
    }, 0);
    // The page and the core engine are kept for offline use after the
    // first verdict; the full engine is fetched only when needed
    // (loadFull), and kept then.
    setTimeout(cacheForOffline, 0);
    if ($("convert-box").open) loadFull().then(fillTargets, () => {});
  };
  // fillFormats lists the full engine's formats in the format choice, so
  // that a format can be chosen before the full engine is loaded.
  function fillFormats() {
    const names = call(core, "formats", "");
    if (!Array.isArray(names)) return;
    // Each format as a person names it (policy.Titled); the name is the
    // value a scenario and a link keep.
    const titles = call(core, "titles", "");
    const sel = $("format");
    const chosen = sel.value;
    names.forEach((n, i) => {
      const title = Array.isArray(titles) && titles[i] ? titles[i] : n;
      const have = Array.from(sel.options).find((o) => o.value === n);
      if (have) have.textContent = title;
      else sel.appendChild(el("option", null, title)).value = n;
    });
    sel.value = chosen;
  }
  const go = new Go();
  performance.mark("whycors-fetch");
  // boot.js started the download and the compilation in the page's head
  // when the page opened on a link; else both start here, after the
  // first verdict is drawn (boot.js says why).
  (globalThis.whycorsCore || WebAssembly.compileStreaming(fetch("whycors.wasm")))
    .then((m) => WebAssembly.instantiate(m, go.importObject))
    .then((instance) => {
      performance.mark("whycors-instantiated");
      go.run(instance);
    })
    .catch((e) => {
      setStatus("The engine failed to load: " + e, "error");
      setSummary("error", "No verdict: the engine did not load (" + e + ").", "");
    });
})();
