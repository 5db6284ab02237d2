package har

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// Bounds: DevTools exports of long sessions run to tens of megabytes.
const (
	MaxSize    = 50 << 20
	MaxEntries = 100000
	MaxHeaders = 1000 // per request or response
)

// maxDepth bounds how deeply the file's arrays and objects nest, as
// encoding/json bounds it: a HAR nests six levels where the engine reads
// it, but Chrome's _initiator.stack chains async stacks through parent
// objects, so the bound is that of encoding/json, not a scenario's.
const maxDepth = 10000

// maxErrors is the most faults one Read reports.
const maxErrors = 50

type nv struct{ Name, Value string }

type initiator struct{ Type, URL, RequestID string }

// entry is what the engine reads of one log entry: HAR 1.2's request and
// response, and Chrome's additions (_resourceType, _initiator,
// _fromCache, _requestId, response._error).
type entry struct {
	StartedDateTime string
	Request         struct {
		Method, URL      string
		Headers, Cookies []nv
	}
	Response struct {
		Status      int
		StatusText  string
		Headers     []nv
		RedirectURL string
		Error       *string // null or absent: nil
	}
	ResourceType string
	Initiator    *initiator
	FromCache    string
	RequestID    string
}

// Log is a read HAR file.
type Log struct {
	Creator string // creator.name and version, e.g. "WebInspector 537.36"

	creatorName, creatorVersion string
	entries                     []entry
	pairs                       map[int]int // actual entry index -> preflight entry index
	pre                         map[int]bool
}

// Read parses a HAR file. Errors carry the line and column of the fault
// and, for an entry, its JSON path.
//
// It reads what json.Unmarshal read into the HAR's fields before (the
// engine links no encoding/json): member names match case-insensitively,
// the last of duplicate members wins (objects merge member by member),
// unknown members are skipped, null leaves a field empty, and a value of
// the wrong JSON type is a fault at its position. Every entry is read;
// each fault is reported, up to 50.
func Read(text string) (*Log, error) {
	if len(text) > MaxSize {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "HAR larger than " + strconv.Itoa(MaxSize>>20) + " MiB: export only the requests of interest"}}
	}
	root, serr := jsontext.ParseString(text, maxDepth)
	if serr != nil {
		line, col := policy.LineCol(text, serr.Off)
		return nil, policy.Errors{{Path: "$", Line: line, Column: col, Msg: "invalid JSON: " + serr.Msg}}
	}
	d := &decoder{text: text}
	l := &Log{}
	var entries *jsontext.Value
	d.object(root, "$", func(k string, v *jsontext.Value, path string) {
		if !strings.EqualFold(k, "log") {
			return
		}
		if v.Kind == jsontext.Null {
			entries = nil
			return
		}
		d.object(v, path, func(k string, v *jsontext.Value, path string) {
			switch {
			case strings.EqualFold(k, "version"):
				d.str(v, path, new(string))
			case strings.EqualFold(k, "creator"):
				d.object(v, path, func(k string, v *jsontext.Value, path string) {
					switch {
					case strings.EqualFold(k, "name"):
						d.str(v, path, &l.creatorName)
					case strings.EqualFold(k, "version"):
						d.str(v, path, &l.creatorVersion)
					}
				})
			case strings.EqualFold(k, "entries"):
				entries = nil
				switch v.Kind {
				case jsontext.Null:
				case jsontext.Array:
					entries = v
				default:
					d.fault(v, path, "want an array, found "+v.Kind.String())
				}
			}
		})
	})
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	if entries == nil {
		return nil, policy.Errors{{Path: "$.log.entries", Line: 1, Column: 1, Msg: "not a HAR file: no log.entries"}}
	}
	if len(entries.Items) > MaxEntries {
		line, col := policy.LineCol(text, int(entries.Off))
		return nil, policy.Errors{{Path: "$.log.entries", Line: line, Column: col, Msg: "more than " + strconv.Itoa(MaxEntries) + " entries"}}
	}
	l.Creator = strings.TrimSpace(l.creatorName + " " + l.creatorVersion)
	l.entries = make([]entry, len(entries.Items))
	for i, v := range entries.Items {
		path := "$.log.entries[" + strconv.Itoa(i) + "]"
		before := len(d.errs)
		d.entry(v, path, &l.entries[i])
		if len(d.errs) >= maxErrors {
			d.errs = d.errs[:maxErrors]
			break
		}
		if len(d.errs) > before {
			continue
		}
		en := &l.entries[i]
		if len(en.Request.Headers) > MaxHeaders || len(en.Response.Headers) > MaxHeaders {
			d.fault(v, path, "more than "+strconv.Itoa(MaxHeaders)+" headers")
		}
		if en.Request.Method == "" || en.Request.URL == "" {
			d.fault(v, path+".request", "entry without request.method or request.url")
		}
	}
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	l.pair()
	return l, nil
}

// decoder reads the parsed file into entries and collects the faults.
type decoder struct {
	text string
	errs policy.Errors
}

