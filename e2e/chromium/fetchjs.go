package chromium

import "strconv"

// FetchJS returns the page-side driver of the differential harnesses: a
// function of one scenario request that runs fetch() with it and reports
// what the page can see (PageResult). The driver then waits settleMillis
// so that the browser's console entries about a finished load arrive
// before its result; asJSON returns the result as a JSON string, which
// WebDriver BiDi reads more simply than an object.
func FetchJS(settleMillis int, asJSON bool) string {
	result := "out"
	if asJSON {
		result = "JSON.stringify(out)"
	}
	return fetchJSHead + strconv.Itoa(settleMillis) + "));\n  return " + result + ";\n})"
}

const fetchJSHead = `(async (s) => {
  const out = {resolved: false, exception: "", status: 0, type: "", headers: [], body_error: ""};
  if (s.api === "xhr") {
    // XMLHttpRequest has no promise: the page sees load or error events,
    // status, readyState and getAllResponseHeaders
    // (https://xhr.spec.whatwg.org/). withCredentials is set for
    // credentials "include" only.
    try {
      await new Promise((done) => {
        const x = new XMLHttpRequest();
        x.open(s.method || "GET", s.url);
        x.withCredentials = s.credentials === "include";
        for (const [k, v] of (s.headers || [])) x.setRequestHeader(k, v);
        x.onload = () => {
          out.resolved = true;
          out.status = x.status;
          const names = new Set();
          for (const l of x.getAllResponseHeaders().split("\r\n")) {
            const i = l.indexOf(":");
            if (i > 0) names.add(l.slice(0, i).trim().toLowerCase());
          }
          out.headers = [...names].sort();
          done();
        };
        x.onerror = () => {
          out.exception = "XMLHttpRequest error event (status " + x.status + ", readyState " + x.readyState + ")";
          done();
        };
        x.send(s.body == null ? null : s.body);
      });
    } catch (e) {
      out.exception = String(e);
    }
  } else try {
    const init = {};
    if (s.method) init.method = s.method;
    if (s.headers && s.headers.length) init.headers = s.headers;
    if (s.credentials) init.credentials = s.credentials;
    if (s.mode) init.mode = s.mode;
    if (s.redirect) init.redirect = s.redirect;
    const bt = s.body_type || "";
    if (s.body !== null && s.body !== undefined || bt) {
      const body = s.body == null ? "" : s.body;
      if (bt.startsWith("blob:")) init.body = new Blob([body], {type: bt.slice(5)});
      else if (bt === "urlsearchparams") init.body = new URLSearchParams(body);
      else if (bt === "formdata") { const f = new FormData(); f.append("f", body); init.body = f; }
      else if (bt === "stream") {
        init.body = new ReadableStream({start(c) { c.enqueue(new TextEncoder().encode(body)); c.close(); }});
        init.duplex = "half";
      } else init.body = body;
    }
    const r = await fetch(s.url, init);
    out.resolved = true;
    out.status = r.status;
    out.type = r.type;
    const names = new Set();
    for (const [k] of r.headers) names.add(k);
    out.headers = [...names].sort();
    try { await r.arrayBuffer(); } catch (e) { out.body_error = String(e); }
  } catch (e) {
    out.exception = String(e);
  }
  await new Promise(r => setTimeout(r, `

// PageResult is what FetchJS reports.
type PageResult struct {
	Resolved  bool     `json:"resolved"`
	Exception string   `json:"exception"`
	Status    int      `json:"status"`
	Type      string   `json:"type"`
	Headers   []string `json:"headers"`
	BodyError string   `json:"body_error"`
}
