// The simulator page: it turns the form into a scenario (the JSON contract
// of shared/design.md), asks the engine what each browser does, and draws
// the verdict. It holds no CORS logic of its own: every judgement shown
// comes from the engine.
//
// The engine is two Go programs, each loaded once and kept resident: the
// core (whycors.wasm: the browser model, the explainer and the raw-replies
// reader) loads with the page and gives the first verdict; the full engine
// (whycors-full.wasm: every policy format, lint warnings, fixes, convert)
// is fetched only when the page needs it: a policy to read, the fixes
// panel on screen, the convert panel opened, a HAR file to read.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const BROWSERS = [["chrome", "Chrome"], ["firefox", "Firefox"], ["safari", "Safari"]];
  const NAMES = { chrome: "Chrome", firefox: "Firefox", safari: "Safari", spec: "Fetch standard" };
  const SVGNS = "http://www.w3.org/2000/svg";
  // The engine's input bounds (engine/limits), as wasm/core reports them;
  // these are the same numbers until it has started.
  let limits = { page_har: 8 << 20, link: 2 << 20 };
  const timings = [];
  globalThis.whycorsTimings = timings; // per explain call, in ms (scripts/bench-site.sh reads it)

  // ---------- presets ----------
  const REQ_PRESETS = {
    "json-post": {
      origin: "https://app.example", url: "https://api.example/v1/orders", method: "POST",
      headers: [["Content-Type", "application/json"], ["Authorization", "Bearer eyJhbGciOi.token"]],
      credentials: "same-origin", mode: "cors", body: "string",
    },
    "s3-upload": {
      origin: "https://app.example", url: "https://my-bucket.s3.us-east-1.amazonaws.com/uploads/photo.jpg", method: "PUT",
      headers: [["Content-Type", "image/jpeg"], ["x-amz-acl", "private"], ["x-amz-meta-owner", "42"]],
      credentials: "same-origin", mode: "cors", body: "string",
    },
    font: {
      origin: "https://app.example", url: "https://cdn.example/fonts/inter.woff2", method: "GET",
      headers: [], credentials: "same-origin", mode: "cors", body: "",
    },
    delete: {
      origin: "https://app.example", url: "https://api.example/items/1", method: "DELETE",
      headers: [], credentials: "include", mode: "cors", body: "",
    },
    "simple-get": {
      origin: "https://app.example", url: "https://api.example/items/1", method: "GET",
      headers: [], credentials: "same-origin", mode: "cors", body: "",
    },
  };
  // Server presets, one per source system. When the build has no reader
  // for the system's own format, the preset falls back to the replies the
  // system is documented to send (shared/reference/cloud-policies.md §5),
  // pasted as raw replies.
  const SRV_PRESETS = {
    ec2: {
      format: "ec2", text: "ec2\n",
      raw: "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Methods: GET, POST, OPTIONS, DELETE, PUT\nAccess-Control-Allow-Headers: content-type, authorization, x-amz-date, x-amz-security-token\nAccess-Control-Max-Age: 1800\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Type: text/xml;charset=UTF-8\n",
    },
    s3: {
      format: "s3-json",
      text: '[\n  {\n    "AllowedOrigins": ["https://app.example"],\n    "AllowedMethods": ["GET", "PUT"],\n    "AllowedHeaders": ["content-type", "x-amz-*"],\n    "ExposeHeaders": ["ETag"],\n    "MaxAgeSeconds": 3000\n  }\n]\n',
    },
    "apigw-http": {
      format: "auto",
      text: '{\n  "CorsConfiguration": {\n    "AllowOrigins": ["https://app.example"],\n    "AllowMethods": ["GET", "POST"],\n    "AllowHeaders": ["content-type"],\n    "ExposeHeaders": ["x-request-id"],\n    "MaxAge": 300,\n    "AllowCredentials": false\n  }\n}\n',
      raw: "HTTP/2 204\naccess-control-allow-origin: https://app.example\naccess-control-allow-methods: GET,POST\naccess-control-allow-headers: content-type\naccess-control-max-age: 300\n\nHTTP/2 200\naccess-control-allow-origin: https://app.example\naccess-control-expose-headers: x-request-id\ncontent-type: application/json\n",
    },
    "apigw-rest": {
      format: "auto",
      text: '{\n  "RestApiCors": {\n    "AllowMethods": ["GET", "OPTIONS"],\n    "AllowHeaders": "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token",\n    "AllowOrigin": "*",\n    "GatewayResponses": [],\n    "Integration": "mock"\n  }\n}\n',
      raw: "HTTP/1.1 200 OK\nAccess-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token\nAccess-Control-Allow-Methods: GET,OPTIONS\nAccess-Control-Allow-Origin: *\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Type: application/json\n",
    },
    plain: {
      raw: "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, POST, PUT\nAccess-Control-Allow-Headers: Content-Type\nAccess-Control-Max-Age: 600\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nContent-Type: application/json\n",
    },
  };

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
  const EXTRA_KEYS = ["routes", "then", "cdn"];
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

  // The scenario of shared/design.md, built from the form as typed.
  function scenario(st, browser) {
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
    // HAR imports land in the raw replies, so "har" reads them too.
    if (st.source === "policy" && st.policy.trim() !== "") sc.policy = { format: st.format, text: st.policy };
    if (st.source !== "policy" && st.raw.trim() !== "") sc.policy = { format: "raw", text: st.raw };
    if (st.extra) for (const k of EXTRA_KEYS) if (st.extra[k] !== undefined && st.extra[k] !== null) sc[k] = st.extra[k];
    return sc;
  }

  // ---------- the engines ----------
  let core = null; // globalThis.whycors once the core is running
  let full = null; // globalThis.whycorsFull once the full engine is running
  let fullLoading = null; // the promise of the full engine while it loads

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

  function loadFull() {
    if (full) return Promise.resolve(full);
    if (fullLoading) return fullLoading;
    setStatus("Loading the full engine (policy formats, fixes, lint, convert)…", "loading");
    fullLoading = new Promise((resolve, reject) => {
      globalThis.whycorsFullReady = () => resolve(globalThis.whycorsFull);
      const go = new Go();
      WebAssembly.instantiateStreaming(fetch("whycors-full.wasm"), go.importObject)
        .then((r) => { go.run(r.instance); })
        .catch(reject);
    }).then((api) => {
      full = api;
      setStatus("Engine ready: whycors " + core.version() + " (full engine loaded)", "ready");
      return api;
    }, (e) => {
      fullLoading = null;
      setStatus("The full engine failed to load: " + e, "error");
      throw e;
    });
    return fullLoading;
  }

  // Each keystroke asks for the verdict without the fix search
  // ("fixes": false); the fixes come from the full engine after a pause,
  // when the fixes panel is on screen (scheduleFixes).
  function explainOne(api, st, browser) {
    const sc = scenario(st, browser);
    sc.fixes = false;
    const json = JSON.stringify(sc);
    const t0 = performance.now();
    const raw = api.explain(json);
    timings.push(performance.now() - t0);
    if (timings.length > 1000) timings.splice(0, timings.length - 1000);
    try {
      return JSON.parse(raw);
    } catch (e) {
      return { error: "the engine answered something that is not JSON: " + e };
    }
  }

  // ---------- rendering helpers ----------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function hostOf(u) {
    try {
      return new URL(u).host;
    } catch (e) {
      return u;
    }
  }
  function posText(e) {
    const parts = [];
    if (e.line) parts.push("line " + e.line + (e.column ? ", column " + e.column : ""));
    if (e.path) parts.push(e.path);
    if (e.code) parts.push(e.code);
    return (parts.length ? parts.join(" · ") + ": " : "") + (e.message || "");
  }

  // ---------- the verdict ----------
  let last = null;

  function render(st, api) {
    // One call gives the chosen browser's verdict and, in its "browsers"
    // list, the short verdict of the others; a browser missing from that
    // list gets its own call.
    const detail = explainOne(api, st, st.browser);
    const results = {};
    results[st.browser] = detail;
    for (const r of detail.browsers || []) if (r && !results[r.browser]) results[r.browser] = r;
    for (const [b] of BROWSERS) if (!results[b]) results[b] = explainOne(api, st, b);
    last = { st: st, detail: detail };

    const summary = $("summary");
    summary.textContent = "";
    if (detail.error) {
      summary.dataset.state = "error";
      summary.appendChild(el("strong", null, "The engine could not explain this. "));
      summary.appendChild(el("span", "err-msg", detail.error.split("\n")[0]));
      if (Array.isArray(detail.errors) && detail.errors.length) {
        const ul = el("ul", "errors");
        detail.errors.slice(0, 50).forEach((e) => ul.appendChild(el("li", null, posText(e))));
        summary.appendChild(ul);
      }
    } else {
      summary.dataset.state = detail.allowed ? "allowed" : "blocked";
      const who = NAMES[st.browser] || st.browser;
      summary.appendChild(el("strong", "big", detail.allowed ? "Allowed" : "Blocked"));
      summary.appendChild(el("span", null, detail.allowed
        ? " — " + who + " lets the page read the response" + (detail.status ? " (status " + detail.status + ")." : ".")
        : " — " + who + " blocks it" + (detail.reason ? ": " + detail.reason + "." : ".")));
    }

    renderBrowsers(results);
    renderConsoles(results, st.browser === "spec" ? Object.assign({ spec: detail }, results) : results);
    $("exception").textContent = detail.exception ? "The promise rejects with " + detail.exception : "";
    renderTimeline(st, detail);
    renderList($("readable"), detail.readable_headers, "none", (h) => el("code", null, h));
    $("cache").textContent = detail.error ? "—" : (detail.preflight && detail.preflight.sent)
      ? (detail.preflight_cache_seconds > 0 ? detail.preflight_cache_seconds + " s in " + (NAMES[st.browser] || st.browser) : "not cached")
      : "no preflight";
    renderSteps(detail.steps);
    renderLater(st, detail);
    renderRules(detail.rules, detail.detected);
    renderLint(st, detail.warnings);
    performance.mark("whycors-verdict");
  }

  function renderBrowsers(results) {
    const tbody = $("browsers").tBodies[0];
    tbody.textContent = "";
    const key = (v) => v.error ? "error" : (v.allowed ? "ok" : "blocked:" + v.reason);
    const first = key(results.chrome);
    const differ = BROWSERS.some(([b]) => key(results[b]) !== first);
    for (const [b, name] of BROWSERS) {
      const v = results[b];
      const tr = el("tr");
      tr.dataset.browser = b;
      tr.appendChild(el("th", null, name)).setAttribute("scope", "row");
      if (v.error) {
        tr.dataset.error = v.error;
        tr.appendChild(el("td", "res err", "engine error"));
        tr.appendChild(el("td", null, v.error.split("\n")[0]));
      } else {
        tr.dataset.allowed = String(!!v.allowed);
        tr.dataset.reason = v.reason || "";
        tr.appendChild(el("td", "res " + (v.allowed ? "ok" : "no"), v.allowed ? "✓ allowed" : "✗ blocked"));
        tr.appendChild(el("td", null, v.reason || "—"));
      }
      if (differ && key(v) !== first) tr.classList.add("differs");
      tbody.appendChild(tr);
    }
    $("browsers").dataset.differ = String(differ);
    $("browsers").caption.textContent = differ ? "Each browser — they disagree (highlighted)" : "Each browser";
  }

  function renderConsoles(results, all) {
    const box = $("consoles");
    box.textContent = "";
    for (const b of Object.keys(all)) {
      if (b === "spec") continue;
      const v = all[b];
      const d = el("div", "console");
      d.appendChild(el("h4", null, NAMES[b]));
      const ol = el("ol", "lines");
      ol.id = "console-" + b;
      if (!v.error) (v.console || []).forEach((l) => ol.appendChild(el("li", null, l)));
      d.appendChild(ol);
      if (!v.error && !(v.console || []).length) d.appendChild(el("p", "hint", "prints nothing about this fetch"));
      box.appendChild(d);
    }
  }

  function renderList(target, items, empty, make) {
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

  function renderSteps(steps, ol) {
    ol = ol || $("steps");
    ol.textContent = "";
    (steps || []).forEach((s) => {
      const li = el("li", "step " + (s.status || "info"));
      li.dataset.id = s.id || "";
      const head = el("div", "step-head");
      head.appendChild(el("span", "badge", s.status || "info"));
      head.appendChild(el("strong", null, " " + (s.title || s.id || "")));
      li.appendChild(head);
      if (s.detail) li.appendChild(el("p", null, s.detail));
      if (s.header) li.appendChild(el("code", "hline", s.header));
      if (s.spec && /^https:\/\//.test(s.spec)) {
        const a = el("a", "spec", "spec");
        a.href = s.spec;
        a.rel = "noopener noreferrer";
        li.appendChild(document.createTextNode(" "));
        li.appendChild(a);
      } else if (s.spec) li.appendChild(el("span", "hint", " " + s.spec));
      ol.appendChild(li);
    });
    if (!ol.children.length) ol.appendChild(el("li", "hint", "no steps"));
  }

  // The later fetches of a session (scenario "then"): each its verdict
  // and its steps, under the first fetch's.
  function renderLater(st, v) {
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

  function renderRules(rules, detected) {
    const box = $("rules");
    box.textContent = "";
    if (detected && detected.format) box.appendChild(el("p", "hint", "Read as " + detected.format + (detected.why ? " (" + detected.why + ")" : "") + "."));
    if (!rules || !rules.length) {
      box.appendChild(el("p", "hint", "No rule trace (no policy, or the server answered before any rule)."));
      return;
    }
    const t = el("table", "rules");
    const hr = el("tr");
    ["#", "Rule", "Where", "Result", "Detail"].forEach((h) => hr.appendChild(el("th", null, h)).setAttribute("scope", "col"));
    t.appendChild(el("thead")).appendChild(hr);
    const tb = t.appendChild(el("tbody"));
    rules.forEach((r) => {
      const tr = el("tr", r.matched ? "matched" : "");
      tr.appendChild(el("td", null, String(r.index)));
      tr.appendChild(el("td", null, r.id || ""));
      tr.appendChild(el("td", null, r.path || ""));
      tr.appendChild(el("td", null, r.matched ? "matched" : (r.failed ? "failed on " + r.failed : "skipped")));
      tr.appendChild(el("td", null, r.detail || ""));
      tb.appendChild(tr);
    });
    box.appendChild(t);
  }

  // ---------- fixes, from the full engine after a pause ----------
  const FIX_PAUSE = 300; // ms without input before the fix search runs
  let fixesVisible = false;
  let fixTimer = 0;
  let fixKey = ""; // the scenario the fixes on screen are for
  let fixing = false;

  function onScreen(e) {
    const r = e.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  }

  function fixHint(text) {
    const box = $("fixes");
    if (box.childElementCount === 1 && box.firstChild.textContent === text) return;
    box.textContent = "";
    box.appendChild(el("p", "hint", text));
  }

  function scheduleFixes() {
    clearTimeout(fixTimer);
    fixTimer = 0;
    if (!last || last.detail.error) {
      fixKey = "";
      fixHint("No fix: the engine could not explain this.");
      return;
    }
    if (last.detail.allowed) {
      fixKey = "";
      fixHint("Nothing to fix.");
      return;
    }
    const key = JSON.stringify(scenario(last.st, last.st.browser));
    if (key === fixKey) return;
    const waitHint = "The fix is searched for when this section is on screen.";
    fixHint(fixesVisible ? "Looking for a fix…" : waitHint);
    if (!fixesVisible) return;
    fixTimer = setTimeout(() => {
      fixTimer = 0;
      // The verdict drawn since may have pushed the panel off screen (the
      // observer tells that a frame later): look again now.
      if (!onScreen($("fixes"))) {
        fixHint(waitHint);
        return;
      }
      fixing = true;
      loadFull().then((api) => {
        fixing = false;
        if (!last || JSON.stringify(scenario(last.st, last.st.browser)) !== key) return; // typed on
        fixKey = key;
        const t0 = performance.now();
        const out = call(api, "fixes", key);
        globalThis.whycorsFixTimings.push(performance.now() - t0);
        if (out.error) fixHint("No fix: " + out.error.split("\n")[0]);
        else renderFixes(out);
      }, () => { fixing = false; fixHint("No fix: the full engine did not load."); });
    }, FIX_PAUSE);
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
      d.appendChild(el("p", null, (f.where === "client" ? "In the page: " : "On the server: ") + (f.summary || "")));
      const body = f.diff || f.text || "";
      if (body) {
        const pre = el("pre", "diff");
        pre.id = "fix-" + i;
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
        const use = el("button", null, "Use this fix");
        use.type = "button";
        use.addEventListener("click", () => {
          const src = last.st.source;
          if (src === "policy") $("policy").value = f.text;
          else $("raw").value = f.text;
          update();
        });
        d.appendChild(use);
      }
      box.appendChild(d);
    });
  }

  // The verdict's warnings hold engine/lint's findings on the policy and
  // the traps of the platform (engine/explain), with their positions.
  function renderLint(st, warnings) {
    const ul = $("lint");
    ul.textContent = "";
    (warnings || []).forEach((w) => {
      const sev = w.severity || "warning";
      const li = el("li", "warn sev-" + sev);
      li.appendChild(el("span", "badge", sev));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("code", null, w.code || ""));
      li.appendChild(document.createTextNode(" " + posText({ line: w.line, column: w.column, path: w.path, message: w.message })));
      ul.appendChild(li);
    });
    if (!ul.children.length) ul.appendChild(el("li", "hint", "No findings."));
  }

  // ---------- the timeline picture ----------
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

  function renderTimeline(st, v) {
    const box = $("timeline");
    box.textContent = "";
    if (v.error) {
      box.appendChild(el("p", "hint", "No picture: the engine could not explain this scenario."));
      return;
    }
    const steps = v.steps || [];
    const failed = steps.find((s) => s.status === "fail");
    const failedPre = failed && baseID(failed).startsWith("preflight");
    const msgs = chainMessages(st, v) || [];
    if (msgs.length) {
      drawTimeline(box, st, msgs, true);
      return;
    }
    const pf = v.preflight || {};
    if (pf.sent) {
      const lines = [];
      const reqH = (pf.request && pf.request.headers) || [];
      if (reqH.length) reqH.forEach((h) => lines.push({ t: h[0] + ": " + h[1] }));
      else for (const k in pf.headers || {}) lines.push({ t: k + ": " + pf.headers[k] });
      msgs.push({ dir: "out", title: "Preflight: OPTIONS " + st.url, lines: lines });
      if (pf.reply) {
        msgs.push({ dir: "in", title: "Preflight reply: " + pf.reply.status, lines: replyLines(pf.reply, steps, true), decided: failedPre });
      } else {
        msgs.push({ dir: "in", title: "Preflight reply: none", lines: [], decided: failedPre });
      }
    }
    const ar = v.actual_request;
    if (v.actual_sent) {
      const lines = ((ar && ar.headers) || []).map((h) => ({ t: h[0] + ": " + h[1] }));
      msgs.push({ dir: "out", title: "Request: " + ((ar && ar.method) || st.method) + " " + st.url, lines: lines });
      if (v.reply) msgs.push({ dir: "in", title: "Reply: " + v.reply.status, lines: replyLines(v.reply, steps, false), decided: !!failed && !failedPre });
    } else {
      msgs.push({ dir: "out", title: "Request: " + st.method + " " + st.url + " — not sent", lines: [], skipped: true, decided: !!failed && !pf.sent });
    }
    if (!failed && msgs.length) msgs[msgs.length - 1].ok = true;
    drawTimeline(box, st, msgs, false);
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
          decided: last && !f.allowed, ok: last && f.allowed });
      });
      if (!rs.length) msgs.push({ dir: "out", title: "Nothing sent", lines: [], skipped: true, decided: !f.allowed });
    });
    return msgs;
  }

  // drawTimeline draws msgs as arrows between the page and the server(s).
  function drawTimeline(box, st, msgs, chain) {
    const W = 640, lineH = 16, pad = 10;
    let y = 44;
    const g = [];
    for (const m of msgs) {
      if (m.sep || m.note) {
        const grp = svg("g", { class: m.sep ? "sep" : "tlnote" });
        if (m.sep) grp.appendChild(svg("line", { x1: 20, y1: y + 2, x2: W - 20, y2: y + 2, class: "sepline" }));
        grp.appendChild(svg("text", { x: W / 2, y: y + (m.sep ? 18 : 10), class: m.sep ? "septext" : "hline", "text-anchor": "middle" }, clip(m.sep || m.note, 80)));
        g.push(grp);
        y += m.sep ? 40 : 22;
        continue;
      }
      const shown = m.lines.slice(0, 10);
      const h = 24 + shown.length * lineH + pad;
      const x1 = m.dir === "out" ? 70 : W - 70, x2 = m.dir === "out" ? W - 70 : 70;
      const cls = "msg" + (m.skipped ? " skipped" : "") + (m.decided ? " decided" : "") + (m.ok ? " ok" : "");
      const grp = svg("g", { class: cls });
      grp.appendChild(svg("line", { x1: x1, y1: y + 8, x2: x2, y2: y + 8, class: "arrow", "marker-end": "url(#arrowhead)" }));
      grp.appendChild(svg("text", { x: 84, y: y + 2, class: "title" }, clip(m.title, 70)));
      if (m.decided) grp.appendChild(svg("text", { x: W - 84, y: y + 2, class: "flag", "text-anchor": "end" }, "✗ decided here"));
      else if (m.ok) grp.appendChild(svg("text", { x: W - 84, y: y + 2, class: "flag okflag", "text-anchor": "end" }, "✓ passes"));
      shown.forEach((l, i) => {
        const t = svg("text", { x: 96, y: y + 26 + i * lineH, class: "hline " + (l.c || "") }, (l.mark || "  ") + " " + clip(l.t, 72));
        t.appendChild(svg("title", {}, l.t + (l.why ? " — " + l.why : "")));
        grp.appendChild(t);
      });
      if (m.lines.length > shown.length) grp.appendChild(svg("text", { x: 96, y: y + 26 + shown.length * lineH, class: "hline" }, "   … " + (m.lines.length - shown.length) + " more"));
      g.push(grp);
      y += h + (m.lines.length > shown.length ? lineH : 0);
    }
    const H = y + 10;
    const s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-labelledby": "tl-title tl-desc", class: "tl" });
    s.appendChild(svg("title", { id: "tl-title" }, "The exchange between the page and the server"));
    s.appendChild(svg("desc", { id: "tl-desc" }, msgs.map((m) => (m.sep || m.note || m.title) + (m.decided ? " (decided here)" : "")).join("; ")));
    const defs = svg("defs", {});
    const mk = svg("marker", { id: "arrowhead", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    mk.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "head" }));
    defs.appendChild(mk);
    s.appendChild(defs);
    s.appendChild(svg("text", { x: 70, y: 16, class: "lane", "text-anchor": "middle" }, "Page"));
    s.appendChild(svg("text", { x: 70, y: 30, class: "lane sub", "text-anchor": "middle" }, clip(st.origin, 24)));
    s.appendChild(svg("text", { x: W - 70, y: 16, class: "lane", "text-anchor": "middle" }, chain ? "Servers" : "Server"));
    s.appendChild(svg("text", { x: W - 70, y: 30, class: "lane sub", "text-anchor": "middle" }, chain ? "one per URL" : clip(hostOf(st.url), 24)));
    s.appendChild(svg("line", { x1: 70, y1: 36, x2: 70, y2: H, class: "life" }));
    s.appendChild(svg("line", { x1: W - 70, y1: 36, x2: W - 70, y2: H, class: "life" }));
    g.forEach((x) => s.appendChild(x));
    box.appendChild(s);
  }

  function replyLines(reply, steps, preflight) {
    return (reply.headers || []).map((h) => {
      const s = stepFor(steps, h[0], preflight);
      const l = { t: h[0] + ": " + h[1] };
      if (s && s.status === "pass") Object.assign(l, { c: "pass", mark: "✓", why: s.title });
      else if (s && s.status === "fail") Object.assign(l, { c: "fail", mark: "✗", why: s.title });
      return l;
    });
  }

  function clip(s, n) {
    s = String(s);
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  }

  // ---------- share link ----------
  function b64urlEncode(str) {
    const bytes = new TextEncoder().encode(str);
    let bin = "";
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function b64urlDecode(s) {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TextDecoder().decode(bytes);
  }
  // The fragment is "#s=" and the base64url (no padding) of the scenario
  // the page explains (shared/design.md), so a shared link replays with
  // `whycors explain` once decoded. Links made before held the form's own
  // fields (readState's shape, with no "request"); they still open.
  function saveFragment(st) {
    const frag = "#s=" + b64urlEncode(JSON.stringify(scenario(st, st.browser)));
    if (location.href.length - location.hash.length + frag.length > limits.link) {
      // A browser does not open a longer URL (engine/limits.Link).
      linkNote("This scenario is too large for a link (" + frag.length + " bytes); save it as a file and run whycors explain on it.");
      return;
    }
    history.replaceState(null, "", frag);
    $("share").value = location.href;
  }
  function loadFragment() {
    const h = location.hash;
    if (!h.startsWith("#s=")) return false;
    let v;
    try {
      v = JSON.parse(b64urlDecode(h.slice(3)));
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error("not a JSON object");
    } catch (e) {
      linkNote("The link's state could not be read (" + e.message + "); showing the defaults.");
      return false;
    }
    if (v.request && typeof v.request === "object") {
      const lost = [];
      applyState(formOf(v, lost));
      linkNote(lost.length ? "The link's scenario has " + lost.join(", ") + ", which this form cannot hold; the verdict is for the form as shown." : "");
    } else {
      applyState(v);
      linkNote("");
    }
    return true;
  }
  function linkNote(text) {
    $("link-note").textContent = text;
    $("link-note").hidden = !text;
  }

  // The form's fields for a scenario: scenario() the other way round.
  // Raw replies given as "preflight" and "response" become raw reply text,
  // each absent one written as the contract's default (404 with no
  // headers, 200 with no headers) so the raw reader takes them in order.
  // What the form cannot hold is added to lost.
  function formOf(sc, lost) {
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
    };
    if (rq.redirect) lost.push("request.redirect");
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
      if (pre.status >= 300 && pre.status < 400) lost.push("a redirected preflight");
      st.raw = replyText(pre, sc.preflight ? "" : "Not Found") + "\n" + replyText(act, sc.response ? "" : "OK");
    }
    return st;
  }
  // Header pairs from either JSON form of the contract: [[name, value], ...]
  // or {"Name": "value"}.
  function headerPairs(h) {
    if (Array.isArray(h)) return h.filter(Array.isArray).map((x) => [String(x[0] ?? ""), String(x[1] ?? "")]);
    if (h && typeof h === "object") return Object.entries(h).map(([k, v]) => [k, String(v ?? "")]);
    return [];
  }
  // One reply as curl -i prints it, the form of the raw replies.
  function replyText(r, reason) {
    let s = "HTTP/1.1 " + r.status + (reason ? " " + reason : "") + "\n";
    headerPairs(r.headers).forEach((h) => { s += h[0] + ": " + h[1] + "\n"; });
    return s;
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
  function showDetection(st) {
    const p = $("detected");
    if (st.source !== "policy" || st.format !== "auto" || !st.policy.trim() || !full) {
      p.textContent = st.source === "policy" && st.format !== "auto" ? "Read as " + st.format + "." : "";
      return;
    }
    const d = call(full, "detect", st.policy);
    if (!Array.isArray(d) || !d.length) p.textContent = "Could not tell the format: choose one above.";
    else if (d.length === 1) p.textContent = "Detected: " + d[0].format + " — " + d[0].why + ".";
    else p.textContent = "Ambiguous: " + d.map((x) => x.format).join(", ") + ". Choose one above.";
  }

  // ---------- wiring ----------
  let ready = false;
  let pending = false;
  let fullTimer = 0;
  function update() {
    if (!ready) return;
    const st = readState();
    saveFragment(st);
    // A policy waits for the full engine; the verdict on screen stays
    // (the core's, for the input before) and says so.
    if (needsFull(st) && !full) {
      const summary = $("summary");
      if (summary.dataset.state !== "none") summary.dataset.stale = "true";
      else summary.textContent = "Loading the full engine to read this policy…";
      // Start the load once input pauses, so that keys typed into a list
      // (type-ahead) are not held up by the full engine's start.
      clearTimeout(fullTimer);
      fullTimer = setTimeout(() => {
        fullTimer = 0;
        loadFull().then(schedule, () => {});
      }, 150);
      return;
    }
    delete $("summary").dataset.stale;
    showDetection(st);
    try {
      render(st, needsFull(st) || !core ? full : core);
    } catch (e) {
      const summary = $("summary");
      summary.dataset.state = "error";
      summary.textContent = "The page failed to show the verdict: " + e.message;
    }
    scheduleFixes();
  }
  // For tests and the benchmark: whether an explanation, the full
  // engine's load or a fix search is still to come.
  globalThis.whycorsBusy = () => pending || fullTimer !== 0 || (!!fullLoading && !full) || fixTimer !== 0 || fixing;
  // Coalesce bursts of input into one explanation per frame.
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      update();
    });
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", (e) => {
    if (e.target.name === "source") setSource(e.target.value);
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
  $("srv-preset").addEventListener("change", (e) => {
    const p = SRV_PRESETS[e.target.value];
    if (!p) return;
    const names = ready ? call(core, "formats", "") : [];
    const known = Array.isArray(names) && (p.format === "auto" || names.includes(p.format));
    if (p.text !== undefined && known) {
      $("policy").value = p.text;
      setSelect($("format"), p.format);
      setSource("policy");
    } else {
      $("raw").value = p.raw || "";
      setSource("raw");
      if (p.format) $("detected").textContent = "";
    }
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
    const targets = call(api, "targets", "");
    if (Array.isArray(targets)) targets.forEach((n) => { $("convert-to").appendChild(el("option", null, n)).value = n; });
  }
  $("convert").addEventListener("click", () => {
    if (!ready) return;
    if (!full) {
      loadFull().then((api) => { fillTargets(api); $("convert").click(); }, () => {});
      return;
    }
    const st = readState();
    const out = $("convert-out");
    const notes = $("convert-notes");
    notes.textContent = "";
    const r = call(full, "convert", JSON.stringify({ text: st.policy, from: st.format, to: $("convert-to").value }));
    out.hidden = false;
    if (r.error) {
      out.textContent = "Cannot convert: " + r.error;
      $("convert-copy").hidden = true;
      (r.errors || []).slice(0, 50).forEach((e) => notes.appendChild(el("li", null, posText(e))));
      return;
    }
    out.textContent = r.text;
    $("convert-copy").hidden = false;
    (r.notes || []).forEach((n) => {
      const li = el("li", "warn sev-" + (n.effect === "wider" ? "error" : "warning"));
      li.appendChild(el("span", "badge", n.effect || "note"));
      li.appendChild(document.createTextNode(" " + n.message));
      notes.appendChild(li);
    });
  });
  $("convert-copy").addEventListener("click", (e) => copyText($("convert-out").textContent, e.target));

  // HAR import: the full engine reads the file and pairs each cross-origin
  // fetch with its preflight (engine/formats/har, whycorsFull.harPairs);
  // a pick puts the request in the form and its replies (the preflight's,
  // then the fetch's own) in the raw replies, where the raw reader reads
  // them.
  let har = [];
  function loadHar(file) {
    if (!file) return;
    if (file.size > limits.page_har) {
      setHarNote("The file is larger than " + (limits.page_har >> 20) + " MB; export fewer requests.");
      return;
    }
    setSource("har");
    $("src-har").checked = true;
    setHarNote("Reading the file…");
    Promise.all([file.text(), loadFull()]).then(([text, api]) => {
      const pairs = call(api, "harPairs", text);
      if (!Array.isArray(pairs)) {
        setHarNote("Not a HAR file: " + String(pairs.error).split("\n")[0]);
        return;
      }
      har = pairs.slice(0, 2000);
      const sel = $("har-entry");
      sel.textContent = "";
      sel.appendChild(el("option", null, har.length ? "Pick a request (" + har.length + ")" : "No cross-origin requests in this file")).value = "";
      har.forEach((p, i) => {
        const c = p.candidate;
        const o = el("option", null, c.method + " " + clip(c.url, 90) + " → " + c.status + (c.error ? " " + c.error : ""));
        o.value = String(i);
        sel.appendChild(o);
      });
      sel.disabled = !har.length;
      sel.focus();
    }, () => setHarNote("The full engine, which reads HAR files, did not load."));
  }
  function setHarNote(t) {
    const sel = $("har-entry");
    sel.textContent = "";
    sel.appendChild(el("option", null, t)).value = "";
    sel.disabled = true;
    $("har-notes").textContent = "";
  }
  $("har-entry").addEventListener("change", (e) => {
    const p = har[Number(e.target.value)];
    if (!p || e.target.value === "") return;
    const x = p.exchange;
    const rq = x.request;
    // The credentials mode stays as chosen unless the file shows a cookie.
    applyRequest({ origin: rq.origin || $("origin").value, url: rq.url, method: rq.method, headers: rq.headers || [], credentials: rq.credentials, mode: "cors", body: "" });
    let raw = "";
    if (x.preflight) raw += replyText(x.preflight, p.preflight_status_text) + "\n";
    if (x.actual) raw += replyText(x.actual, p.status_text);
    $("raw").value = raw;
    const notes = $("har-notes");
    notes.textContent = "";
    (x.notes || []).forEach((n) => notes.appendChild(el("li", null, n)));
    schedule();
  });
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

  // The fixes panel on screen starts the fix search (scheduleFixes).
  new IntersectionObserver((entries) => {
    fixesVisible = entries.some((e) => e.isIntersecting);
    if (fixesVisible && ready) scheduleFixes();
  }).observe($("fixes"));

  globalThis.whycorsReady = function () {
    performance.mark("whycors-ready");
    core = globalThis.whycors;
    const l = call(core, "limits", "");
    if (l && l.link) limits = l;
    // The format list is the full engine's, so that a format can be chosen
    // before the full engine is loaded.
    const names = call(core, "formats", "");
    if (Array.isArray(names)) {
      const sel = $("format");
      const chosen = sel.value;
      names.forEach((n) => {
        const have = Array.from(sel.options).find((o) => o.value === n);
        if (have) have.textContent = n;
        else sel.appendChild(el("option", null, n)).value = n;
      });
      sel.value = chosen;
    }
    $("version").textContent = globalThis.whycors.version();
    setStatus("Engine ready: whycors " + globalThis.whycors.version(), "ready");
    ready = true;
    update();
    if ($("convert-box").open) loadFull().then(fillTargets, () => {});
  };
  const go = new Go();
  WebAssembly.instantiateStreaming(fetch("whycors.wasm"), go.importObject)
    .then((r) => {
      performance.mark("whycors-instantiated");
      go.run(r.instance);
    })
    .catch((e) => {
      setStatus("The engine failed to load: " + e, "error");
      $("summary").textContent = "No verdict: the engine did not load.";
      $("summary").dataset.state = "error";
    });
})();
