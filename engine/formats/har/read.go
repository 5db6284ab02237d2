package har

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Bounds: DevTools exports of long sessions run to tens of megabytes.
const (
	MaxSize    = 50 << 20
	MaxEntries = 100000
	MaxHeaders = 1000 // per request or response
)

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type initiator struct {
	Type      string `json:"type"`
	URL       string `json:"url"`
	RequestID string `json:"requestId"`
}

type entry struct {
	StartedDateTime string `json:"startedDateTime"`
	Request         struct {
		Method  string `json:"method"`
		URL     string `json:"url"`
		Headers []nv   `json:"headers"`
		Cookies []nv   `json:"cookies"`
	} `json:"request"`
	Response struct {
		Status      int     `json:"status"`
		StatusText  string  `json:"statusText"`
		Headers     []nv    `json:"headers"`
		RedirectURL string  `json:"redirectURL"`
		Error       *string `json:"_error"`
	} `json:"response"`
	ResourceType string     `json:"_resourceType"`
	Initiator    *initiator `json:"_initiator"`
	FromCache    string     `json:"_fromCache"`
	RequestID    string     `json:"_requestId"`
}

type file struct {
	Log *struct {
		Version string `json:"version"`
		Creator struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"creator"`
		Entries *[]json.RawMessage `json:"entries"`
	} `json:"log"`
}

// Log is a read HAR file.
type Log struct {
	Creator string // creator.name and version, e.g. "WebInspector 537.36"
	entries []entry
	pairs   map[int]int // actual entry index -> preflight entry index
	pre     map[int]bool
}

// Read parses a HAR file. Errors carry the line and column of the fault
// and, for an entry, its JSON path.
func Read(text string) (*Log, error) {
	if len(text) > MaxSize {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "HAR larger than " + strconv.Itoa(MaxSize>>20) + " MiB: export only the requests of interest"}}
	}
	// Fast path: decode the entries directly; only when that fails decode
	// them one by one to find and place every fault.
	var fast struct {
		Log *struct {
			Creator struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"creator"`
			Entries *[]entry `json:"entries"`
		} `json:"log"`
	}
	if json.Unmarshal([]byte(text), &fast) == nil && fast.Log != nil && fast.Log.Entries != nil && len(*fast.Log.Entries) <= MaxEntries {
		l := &Log{Creator: strings.TrimSpace(fast.Log.Creator.Name + " " + fast.Log.Creator.Version), entries: *fast.Log.Entries}
		ok := true
		for i := range l.entries {
			en := &l.entries[i]
			if len(en.Request.Headers) > MaxHeaders || len(en.Response.Headers) > MaxHeaders || en.Request.Method == "" || en.Request.URL == "" {
				ok = false
				break
			}
		}
		if ok {
			l.pair()
			return l, nil
		}
	}
	var f file
	if err := json.Unmarshal([]byte(text), &f); err != nil {
		return nil, policy.Errors{jsonError(text, err, "$")}
	}
	if f.Log == nil || f.Log.Entries == nil {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "not a HAR file: no log.entries"}}
	}
	raws := *f.Log.Entries
	if len(raws) > MaxEntries {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "more than " + strconv.Itoa(MaxEntries) + " entries"}}
	}
	l := &Log{Creator: strings.TrimSpace(f.Log.Creator.Name + " " + f.Log.Creator.Version), entries: make([]entry, len(raws))}
	var errs policy.Errors
	for i, r := range raws {
		path := "$.log.entries[" + strconv.Itoa(i) + "]"
		if err := json.Unmarshal(r, &l.entries[i]); err != nil {
			e := jsonError(string(r), err, path)
			// place the error in the whole text: entries are stored raw,
			// so find where this one starts
			if off := offsetOf(text, r); off >= 0 {
				var ute *json.UnmarshalTypeError
				var se *json.SyntaxError
				inner := 0
				if errors.As(err, &ute) {
					inner = valueStart(string(r), int(ute.Offset))
				} else if errors.As(err, &se) {
					inner = max(0, int(se.Offset)-1)
				}
				e.Line, e.Column = policy.LineCol(text, off+inner)
			}
			errs = append(errs, e)
			if len(errs) >= 50 {
				break
			}
			continue
		}
		en := &l.entries[i]
		if len(en.Request.Headers) > MaxHeaders || len(en.Response.Headers) > MaxHeaders {
			errs = append(errs, &policy.Error{Path: path, Msg: "more than " + strconv.Itoa(MaxHeaders) + " headers"})
		}
		if en.Request.Method == "" || en.Request.URL == "" {
			line, col := 0, 0
			if off := offsetOf(text, r); off >= 0 {
				line, col = policy.LineCol(text, off)
			}
			errs = append(errs, &policy.Error{Path: path + ".request", Line: line, Column: col, Msg: "entry without request.method or request.url"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	l.pair()
	return l, nil
}

// offsetOf finds where the raw message r sits in text: RawMessage keeps
// a slice of the decoder's copy, so search for its bytes.
func offsetOf(text string, r json.RawMessage) int {
	if len(r) > 0 && len(r) < 1<<20 {
		return strings.Index(text, string(r))
	}
	return -1
}

func jsonError(text string, err error, path string) *policy.Error {
	var se *json.SyntaxError
	var ute *json.UnmarshalTypeError
	e := &policy.Error{Path: path, Msg: err.Error()}
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the bad one included.
		e.Line, e.Column = policy.LineCol(text, max(0, int(se.Offset)-1))
		e.Msg = "invalid JSON: " + se.Error()
	case errors.As(err, &ute):
		e.Line, e.Column = policy.LineCol(text, valueStart(text, int(ute.Offset)))
		if ute.Field != "" {
			e.Path = path + "." + ute.Field
		}
		e.Msg = "want " + ute.Type.String() + ", found a JSON " + ute.Value
	}
	return e
}

// valueStart walks back from end, the offset just after a scalar JSON
// value (where encoding/json reports a type mismatch), to its first byte.
func valueStart(text string, end int) int {
	if end > len(text) {
		end = len(text)
	}
	i := end - 1
	if i < 0 {
		return 0
	}
	if text[i] == '"' {
		for i--; i > 0; i-- {
			if text[i] == '"' && text[i-1] != '\\' {
				return i
			}
		}
		return 0
	}
	for i > 0 && !strings.ContainsRune(" \t\r\n,:[{", rune(text[i-1])) {
		i--
	}
	return i
}

func (e *entry) reqHeader(name string) (string, bool) {
	for _, f := range e.Request.Headers {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}
