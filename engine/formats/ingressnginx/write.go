package ingressnginx

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// cleanPath is a path the controller takes as it is (its strict path
// validation accepts letters, digits and / _ . ~ -).
var cleanPath = regexp.MustCompile(`^/[A-Za-z0-9/_.~-]*$`)

// WriteRules writes p as Ingress manifests (convert.Writer): one Ingress
// a rule, with no host (the default server serves every host) and its
// paths as Prefix paths ("/" when it has none), the backend a Service
// the user names. What the annotations cannot say without allowing more
// is refused: "*" methods or headers (its validation would replace them
// with its defaults), values its checks refuse (which would become "*"
// or a default), two rules for one path (the controller keeps the
// first). Differences are noted: a subdomain wildcard covers one label;
// "*" cannot carry credentials; no Vary: Origin.
func (*Format) WriteRules(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	if bad := portable.PathPerRule(p, "with no rule, write no Ingress", "ingress-nginx answers a request from one location, so rules can differ only by path"); len(bad) > 0 {
		return "", &portable.Error{Msgs: bad}
	}
	var b strings.Builder
	b.WriteString("# Written by whycors for the ingress-nginx controller (v1.x): set each\n# rule's host and the Service and port behind it.\n")
	vary := false
	for i, r := range p.Rules {
		ann := rule(i, r, n)
		if !r.AnyOrigin() {
			vary = true
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		name := "cors-" + strconv.Itoa(i+1)
		if i < len(names) && dnsLabel.MatchString(names[i]) {
			name = names[i]
		}
		b.WriteString("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: " + name + "\n  annotations:\n")
		for _, kv := range ann {
			b.WriteString("    " + Prefix + kv[0] + ": " + quoted(kv[1]) + "\n")
		}
		b.WriteString("spec:\n  ingressClassName: nginx\n  rules:\n  - http:\n      paths:\n")
		paths := r.Paths
		if len(paths) == 0 {
			paths = []string{"/"}
		}
		for _, path := range paths {
			if !cleanPath.MatchString(path) {
				n.Refuse(i, "paths", strconv.Quote(path)+" has a character the controller's path validation refuses")
				continue
			}
			if path != "/" {
				path = strings.TrimSuffix(path, "/")
			}
			b.WriteString("      - path: " + path + "\n        pathType: Prefix\n        backend:\n          service:\n            name: app\n            port:\n              number: 80\n")
		}
	}
	if vary {
		n.Note(-1, "", portable.Differs, "ingress-nginx echoes the allowed origin without Vary: Origin: a cache in front may give one origin's reply to another; have the backend send Vary: Origin")
	}
	if err := n.Err(); err != nil {
		return "", err
	}
	return b.String(), nil
}

var (
	dnsLabel   = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	methodName = regexp.MustCompile(`^[A-Za-z]+$`)
	headerName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// rule is the annotations (name, value) of rule i, noting and refusing
// in n.
func rule(i int, r portable.Rule, n *portable.Notes) [][2]string {
	out := [][2]string{{"enable-cors", "true"}}
	var origins []string
	for _, o := range r.Origins {
		switch {
		case o == "*":
			origins = []string{"*"}
			if r.Credentials {
				n.Note(i, "origins", portable.Narrower, "ingress-nginx answers \"*\" literally, and browsers refuse it on credentialed requests: it cannot echo every origin")
			}
		case o == "null":
			origins = append(origins, o)
		case !originValid.MatchString(o):
			n.Refuse(i, "origins", strconv.Quote(o)+" is not an origin the controller's validation accepts (lower-case scheme://host[:port]); one refused value makes it allow every origin")
		case strings.ToLower(o) != o:
			n.Refuse(i, "origins", strconv.Quote(o)+" has capitals: ingress-nginx compares origins without regard to case, so it would allow "+strings.ToLower(o)+", which this rule does not")
		default:
			if _, _, ok := portable.SplitWildcard(o); ok {
				n.Note(i, "origins", portable.Narrower, o+" covers one label in ingress-nginx (its regex is [A-Za-z0-9-]+), not deeper subdomains")
			}
			origins = append(origins, o)
		}
		if len(origins) == 1 && origins[0] == "*" {
			break
		}
	}
	out = append(out, [2]string{"cors-allow-origin", strings.Join(origins, ", ")})
	list := func(field string, xs []string, re *regexp.Regexp, what string) []string {
		var ok []string
		for _, x := range xs {
			if x == "*" || !re.MatchString(x) {
				n.Refuse(i, field, strconv.Quote(x)+" is not "+what+" the controller accepts: it would replace the whole list with its default")
				continue
			}
			ok = append(ok, x)
		}
		return ok
	}
	methods := list("methods", r.Methods, methodName, "a method")
	if len(r.Methods) == 0 {
		methods = []string{"GET", "HEAD", "POST"}
	}
	out = append(out, [2]string{"cors-allow-methods", strings.Join(methods, ", ")})
	hdrs := list("allow_headers", r.AllowHeaders, headerName, "a header name")
	if len(hdrs) == 0 {
		// Absent or empty, the controller sends its default list; Keep-Alive
		// is a forbidden header name (Fetch §2.2.2), which no page sends.
		hdrs = []string{"Keep-Alive"}
	}
	out = append(out, [2]string{"cors-allow-headers", strings.Join(hdrs, ", ")})
	out = append(out, [2]string{"cors-allow-credentials", strconv.FormatBool(r.Credentials)})
	var expose []string
	for _, x := range r.ExposeHeaders {
		if x != "*" && !headerName.MatchString(x) {
			n.Refuse(i, "expose_headers", strconv.Quote(x)+" is not a header name the controller accepts")
			continue
		}
		expose = append(expose, x)
	}
	if len(expose) > 0 {
		out = append(out, [2]string{"cors-expose-headers", strings.Join(expose, ", ")})
	}
	// Without the annotation the controller sends 1728000; 5 is what a
	// browser assumes when no Access-Control-Max-Age comes.
	age := 5
	if r.MaxAge != nil {
		age = *r.MaxAge
	}
	out = append(out, [2]string{"cors-max-age", strconv.Itoa(age)})
	return out
}
