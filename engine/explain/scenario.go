// Package explain joins the browser model and the server side: it walks one
// fetch() through both and records every step, the verdict, each browser's
// console lines and the fixes. Its Scenario and Verdict types are the JSON
// contract of shared/design.md, spoken by `whycors explain`, the wasm API and
// the worker's explain endpoint.
//
// # Steps
//
// Verdict.Steps is the whole trace in order: why a preflight is or is not
// needed, the preflight as sent ("preflight.request", its header lines in
// Header), how the server answered ("server.preflight", then one
// "server.preflight.rule[i]" per rule the platform tried, failing ones
// naming their first condition that did not match), each browser check
// with the header line it read, the actual request ("actual.request",
// "server.actual", ...), the CORS check, the readable headers, how long
// each browser caches the preflight ("preflight.cache") and, when
// Chrome, Firefox and Safari reach different verdicts or reasons, a
// "browsers.differ" step (and Verdict.BrowsersDiffer).
//
// After a redirect, every step of the next hop has its ID prefixed with
// the hop ("hop[1].preflight.request", "hop[1].response.allow-origin"),
// and the server steps say whose reply answered: the scenario's own, a
// route's ($.routes[i]), or nobody's (an unconfigured server).
// Verdict.Requests lists every request sent, hop by hop.
//
// # Fixes
//
// When Options carries an Advisor (engine/explain/advise.New;
// advise.Options(all.Registry()) is the whole engine), a blocked verdict
// carries fixes,
// each verified by running the engine on
// the changed scenario (Fix.AllowedIn lists the browsers where it passes):
// an edit of the user's own policy text (engine/fix; Fix.Diff and
// Fix.Text; for a policy of several files, in the file where the value
// is written, a diff per file in Fix.Files, or a parameter's new value in
// Fix.Params), checked by engine/lint (no new error finding) and by a probe
// from a foreign origin (never "*" or an echoed origin with credentials);
// else the header lines the server must send (Format "headers", with the
// changed replies in Fix.Preflight and Fix.Response); or a change to the
// fetch() call (Where "client", Fix.Request) when the page is at fault.
// The search is bounded (a few dozen runs of one browser). A caller that
// explains on every keystroke sets "fixes": false in the scenario and
// calls Fixes when the user asks.
//
// # Warnings
//
// Verdict.Warnings lists traps whether or not they blocked this fetch:
// engine/lint's findings on the policy (S3's Vary only on a match, nginx
// add_header without always, Authorization under "*", max-age over a
// browser's cap, origins allowed too widely), API Gateway's gateway errors
// without CORS headers and HTTP APIs ignoring the backend's, and for raw
// replies a single origin without Vary: Origin and max-age caps.
package explain

