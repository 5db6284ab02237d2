// Tests of site/words.mjs, the page's pure functions: node --test
// e2e/simulator/node (TestWordsNode runs it from go test).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as w from "../../../site/words.mjs";

const s3 = '[\n  {\n    "AllowedOrigins": ["https://other.example"],\n    "AllowedMethods": ["GET"]\n  },\n  {\n    "AllowedOrigins": ["https://app.example"],\n    "AllowedMethods": ["GET", "PUT"]\n  }\n]\n';

test("lineSpan finds a rule of a JSON policy by its path", () => {
  const cases = [
    { desc: "second rule of a top-level array", text: s3, path: "$[1]", want: { first: 6, last: 9 } },
    { desc: "first rule", text: s3, path: "$[0]", want: { first: 2, last: 5 } },
    { desc: "a member inside a rule", text: s3, path: "$[1].AllowedMethods", want: { first: 8, last: 8 } },
    { desc: "a path under an object key", text: '{"CORSRules": [\n {"a": 1},\n {"b": 2}\n]}', path: "$.CORSRules[1]", want: { first: 3, last: 3 } },
    { desc: "a line path (nginx)", text: "x\ny\n", path: "line 2", want: { first: 2, last: 2 } },
    { desc: "no such index", text: s3, path: "$[5]", want: null },
    { desc: "not JSON", text: "<CORSConfiguration>", path: "$[0]", want: null },
  ];
  for (const c of cases) assert.deepEqual(w.lineSpan(c.text, c.path), c.want, c.desc);
});

test("ruleSpan takes the JSON path's lines, else the engine's rules[].line (XML, YAML)", () => {
  const xml = "<CORSConfiguration>\n <CORSRule>\n  <AllowedMethod>GET</AllowedMethod>\n </CORSRule>\n</CORSConfiguration>\n";
  const yaml = "Resources:\n  B:\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedMethods: [GET]\n";
  const cases = [
    { desc: "JSON: the path's whole value, though a line is given", text: s3, r: { path: "$[1]", line: 6 }, want: { first: 6, last: 9 } },
    { desc: "S3 XML: the path is no JSON path; the engine's line", text: xml, r: { path: "CORSConfiguration/CORSRule[1]", line: 2 }, want: { first: 2, last: 2 } },
    { desc: "YAML: the JSON path does not read; the engine's line", text: yaml, r: { path: "$.Resources.B.Properties.CorsConfiguration.CorsRules[0]", line: 6 }, want: { first: 6, last: 6 } },
    { desc: "no line, no JSON", text: yaml, r: { path: "$.Resources" }, want: null },
    { desc: "no rule", text: s3, r: null, want: null },
  ];
  for (const c of cases) assert.deepEqual(w.ruleSpan(c.text, c.r), c.want, c.desc);
});

test("redact replaces credentials and presigned signatures, and nothing else", () => {
  const sc = {
    request: {
      url: "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc&x=1",
      headers: [["Authorization", "Bearer t"], ["Content-Type", "text/plain"], ["cookie", "a=b"], ["Proxy-Authorization", "Basic x"]],
    },
    then: [{ request: { url: "https://a.blob.core.windows.net/c?sv=1&sig=zz", headers: { Authorization: "k" } } }],
    routes: [{ url: "https://storage.googleapis.com/b/o?X-Goog-Signature=ff&X-Amz-Security-Token=q" }],
  };
  const r = w.redact(sc);
  assert.equal(r.scenario.request.url, "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&x=1");
  assert.deepEqual(r.scenario.request.headers, [["Authorization", "REDACTED"], ["Content-Type", "text/plain"], ["cookie", "REDACTED"], ["Proxy-Authorization", "REDACTED"]]);
  assert.equal(r.scenario.then[0].request.url, "https://a.blob.core.windows.net/c?sv=1&sig=REDACTED");
  assert.deepEqual(r.scenario.then[0].request.headers, { Authorization: "REDACTED" });
  assert.equal(r.scenario.routes[0].url, "https://storage.googleapis.com/b/o?X-Goog-Signature=REDACTED&X-Amz-Security-Token=REDACTED");
  assert.equal(r.redacted.length, 9);
  assert.equal(sc.request.headers[0][1], "Bearer t", "the original is left as it was");
});