func (d *decoder) fault(v *jsontext.Value, path, msg string) {
	line, col := policy.LineCol(d.text, int(v.Off))
	d.errs = append(d.errs, &policy.Error{Path: path, Line: line, Column: col, Msg: msg})
}

// object calls member for each member of v in document order (null: none);
// any other JSON type is a fault.
func (d *decoder) object(v *jsontext.Value, path string, member func(k string, v *jsontext.Value, path string)) {
	switch v.Kind {
	case jsontext.Null:
	case jsontext.Object:
		for i, k := range v.Keys {
			member(k, v.Fields[i], jsontext.Key(path, k))
		}
	default:
		d.fault(v, path, "want an object, found "+v.Kind.String())
	}
}

// str reads a string into dst; null leaves dst as it is.
func (d *decoder) str(v *jsontext.Value, path string, dst *string) {
	switch v.Kind {
	case jsontext.Null:
	case jsontext.String:
		*dst = v.Str
	default:
		d.fault(v, path, "want a string, found "+v.Kind.String())
	}
}

// list reads an array of name/value objects; null empties it.
func (d *decoder) list(v *jsontext.Value, path string, dst *[]nv) {
	switch v.Kind {
	case jsontext.Null:
		*dst = nil
	case jsontext.Array:
		*dst = make([]nv, len(v.Items))
		for i, it := range v.Items {
			f := &(*dst)[i]
			d.object(it, jsontext.Index(path, i), func(k string, v *jsontext.Value, path string) {
				switch {
				case strings.EqualFold(k, "name"):
					d.str(v, path, &f.Name)
				case strings.EqualFold(k, "value"):
					d.str(v, path, &f.Value)
				}
			})
		}
	default:
		d.fault(v, path, "want an array, found "+v.Kind.String())
	}
}

func (d *decoder) entry(v *jsontext.Value, path string, e *entry) {
	d.object(v, path, func(k string, v *jsontext.Value, path string) {
		switch {
		case strings.EqualFold(k, "startedDateTime"):
			d.str(v, path, &e.StartedDateTime)
		case strings.EqualFold(k, "request"):
			d.object(v, path, func(k string, v *jsontext.Value, path string) {
				switch {
				case strings.EqualFold(k, "method"):
					d.str(v, path, &e.Request.Method)
				case strings.EqualFold(k, "url"):
					d.str(v, path, &e.Request.URL)
				case strings.EqualFold(k, "headers"):
					d.list(v, path, &e.Request.Headers)
				case strings.EqualFold(k, "cookies"):
					d.list(v, path, &e.Request.Cookies)
				}
			})
		case strings.EqualFold(k, "response"):
			d.response(v, path, e)
		case strings.EqualFold(k, "_resourceType"):
			d.str(v, path, &e.ResourceType)
		case strings.EqualFold(k, "_initiator"):
			if v.Kind == jsontext.Null {
				e.Initiator = nil
				return
			}
			if e.Initiator == nil && v.Kind == jsontext.Object {
				e.Initiator = &initiator{}
			}
			d.object(v, path, func(k string, v *jsontext.Value, path string) {
				switch {
				case strings.EqualFold(k, "type"):
					d.str(v, path, &e.Initiator.Type)
				case strings.EqualFold(k, "url"):
					d.str(v, path, &e.Initiator.URL)
				case strings.EqualFold(k, "requestId"):
					d.str(v, path, &e.Initiator.RequestID)
				}
			})
		case strings.EqualFold(k, "_fromCache"):
			d.str(v, path, &e.FromCache)
		case strings.EqualFold(k, "_requestId"):
			d.str(v, path, &e.RequestID)
		}
	})
}

func (d *decoder) response(v *jsontext.Value, path string, e *entry) {
	r := &e.Response
	d.object(v, path, func(k string, v *jsontext.Value, path string) {
		switch {
		case strings.EqualFold(k, "status"):
			switch v.Kind {
			case jsontext.Null:
			case jsontext.Number:
				n, err := strconv.Atoi(v.Str)
				if err != nil {
					d.fault(v, path, "want a whole number, found "+v.Str)
					return
				}
				r.Status = n
			default:
				d.fault(v, path, "want a number, found "+v.Kind.String())
			}
		case strings.EqualFold(k, "statusText"):
			d.str(v, path, &r.StatusText)
		case strings.EqualFold(k, "headers"):
			d.list(v, path, &r.Headers)
		case strings.EqualFold(k, "redirectURL"):
			d.str(v, path, &r.RedirectURL)
		case strings.EqualFold(k, "_error"):
			switch v.Kind {
			case jsontext.Null:
				r.Error = nil
			case jsontext.String:
				s := v.Str
				r.Error = &s
			default:
				d.fault(v, path, "want a string, found "+v.Kind.String())
			}
		}
	})
}

func (e *entry) reqHeader(name string) (string, bool) {
	for _, f := range e.Request.Headers {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}