import (
	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// Scenario is one fetch() and the server that answers it.
type Scenario struct {
	// Browser is "chrome" (default), "firefox", "safari" or "spec".
	Browser string  `json:"browser,omitempty"`
	Request Request `json:"request"`
	// Preflight and Response are raw replies: what the server answers the
	// OPTIONS request and the actual request. A missing Preflight means
	// 404 with no headers; a missing Response means 200 with no headers.
	Preflight *Reply `json:"preflight,omitempty"`
	Response  *Reply `json:"response,omitempty"`
	// Routes are the replies of other URLs: the targets of redirects. A
	// URL that is neither Request.URL nor a route's answers as a server
	// with no configuration (OPTIONS 404, other methods 200, no headers).
	// At most limits.Routes, each URL once.
	Routes []Route `json:"routes,omitempty"`
	// Then are later fetches of the same browser session, in order. They
	// share the browser's CORS-preflight cache with Request and with each
	// other, and meet the same server (Preflight, Response, Routes,
	// Policy). At most limits.Then.
	Then []Later `json:"then,omitempty"`
	// CDN, when set, is a shared HTTP cache between every page of the
	// session and the server (engine/cdn): it answers GET and HEAD
	// requests from the replies it stored, keyed by URL, the request
	// headers it names and, when it honours Vary, those the reply's Vary
	// names. At most limits.CDNKeyHeaders key headers.
	CDN *cdn.Config `json:"cdn,omitempty"`
	// Network, when set, places the page and the request's target in IP
	// address spaces for Local Network Access, with the page's
	// permission; every fetch of the session has the same.
	Network *Network `json:"network,omitempty"`
	// Caller is what sits beside CORS at the server: whether an
	// authorizer (API Gateway's Lambda, Cognito or IAM authorizer)
	// accepts the caller of the actual requests. Absent means
	// authorised. A preflight carries no credentials, so an authorizer
	// that runs on OPTIONS refuses it whatever Caller says.
	Caller *Caller `json:"caller,omitempty"`
	// Policy, when set, is the server instead of raw replies: its replies
	// come from the platform's evaluator (Response, if given, is what the
	// application behind it answers; a route's replies are what it answers
	// at the route's URL). A policy answers every URL.
	Policy *Policy `json:"policy,omitempty"`
	// Fixes set to false skips the fix search of a blocked verdict, for
	// callers that explain on every keystroke and ask for fixes later
	// (explain.Fixes). Absent means true.
	Fixes *bool `json:"fixes,omitempty"`
}

// Route is what the server answers at one URL other than the request's,
// as Scenario.Preflight and Scenario.Response do at the request's.
type Route struct {
	// URL is matched with each request's URL as the browser serializes
	// it (engine/origin: lowercase scheme and host, default port left
	// out, path percent-encoded, no fragment).
	URL       string `json:"url"`
	Preflight *Reply `json:"preflight,omitempty"`
	Response  *Reply `json:"response,omitempty"`
}

// Later is a later fetch of a session: its request (from any page
// origin) and how long after the end of the previous fetch it starts, in
// seconds (fractions allowed, at most limits.AfterSeconds). The model keeps
// no clock: the wait only moves the preflight cache's simulated time.
// Consecutive fetches from the page origin "null" run on one page with an
// opaque origin; a "null" fetch after one from another origin runs on a
// new page, whose opaque origin is its own (fetch.PreflightCache).
type Later struct {
	Request      Request `json:"request"`
	AfterSeconds float64 `json:"after_seconds"`
}

// Request is the fetch() call as the page makes it.
type Request struct {
	Origin string `json:"origin"`
	URL    string `json:"url"`
	// Init is the second argument to fetch(): method, headers,
	// credentials, mode, redirect and body, as the browser model reads it.
	fetch.Init
}

// Reply is a raw server reply: the engine's one reply type (wire.Reply),
// with the contract's JSON names.
type Reply = policy.Reply

// Network is where the page and the target live, for Local Network
// Access: page and target are "public", "local" or "loopback" (CDP's
// IPAddressSpace names); permission is "granted", "denied" or "prompt"
// (a prompt nobody answers). An empty field is "public" for the page and
// target and "prompt" for the permission.
type Network struct {
	Page       string `json:"page,omitempty"`
	Target     string `json:"target,omitempty"`
	Permission string `json:"permission,omitempty"`
}

// Caller is the scenario's caller (design.md, "The contract grows"):
// Authorized false when the server's authorizer refuses it.
type Caller struct {
	Authorized bool `json:"authorized"`
}

// unauthorized reports whether c says the authorizer refuses the caller.
func (c *Caller) unauthorized() bool { return c != nil && !c.Authorized }

// fetchNetwork is n as the browser model takes it, defaults filled in.
func (n *Network) fetchNetwork() *fetch.Network {
	if n == nil {
		return nil
	}
	out := fetch.Network{Page: n.Page, Target: n.Target, Permission: n.Permission}
	if out.Page == "" {
		out.Page = fetch.SpacePublic
	}
	if out.Target == "" {
		out.Target = fetch.SpacePublic
	}
	if out.Permission == "" {
		out.Permission = fetch.PermissionPrompt
	}
	return &out
}

// Policy is a server configuration in one of the registered formats:
// its text, or several files of one configuration (a template and its
// parameters file), with values for its parameters and the resource
// that answers (design.md, "The contract grows").
type Policy struct {
	Format string `json:"format"` // a registered format name, or "auto"
	Text   string `json:"text"`
	// Files are the configuration's files when it has several; Text,
	// when also set, is read as the first.
	Files []policy.File `json:"files,omitempty"`
	// Resource is which resource of a template answers (a logical ID or
	// a Terraform address).
	Resource string `json:"resource,omitempty"`
	// Params are values for the template's parameters or variables.
	Params map[string]string `json:"params,omitempty"`
}

// Source is p as the format reader takes it.
func (p *Policy) Source() policy.Source {
	return policy.Source{Text: p.Text, Files: p.Files, Params: p.Params, Resource: p.Resource}
}

// Verdict is what the chosen browser does with the scenario.
type Verdict struct {
	Browser string `json:"browser"`
	Allowed bool   `json:"allowed"`
	// Summary is the cause in one or two sentences of plain words: the
	// layer that answered, the rule and value that decided, what the
	// browser does with it, and which other browsers differ (the page's
	// headline, the CLI's first line).
	Summary   string         `json:"summary"`
	Preflight PreflightTrace `json:"preflight"`
	// ActualSent reports whether the actual request reached the server.
	ActualSent bool `json:"actual_sent"`
	// ActualRequest is the actual request as sent (after the browser
	// dropped forbidden headers and added Origin), when sent.
	ActualRequest *policy.Request `json:"actual_request,omitempty"`
	// Reply is what the server answered the actual request, when sent.
	Reply *Reply `json:"reply,omitempty"`
	// Status is what response.status reads in the page: 0 when blocked
	// or opaque.
	Status int `json:"status"`
	// Type is response.type: "cors", "basic", "opaque", or "error".
	Type string `json:"type"`
	// ReadableHeaders are the lowercase names response.headers exposes to
	// the page, sorted.
	ReadableHeaders []string `json:"readable_headers"`
	// Reason is DevTools' Network.CorsError name, or one of ours for
	// failures outside that enum (see Reasons); empty when allowed.
	Reason string `json:"reason"`
	// Console is what the browser prints about this fetch, in order,
	// exactly as printed.
	Console []string `json:"console"`
	// Exception is the error the page's promise rejects with, such as
	// "TypeError: Failed to fetch"; empty when it resolves.
	Exception string `json:"exception,omitempty"`
	// PreflightCacheSeconds is how long this browser caches the preflight
	// result (0 when not cached or no preflight).
	PreflightCacheSeconds int `json:"preflight_cache_seconds"`
	// Requests is every request the browser sent for this fetch, in
	// order, preflights included, across redirect hops; empty when it
	// sent none.
	Requests []SentRequest `json:"requests"`
	// Then are the verdicts of the scenario's later fetches, one each, in
	// order; absent for a single fetch.
	Then []Verdict `json:"then,omitempty"`

	Steps    []Step          `json:"steps"`
	Rules    []Rule          `json:"rules,omitempty"`
	Fixes    []Fix           `json:"fixes"`
	Warnings []Warning       `json:"warnings,omitempty"`
	Browsers []BrowserResult `json:"browsers,omitempty"`
	// DecidedBy is the server's layer and place that decided the reply
	// the verdict turns on, when its configuration names one (a
	// template's resource, a gateway response in front of the CORS rule).
	DecidedBy *wire.Place `json:"decided_by,omitempty"`
	// RulesOfPreflight is set when Rules are the preflight's though the
	// fetch failed at its actual request, whose exchange no rule
	// answered (nginx's enable-cors.org snippet and a PUT: no if block
	// takes it). A fix search then has no rule of that request to edit,
	// and edits where the request is answered (advise.blocked).
	RulesOfPreflight bool `json:"-"`
	// Detected names the policy format when the scenario said "auto".
	Detected *policy.Detection `json:"detected,omitempty"`
	// BrowsersDiffer is set when Chrome, Firefox and Safari do not all
	// reach the same verdict, reason and console text (Browsers has each).
	BrowsersDiffer bool `json:"browsers_differ,omitempty"`

	failure *fetch.Failure // the model's failure, for the fix search
}

// PreflightTrace describes the CORS-preflight request.
type PreflightTrace struct {
	Sent bool `json:"sent"`
	// Cached is set when a preflight was needed but the browser's
	// CORS-preflight cache answered, from an earlier fetch of the session,
	// so none was sent.
	Cached bool `json:"cached,omitempty"`
	// Headers are the CORS request headers of the preflight, by lowercase
	// name: access-control-request-method and, when non-empty,
	// access-control-request-headers.
	Headers map[string]string `json:"headers,omitempty"`
	Request *policy.Request   `json:"request,omitempty"`
	Reply   *Reply            `json:"reply,omitempty"`
}

// SentRequest is one request the browser sent, as the server got it.
type SentRequest struct {
	// Preflight is set for a CORS-preflight request (OPTIONS).
	Preflight bool   `json:"preflight"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	// Origin is the Origin header as sent ("null" after a redirect
	// tainted the request's origin), empty when the request had none.
	Origin string `json:"origin,omitempty"`
	// ACRM and ACRH are a preflight's Access-Control-Request-Method and
	// Access-Control-Request-Headers, empty when not sent.
	ACRM string `json:"acrm,omitempty"`
	ACRH string `json:"acrh,omitempty"`
	// Status is the reply's status code, 0 when the connection closed
	// without one.
	Status int `json:"status"`
	// FromCDN is set when the scenario's CDN answered from its cache
	// instead of the server (which then did not see the request).
	FromCDN bool `json:"from_cdn"`
}

// Step is one check in the trace, pass or fail: the browser model's
// fetch.Check, and the steps this package adds (the request as sent, the
// server's rules) in the same shape.
type Step = fetch.Check

// Fix is a proposed change that makes the fetch pass, verified by running
// the engine again on the changed input.
type Fix struct {
	Where   string `json:"where"`   // "server" or "client"
	Summary string `json:"summary"` // one line
	// Format is the policy format of Text, "headers" for the header lines
	// of raw replies, or "fetch" for a client fix (Text is the fetch()
	// call).
	Format string `json:"format,omitempty"`
	Diff   string `json:"diff,omitempty"` // unified diff of the user's text
	Text   string `json:"text,omitempty"` // the whole changed text
	// Files are the files a fix changes when the policy came as files
	// (policy.files: a Terraform module's .tf and .tfvars, a template
	// and its parameter file), each with its name, its diff and its
	// whole changed text, in the policy's order: the fix edits the file
	// where the value it changes is written. Diff is then their diffs
	// one after another (each labelled with its file's name) and Text
	// the main file's changed text, absent when only another file
	// changed.
	Files []FileFix `json:"files,omitempty"`
	// Params are the new values of the policy's parameters (policy.params:
	// whycors' --param, Terraform's -var) a fix changes, when the value
	// it changes is given there and no file holds it.
	Params map[string]string `json:"params,omitempty"`
	// Steps lists each change made, in words, in the order applied.
	Steps []string `json:"steps,omitempty"`
	// Request is the changed request of a client fix; Preflight and
	// Response the changed replies of a "headers" fix: the scenario
	// fields to replace to apply the fix.
	Request   *Request `json:"request,omitempty"`
	Preflight *Reply   `json:"preflight,omitempty"`
	Response  *Reply   `json:"response,omitempty"`
	// CDN is the changed "cdn" of a fix of the scenario's own CDN (Format
	// "cdn": its cache key, or honouring Vary): the scenario field to
	// replace.
	CDN *CDN `json:"cdn,omitempty"`
	// AllowedIn lists the browsers in which the changed scenario passes,
	// as the engine computed it; the chosen browser is always one.
	AllowedIn []string `json:"allowed_in"`
}

// FileFix is one file a fix changes: its name (policy.files' name), the
// unified diff of its text and its whole changed text.
type FileFix struct {
	Name string `json:"name"`
	Diff string `json:"diff"`
	Text string `json:"text"`
}

// Warning is a trap that did not block this fetch but may bite.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Severity is "error", "warning" or "info" (engine/lint's scale).
	Severity string `json:"severity,omitempty"`
	// File, Line, Column and Path say where the trap is in the
	// policy, when it comes from there: File names the file of a policy
	// of several (policy.files), as decided_by's "file" does.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Path   string `json:"path,omitempty"`
}

// BrowserResult is the short verdict of one browser, so that a page can
// show where browsers disagree.
type BrowserResult struct {
	Browser string `json:"browser"`
	Allowed bool   `json:"allowed"`
	// fromCache: this browser's preflight cache answered the fetch, so
	// it sent no preflight and set no lifetime (the steps say so, where
	// "0 s" read as "not cached"; found as a new user would). Beside
	// Allowed, in its padding: the struct keeps its size.
	fromCache bool
	Reason    string   `json:"reason"`
	Console   []string `json:"console"`
	// PreflightCacheSeconds is how long this browser caches the preflight.
	PreflightCacheSeconds int `json:"preflight_cache_seconds"`
}

// Rule is one rule of the server's trace as the verdict shows it: what
// the server recorded, and its note in words.
type Rule struct {
	policy.Rule
	// Detail is the condition in words, with the values compared.
	Detail string `json:"detail,omitempty"`
}
