// Pure functions of the simulator page: no DOM, no engine. They turn the
// engine's answers into words for a web developer, a scenario into a
// share link and back, and find where a rule is in the pasted text.
// e2e/simulator/node/words.test.mjs tests them with node --test.

const NAMES = { chrome: "Chrome", firefox: "Firefox", safari: "Safari", spec: "The Fetch standard" };

export function browserName(b) {
  return NAMES[b] || b;
}

// ---------- the share link ----------

export function b64urlEncode(str) {
  const bytes = new TextEncoder().encode(str);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function b64urlDecode(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

// LINK_CAP is the largest fragment the page puts in a link; a larger
// scenario is offered as a file to download.
export const LINK_CAP = 32 * 1024;

// The request headers whose values are credentials, lowercase.
export const SECRET_HEADERS = ["authorization", "cookie", "proxy-authorization"];
// The query parameters of presigned URLs that carry a signature or a
// credential: AWS Signature Version 4, Azure's shared access signature,
// Google Cloud Storage's V4 signing.
export const SECRET_PARAMS = ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "sig", "X-Goog-Signature"];
export const REDACTED = "REDACTED";

const paramRe = new RegExp("([?&](?:" + SECRET_PARAMS.join("|") + ")=)([^&#]*)", "gi");

// redactURL replaces the values of SECRET_PARAMS in u's query, leaving
// every other byte as it was.
export function redactURL(u, found) {
  if (typeof u !== "string") return u;
  return u.replace(paramRe, (m, name, value) => {
    if (value === REDACTED || value === "") return m;
    found.push(name.slice(1, -1));
    return name + REDACTED;
  });
}

function redactHeaders(h, found) {
  if (Array.isArray(h)) {
    return h.map((p) => {
      if (!Array.isArray(p) || !SECRET_HEADERS.includes(String(p[0]).toLowerCase()) || p[1] === REDACTED || p[1] === "") return p;
      found.push(String(p[0]));
      return [p[0], REDACTED];
    });
  }
  if (h && typeof h === "object") {
    const out = {};
    for (const [k, v] of Object.entries(h)) {
      if (SECRET_HEADERS.includes(k.toLowerCase()) && v !== REDACTED && v !== "") {
        found.push(k);
        out[k] = REDACTED;
      } else out[k] = v;
    }
    return out;
  }
  return h;
}

function redactRequest(rq, found) {
  if (!rq || typeof rq !== "object") return rq;
  const out = Object.assign({}, rq);
  if ("headers" in rq) out.headers = redactHeaders(rq.headers, found);
  if ("url" in rq) out.url = redactURL(rq.url, found);
  return out;
}

// redact returns a copy of the scenario sc with the values of credential
// headers and presigned URL signatures replaced by REDACTED, in the
// request, the later fetches and the routes' URLs, and the names it
// replaced (one per value). None of them changes what a browser does
// with CORS: the headers are never CORS-safelisted whatever their value,
// and a query parameter's value is not compared by any CORS check.
export function redact(sc) {
  const found = [];
  const out = Object.assign({}, sc);
  if (sc.request) out.request = redactRequest(sc.request, found);
  if (Array.isArray(sc.then)) out.then = sc.then.map((t) => (t && typeof t === "object" ? Object.assign({}, t, { request: redactRequest(t.request, found) }) : t));
  if (Array.isArray(sc.routes)) out.routes = sc.routes.map((r) => (r && typeof r === "object" && typeof r.url === "string" ? Object.assign({}, r, { url: redactURL(r.url, found) }) : r));
  return { scenario: out, redacted: found };
}

// fragmentOf is the link's fragment for a scenario: "#s=" and the
// base64url (no padding) of its JSON, then, when "Request made by" names
// an SDK, "&sdk=" and its preset's name (not a part of the scenario: it
// says which response headers the SDK reads; engine/sharelink reads both
// for `whycors explain LINK`); tooLong is set when it is longer than
// LINK_CAP.
export function fragmentOf(sc, withSecrets, sdk) {
  const r = withSecrets ? { scenario: sc, redacted: [] } : redact(sc);
  let frag = "#s=" + b64urlEncode(JSON.stringify(r.scenario));
  if (sdk) frag += "&sdk=" + encodeURIComponent(sdk);
  return { fragment: frag, redacted: r.redacted, tooLong: frag.length > LINK_CAP, json: JSON.stringify(r.scenario, null, 2) };
}

// readFragment is fragmentOf the other way round: the JSON text the
// link's "#s=" holds and its SDK preset ("" when none), or null when the
// fragment holds no state. It throws when the state is not base64url.
export function readFragment(hash) {
  if (!hash.startsWith("#s=")) return null;
  const [data, ...rest] = hash.slice(3).split("&");
  let sdk = "";
  for (const kv of rest) if (kv.startsWith("sdk=")) sdk = decodeURIComponent(kv.slice(4));
  return { json: b64urlDecode(data), sdk: sdk };
}

// ---------- words ----------

// The documents of the platforms a step's note may be about, by a word it
// uses; engine/explain (doclink.go, platformDocs) has the same list for
// `whycors explain`'s text, TestReaderDocMatchesThePage holds them equal.
const DOCS = [
  [/\bS3\b|s3-/i, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html"],
  [/HTTP API/i, "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html"],
  [/API ?Gateway|apigw|REST API/i, "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html"],
  [/Azure/i, "https://learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services"],
  [/GCS|Cloud Storage|gcs/i, "https://cloud.google.com/storage/docs/cross-origin"],
  [/CloudFront/i, "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/header-caching.html"],
  [/nginx/i, "https://nginx.org/en/docs/http/ngx_http_headers_module.html"],
  [/express/i, "https://expressjs.com/en/resources/middleware/cors.html"],
];
export const FETCH_CORS = "https://fetch.spec.whatwg.org/#http-cors-protocol";

// docLink is where a step's source is documented for the user: the
// step's own link when it is one, else the platform's documentation the
// source names, else the CORS protocol in the Fetch standard. Sources
// that are files of this project are never shown.
export function docLink(spec) {
  if (typeof spec === "string" && /^https:\/\//.test(spec)) return spec;
  if (typeof spec === "string") for (const [re, url] of DOCS) if (re.test(spec)) return url;
  return FETCH_CORS;
}

// plain removes from an engine text what only the project's own files
// explain: references to shared/reference/ documents and their sections.
// The engine's messages no longer cite them (engine/all's
// TestMessagesCiteNoNotes), so this guards what a step's text quotes; a
// public standard's section ("Fetch §2.2.1") stays.
export function plain(text) {
  if (typeof text !== "string") return "";
  return text
    .replace(/\s*\((?:see\s+)?(?:shared\/reference\/)?[\w./-]+\.md(?:\s*§\s*[\d.]+)?[^()]*(?:\([^()]*\)[^()]*)*\)/g, "")
    .replace(/\s*(?:see\s+)?(?:shared\/reference\/)?[\w./-]+\.md(?:\s*§\s*[\d.]+)?/g, "")
    .replace(/\s+([.,;:])/g, "$1")
    .trim();
}

// lowerFirst keeps an engine sentence readable after a colon.
function lowerFirst(s) {
  return s && /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}

function sentence(s) {
  s = s.trim();
  return s === "" || /[.!?]$/.test(s) ? s : s + ".";
}

// The words a step detail adds after a rule's condition: "(at $[1])".
function dropAt(s) {
  return s.replace(/\s*\(at \$[^)]*\)/g, "");
}

function stepBase(s) {
  return (s.id || "").replace(/^hop\[\d+\]\./, "");
}

// closestRule is the rule that decided the server's answer: the matched
// one, or, when none matched, the last that matched the origin (the one
// a reader looks at to learn what is missing), or null.
export function closestRule(rules) {
  if (!Array.isArray(rules) || !rules.length) return null;
  const m = rules.find((r) => r.matched);
  if (m) return m;
  const near = rules.filter((r) => r.failed && r.failed !== "origin");
  return near.length ? near[near.length - 1] : null;
}

// summaryOf is the verdict in one or two sentences: the engine's summary
// when it wrote one, else one built from the first failing step's detail
// and, when a server rule decided, that rule's condition. It never
// names a DevTools reason.
export function summaryOf(v, browser) {
  if (v && typeof v.summary === "string" && v.summary.trim() !== "") return plain(v.summary);
  const who = browserName(browser);
  if (v.allowed) {
    return who + " lets the page read the response" + (v.status ? " (status " + v.status + ")" : "") + ": every CORS check passes.";
  }
  const steps = Array.isArray(v.steps) ? v.steps : [];
  const failing = steps.filter((s) => s.status === "fail");
  const check = failing.find((s) => !/^server\./.test(stepBase(s))) || failing[0];
  const parts = [];
  const rule = closestRule(v.rules);
  if (rule && !rule.matched && rule.detail) {
    parts.push(sentence("No rule of the server's configuration allows this request: rule " + (rule.index + 1) + " comes closest, but " + lowerFirst(plain(dropAt(rule.detail)))));
  }
  const reply = v.preflight && v.preflight.reply && check && stepBase(check).startsWith("preflight") ? v.preflight.reply : null;
  if (reply && reply.status && (reply.status < 200 || reply.status > 299)) {
    parts.push("The server answered the preflight " + reply.status + ".");
  }
  if (check && check.detail) {
    parts.push(who + " blocks the fetch: " + lowerFirst(sentence(plain(dropAt(check.detail)))));
  } else {
    parts.push(who + " blocks the fetch" + (v.exception ? ", and the promise rejects with " + v.exception : "") + ".");
  }
  return parts.join(" ");
}

// ---------- errors at their fields ----------

const FIELDS = {
  "$.request.origin": ["origin", "Page origin"],
  "$.request.url": ["url", "URL"],
  "$.request.method": ["method", "Method"],
  "$.request.credentials": ["credentials", "Credentials"],
  "$.request.mode": ["mode", "Mode"],
  "$.request.body": ["body-type", "Body"],
  "$.request.body_type": ["body-type", "Body"],
  "$.browser": ["browser", "Browser"],
};

// fieldOf says where a fault of the engine's error belongs: a form field
// (its id), a header row (header: its index), or the pasted text
// ("text", with its line and column), and the message in plain words.
export function fieldOf(e) {
  const path = typeof e.path === "string" ? e.path : "";
  let msg = plain(e.message || "").replace(/ at byte \d+ of "[^"]*"/, "").replace(/ at byte \d+/, "");
  const hm = /^\$\.request\.headers\[(\d+)\]/.exec(path);
  if (hm) return { header: Number(hm[1]), message: sentence(msg.charAt(0).toUpperCase() + msg.slice(1)) };
  for (const k of Object.keys(FIELDS)) {
    if (path === k || path.startsWith(k + ".") || path.startsWith(k + "[")) {
      const [id, label] = FIELDS[k];
      return { field: id, message: sentence(label + ": " + msg) };
    }
  }
  if (path.startsWith("$.request") || path === "$") return { field: "", message: sentence(msg) };
  const where = e.line ? "Line " + e.line + (e.column ? ", column " + e.column : "") + ": " : "";
  return { text: true, line: e.line || 0, column: e.column || 0, message: sentence(where + msg) };
}

// ---------- where a rule is in the pasted text ----------

// lineSpan returns the first and last line (1-based) that the JSON value
// at path ("$[1]", "$.CORSRules[0]", "$.a.b[2]") spans in text, a "line
// N" path's line, or null when the text is not JSON or has no such value.
export function lineSpan(text, path) {
  if (typeof path !== "string" || typeof text !== "string") return null;
  const ln = /^line (\d+)/i.exec(path);
  if (ln) return { first: Number(ln[1]), last: Number(ln[1]) };
  if (!path.startsWith("$")) return null;
  const keys = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return null;
    keys.push(m[2] !== undefined ? Number(m[2]) : m[1] !== undefined ? m[1] : m[3]);
  }
  const span = jsonSpan(text, keys);
  if (!span) return null;
  const lineAt = (off) => text.slice(0, off).split("\n").length;
  return { first: lineAt(span[0]), last: lineAt(span[1]) };
}

// ruleSpan returns the lines rule r of the engine's verdict spans in
// text: the JSON value at its path, else the line the engine gives for
// it (rules[].line: where the rule starts in XML or YAML), else null.
export function ruleSpan(text, r) {
  if (!r) return null;
  const span = lineSpan(text, r.path);
  if (span) return span;
  const n = Number(r.line);
  return Number.isInteger(n) && n > 0 ? { first: n, last: n } : null;
}

// jsonSpan finds the value at keys in JSON text by a small scanner that
// keeps offsets; [start, end) or null.
function jsonSpan(text, keys) {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = () => {
    const s = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(s, i));
    } catch (e) {
      return null;
    }
  };
  // value skips one value, returning its span; at depth d < keys.length
  // it descends into the member keys[d] instead and returns that span.
  const value = (d) => {
    ws();
    const start = i;
    const c = text[i];
    if (c === "{" || c === "[") {
      i++;
      let n = 0;
      let found = null;
      for (;;) {
        ws();
        if (text[i] === (c === "{" ? "}" : "]")) {
          i++;
          break;
        }
        if (i >= text.length) return null;
        let key = n;
        if (c === "{") {
          if (text[i] !== '"') return null;
          key = str();
          ws();
          if (text[i] !== ":") return null;
          i++;
        }
        if (d < keys.length && key === keys[d] && !found) {
          found = value(d + 1);
          if (!found) return null;
        } else if (!skip()) return null;
        n++;
        ws();
        if (text[i] === ",") i++;
      }
      if (d < keys.length) return found;
      return [start, i];
    }
    if (d < keys.length) return null;
    return skip() ? [start, i] : null;
  };
  const skip = () => {
    ws();
    const c = text[i];
    if (c === '"') {
      str();
      return true;
    }
    if (c === "{" || c === "[") {
      let depth = 0;
      while (i < text.length) {
        const ch = text[i];
        if (ch === '"') {
          str();
          continue;
        }
        if (ch === "{" || ch === "[") depth++;
        else if (ch === "}" || ch === "]") {
          depth--;
          if (depth === 0) {
            i++;
            return true;
          }
        }
        i++;
      }
      return false;
    }
    const m = /^[^,\]}\s]+/.exec(text.slice(i, i + 64));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  return value(0);
}
