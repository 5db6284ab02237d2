package explain

import (
	"strconv"

	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
)

// checkRoutes reports the faults of s.Routes, each at its JSON path: more
// than limits.Routes entries, a URL that is missing, does not parse or is
// not http(s) (a browser follows redirects to nothing else), and a URL
// listed twice. Two entries are the same URL when they serialize alike
// (engine/origin), since that is how a request meets its route; a route
// at the request's own URL is refused too, as its replies are the
// scenario's preflight and response. Refusing, rather than letting the
// first or last entry win, keeps a scenario meaning one thing.
func checkRoutes(s Scenario) policy.Errors {
	var errs policy.Errors
	if len(s.Routes) > limits.Routes {
		return policy.Errors{{Path: "$.routes", Msg: strconv.Itoa(len(s.Routes)) + " routes; at most " + strconv.Itoa(limits.Routes)}}
	}
	if len(s.Routes) == 0 {
		return nil
	}
	self := ""
	if u, err := origin.ParseURL(s.Request.URL); err == nil {
		self = u.String()
	}
	first := make(map[string]int, len(s.Routes))
	for i, r := range s.Routes {
		path := "$.routes[" + strconv.Itoa(i) + "].url"
		if r.URL == "" {
			errs = append(errs, &policy.Error{Path: path, Msg: "missing: the URL these replies answer"})
			continue
		}
		u, err := origin.ParseURL(r.URL)
		if err != nil {
			errs = append(errs, &policy.Error{Path: path, Msg: err.Error()})
			continue
		}
		if !u.IsHTTP() {
			errs = append(errs, &policy.Error{Path: path, Msg: "want an http or https URL: a fetch follows redirects to nothing else"})
			continue
		}
		key := u.String()
		if key == self {
			errs = append(errs, &policy.Error{Path: path, Msg: key + " is the request's URL; its replies are $.preflight and $.response"})
			continue
		}
		if j, ok := first[key]; ok {
			errs = append(errs, &policy.Error{Path: path, Msg: "duplicate route: " + key + " is also $.routes[" + strconv.Itoa(j) + "].url"})
			continue
		}
		first[key] = i
	}
	return errs
}

// routeIndex maps each route's serialized URL to its index in s.Routes,
// for a scenario checkRoutes accepts.
func routeIndex(s Scenario) map[string]int {
	if len(s.Routes) == 0 {
		return nil
	}
	m := make(map[string]int, len(s.Routes))
	for i, r := range s.Routes {
		if u, err := origin.ParseURL(r.URL); err == nil {
			m[u.String()] = i
		}
	}
	return m
}
