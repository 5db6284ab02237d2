package pylit

import (
	"strconv"
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

// TestPinnedVersion: the version a requirements file's line for
// django-cors-headers makes the model answer as (latest 4.7.0, old
// 3.14.0), as pip reads the line (its requirements file format: line
// continuations, options, markers, comments) and PEP 440 its
// specifiers. Rows marked "review" were found by a review that asked
// pip's packaging.SpecifierSet.
func TestPinnedVersion(t *testing.T) {
	tests := []struct {
		desc, source, line string
		want, note         string // note: "" for none, else its start
		fault              string
	}{
		{desc: "an exact pin", source: "PEP 440 ==", line: "django-cors-headers==3.14.0", want: "3.14.0"},
		{desc: "an exact pin of another 3.x", source: "PEP 440 ==", line: "django-cors-headers==3.13.0", want: "3.13.0", note: "django-cors-headers 3.13.0 (the requirements file's) is answered as 3.14.0's code"},
		{desc: "the name written otherwise, extras, markers, a comment", source: "PEP 503, PEP 508", line: "Django_Cors.Headers[x] == 3.14.0 ; python_version >= \"3.8\"  # CORS", want: "3.14.0"},
		{desc: "a compatible-release clause within 3.x (review)", source: "PEP 440 ~=", line: "django-cors-headers~=3.14", want: "3.14.0"},
		{desc: "a prefix match on 3 (review)", source: "PEP 440 ==.*", line: "django-cors-headers==3.*", want: "3.14.0"},
		{desc: "an upper bound below 4 (review)", source: "PEP 440 <", line: "django-cors-headers<4", want: "3.14.0"},
		{desc: "a range of 3.x (review)", source: "PEP 440 clauses", line: "django-cors-headers>=3.0,<4", want: "3.14.0"},
		{desc: "an upper bound below 3: older code, said so", source: "PEP 440 <", line: "django-cors-headers<3", want: "3.14.0", note: "django-cors-headers<3 (the requirements file's) is answered as 3.14.0's code"},
		{desc: "a lower bound 4.7.0 meets", source: "PEP 440 >=", line: "django-cors-headers>=3.13", want: ""},
		{desc: "a lower bound past what whycors knows", source: "PEP 440 >=", line: "django-cors-headers>=5", want: "", note: "django-cors-headers>=5 (the requirements file's) is answered as 4.7.0's code"},
		{desc: "a backslash before the specifier (review)", source: "pip's line continuation", line: "django-cors-headers \\\n    ==3.14.0", want: "3.14.0"},
		{desc: "a --hash option after the pin (review)", source: "pip's --hash", line: "django-cors-headers==3.14.0 --hash=sha256:abc", want: "3.14.0"},
		{desc: "a --hash option on the next line (review)", source: "pip's line continuation, --hash", line: "django-cors-headers==3.14.0 \\\n    --hash=sha256:abc", want: "3.14.0"},
		{desc: "a v before the version (review)", source: "PEP 440 normalization", line: "django-cors-headers==v3.14.0", want: "3.14.0"},
		{desc: "a name alone", source: "pip", line: "django-cors-headers", want: ""},
		{desc: "== with nothing after it", source: "PEP 440", line: "django-cors-headers==", fault: "requirements.txt:1 django-cors-headers==: not a version whycors can read"},
		{desc: "a pin that is no version", source: "PEP 440", line: "Django==4.2\ndjango-cors-headers==x", fault: "requirements.txt:2 django-cors-headers==x: not a version whycors can read"},
	}
	for _, tt := range tests {
		src := policy.Source{Files: []policy.File{{Name: "settings.py", Text: "CORS_ALLOW_ALL_ORIGINS = True\n"}, {Name: "requirements.txt", Text: tt.line + "\n"}}}
		v, note, err := PinnedVersion(src, "django-cors-headers", "4.7.0", "3.14.0")
		if tt.fault != "" {
			errs, _ := err.(policy.Errors)
			if len(errs) != 1 || errs[0].File+":"+strconv.Itoa(errs[0].Line)+" "+errs[0].Msg != tt.fault {
				t.Errorf("%s (%s): %v, want the fault %q", tt.desc, tt.source, err, tt.fault)
			}
			continue
		}
		if err != nil || v != tt.want || (tt.note == "") != (note == "") || len(note) < len(tt.note) || note[:len(tt.note)] != tt.note {
			t.Errorf("%s (%s): %q, %q, %v; want %q, a note starting %q", tt.desc, tt.source, v, note, err, tt.want, tt.note)
		}
	}
}