test("fragmentOf is #s= and base64url without padding, capped", () => {
  const f = w.fragmentOf({ request: { url: "https://a.example/?é" } }, true);
  assert.match(f.fragment, /^#s=[A-Za-z0-9_-]+$/);
  assert.deepEqual(JSON.parse(w.b64urlDecode(f.fragment.slice(3))), { request: { url: "https://a.example/?é" } });
  assert.equal(f.tooLong, false);
  const big = w.fragmentOf({ request: { url: "https://a.example/" + "x".repeat(w.LINK_CAP) } }, true);
  assert.equal(big.tooLong, true);
});

test("readFragment reads fragmentOf's link, the SDK preset with it", () => {
  const sc = { request: { url: "https://a.example/?é" } };
  const f = w.fragmentOf(sc, true, "s3-uploadpart");
  assert.match(f.fragment, /^#s=[A-Za-z0-9_-]+&sdk=s3-uploadpart$/);
  const r = w.readFragment(f.fragment);
  assert.deepEqual(JSON.parse(r.json), sc);
  assert.equal(r.sdk, "s3-uploadpart");
  assert.equal(w.readFragment(w.fragmentOf(sc, true, "").fragment).sdk, "");
  assert.equal(w.readFragment("#x=1"), null);
});

test("plain drops project files and their sections, not a standard's", () => {
  const cases = [
    ["The s3-json policy answered. (shared/reference/cloud-policies.md §1.3 (S3: first rule matching))", "The s3-json policy answered."],
    ["Chrome differs (browser-cors.md §1.8).", "Chrome differs."],
    ["a forbidden method: fetch() never sends it (Fetch §2.2.1 forbidden method; the jub0bs/cors middleware refuses such a configuration as invalid)", "a forbidden method: fetch() never sends it (Fetch §2.2.1 forbidden method; the jub0bs/cors middleware refuses such a configuration as invalid)"],
  ];
  for (const [in_, want] of cases) assert.equal(w.plain(in_), want);
  assert.equal(w.docLink("shared/reference/cloud-policies.md §1.3 (S3: first rule)"), "https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html");
  assert.equal(w.docLink("shared/reference/browser-cors.md §3"), w.FETCH_CORS);
});

test("summaryOf prefers the engine's summary and never names the DevTools reason", () => {
  assert.equal(w.summaryOf({ summary: "S3 answered 403.", reason: "X" }, "chrome"), "S3 answered 403.");
  const v = {
    allowed: false, reason: "PreflightMissingAllowOriginHeader",
    preflight: { sent: true, reply: { status: 403 } },
    rules: [{ index: 0, failed: "origin", detail: "o" }, { index: 1, failed: "headers", detail: 'requested header "x-amz-meta-owner" matches no AllowedHeader of ["content-type"]' }],
    steps: [{ id: "server.preflight.rule[1]", status: "fail", detail: "first condition (at $[1])" },
      { id: "preflight.allow-origin", status: "fail", detail: "The response has no Access-Control-Allow-Origin header." }],
  };
  const s = w.summaryOf(v, "chrome");
  assert.match(s, /rule 2/);
  assert.match(s, /x-amz-meta-owner/);
  assert.match(s, /403/);
  assert.match(s, /Chrome blocks the fetch: the response has no Access-Control-Allow-Origin header\./);
  assert.doesNotMatch(s, /PreflightMissingAllowOriginHeader/);
});

test("fieldOf places each fault", () => {
  assert.deepEqual(w.fieldOf({ path: "$.request.origin", message: 'not an absolute URL (no scheme) at byte 0 of "app.example"' }),
    { field: "origin", message: "Page origin: not an absolute URL (no scheme)." });
  assert.equal(w.fieldOf({ path: "$.request.headers[2].name", message: "bad" }).header, 2);
  assert.deepEqual(w.fieldOf({ path: "$[0].AllowedMethods[1]", line: 4, column: 31, message: "Unsupported method is FOO" }),
    { text: true, line: 4, column: 31, message: "Line 4, column 31: Unsupported method is FOO." });
});

import { scenario, formOf } from "../../../site/state.mjs";
import { exchange } from "../../../site/exchange.mjs";
import { REQ_PRESETS, SRV_PRESETS } from "../../../site/presets.mjs";

test("scenario and formOf are each other's inverse on the form's fields", () => {
  const cases = [
    { desc: "raw replies, a string body", st: { browser: "firefox", origin: "https://a.example", url: "https://b.example/x", method: "PUT", headers: [["X-A", "1"]], credentials: "include", mode: "cors", body: "string", unauthorized: false, source: "raw", format: "auto", policy: "", raw: "HTTP/1.1 204\n", extra: null } },
    { desc: "a policy, a Blob body, a later fetch kept as extra", st: { browser: "chrome", origin: "https://a.example", url: "https://b.example/", method: "POST", headers: [], credentials: "same-origin", mode: "no-cors", body: "blob:application/json", unauthorized: true, source: "policy", format: "s3-json", policy: "[]", raw: "", extra: { then: [{ request: { url: "https://b.example/" } }] } } },
  ];
  for (const c of cases) {
    const lost = [];
    const back = formOf(scenario(c.st, c.st.browser), lost);
    assert.deepEqual(lost, [], c.desc);
    for (const k of ["browser", "origin", "url", "method", "headers", "credentials", "mode", "body", "unauthorized", "source", "extra"]) assert.deepEqual(back[k], c.st[k], c.desc + ": " + k);
    assert.equal(back[c.st.source === "raw" ? "raw" : "policy"], c.st.source === "raw" ? c.st.raw : c.st.policy, c.desc);
  }
  // The authorizer's refusal is the contract's caller (engine/explain
  // Caller), absent when the caller is let through.
  const base = { origin: "https://a.example", url: "https://b.example/", method: "GET", headers: [], credentials: "include", mode: "cors", body: "", source: "raw", raw: "", extra: null };
  assert.deepEqual(scenario({ ...base, unauthorized: true }, "chrome").caller, { authorized: false });
  assert.equal("caller" in scenario({ ...base, unauthorized: false }, "chrome"), false);
  assert.equal(formOf({ request: { url: "https://b.example/" }, caller: { authorized: true } }, []).unauthorized, false);
  const lost = [];
  formOf({ request: { url: "https://b.example/", redirect: "manual" }, response: { status: 0 } }, lost);
  assert.deepEqual(lost, ["request.redirect", "a reply with status 0"]);
  // A redirected preflight is held, with the notes that tell the
  // engine's raw reader which reply answers the preflight (found as a
  // new user would: it read as a redirect curl -L followed).
  const held = [];
  const st = formOf({ request: { url: "https://b.example/x", method: "put" }, preflight: { status: 301, headers: [["Location", "https://b.example/y"]] }, response: { status: 200, headers: [] } }, held);
  assert.deepEqual(held, []);
  const xhr = [];
  formOf({ request: { url: "https://b.example/x", api: "xhr" } }, xhr);
  assert.deepEqual(xhr, ["an XMLHttpRequest (the form sends it with fetch())"]);
  assert.equal(st.raw, "# reply to the preflight (OPTIONS)\nHTTP/1.1 301\nLocation: https://b.example/y\n\n# reply to the PUT request\nHTTP/1.1 200\n");
});

test("exchange pictures a refused preflight as decided, with the reason", () => {
  const st = { origin: "https://a.example", url: "https://b.example/x", method: "PUT", extra: null };
  const v = {
    allowed: false, actual_sent: false,
    preflight: { sent: true, request: { headers: [["Origin", "https://a.example"]] }, reply: { status: 403, headers: [["Content-Type", "application/xml"]] } },
    steps: [{ id: "server.preflight.rule[0]", status: "fail", detail: "x (at $[0])" }, { id: "preflight.allow-origin", status: "fail", detail: "The response has no Access-Control-Allow-Origin header." }],
    requests: [{ preflight: true, method: "OPTIONS", url: st.url, status: 403 }],
  };
  const x = exchange(st, v);
  assert.equal(x.chain, false);
  assert.deepEqual(x.msgs.map((m) => [m.dir, m.title, !!m.decided]), [
    ["out", "Preflight: OPTIONS https://b.example/x", false],
    ["in", "Preflight reply: 403", true],
    ["out", "Request: PUT https://b.example/x — not sent", false],
  ]);
  assert.equal(x.msgs[1].why, "The response has no Access-Control-Allow-Origin header.");
});

test("exchange marks a reply's header line with what its failed check says, a passed one with the check unless it is the header's name", () => {
  // engine/explain's steps for the page's first scenario: the check's
  // title names it, the detail says what is wrong.
  const st = { origin: "https://a.example", url: "https://b.example/x", method: "POST", extra: null };
  const v = {
    allowed: false, actual_sent: false,
    preflight: { sent: true, request: { headers: [] }, reply: { status: 204, headers: [["Access-Control-Allow-Origin", "https://a.example"], ["Access-Control-Allow-Headers", "Content-Type"]] } },
    steps: [
      { id: "preflight.allow-origin", status: "pass", title: "Access-Control-Allow-Origin", header: "Access-Control-Allow-Origin: https://a.example" },
      { id: "preflight.allow-headers[authorization]", status: "fail", title: "Header authorization allowed", detail: "Access-Control-Allow-Headers must list authorization.", header: "Access-Control-Allow-Headers: Content-Type" },
    ],
    requests: [{ preflight: true, method: "OPTIONS", url: st.url, status: 204 }],
  };
  const lines = exchange(st, v).msgs[1].lines;
  // A passed check named as its header says nothing the line does not
  // (found as a new user would: the name twice on one line).
  assert.deepEqual(lines.map((l) => [l.mark, l.why]), [["✓", ""], ["✗", "Access-Control-Allow-Headers must list authorization."]]);
});

test("presets are whole requests and servers", () => {
  for (const [k, p] of Object.entries(REQ_PRESETS)) for (const f of ["origin", "url", "method", "headers", "credentials", "mode", "body"]) assert.ok(f in p, k + " lacks " + f);
  for (const [k, p] of Object.entries(SRV_PRESETS)) assert.ok(typeof p.text === "string" || typeof p.raw === "string", k + " has no text");
});

import { readFileSync } from "node:fs";

test("every server preset is offered in the page's list, and every option has its preset", () => {
  const html = readFileSync(new URL("../../../site/index.html", import.meta.url), "utf8");
  const list = html.slice(html.indexOf('<select id="srv-preset">'), html.indexOf("</select>", html.indexOf('<select id="srv-preset">')));
  const offered = [...list.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...offered].sort(), Object.keys(SRV_PRESETS).sort());
  // The proxies and hosting read by the full engine (issue 17), each in
  // its own words, detected from its text.
  const own = {
    "ingress-nginx": /nginx\.ingress\.kubernetes\.io\/cors-allow-origin: "https:\/\/app\.example, https:\/\/admin\.app\.example"/,
    traefik: /accessControlAllowOriginList:/,
    netlify: /^\/v1\/\*\n  Access-Control-Allow-Origin: https:\/\/app\.example\n/,
    vercel: /"headers": \[/,
    firebase: /"hosting": \{/,
  };
  for (const [k, re] of Object.entries(own)) {
    assert.equal(SRV_PRESETS[k].format, "auto", k);
    assert.match(SRV_PRESETS[k].text, re, k);
  }
  assert.doesNotMatch(SRV_PRESETS.traefik.text, /addVaryHeader/, "the Traefik preset shows a list without Vary");
});
