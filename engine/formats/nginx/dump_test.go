package nginx_test

import (
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// dump is what `nginx -T` prints of a configuration in three files: its
// own two lines first (on standard error, which users paste too), then
// each file after "# configuration file PATH:", the main file first
// (ngx_conf_parse; the form checked by hand against Debian's nginx
// 1.22.1). The site's location includes a snippet of CORS lines, and an
// include of an empty folder's files matches none.
const dump = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
user www-data;
worker_processes auto;
events { worker_connections 768; }
http {
	types_hash_max_size 2048;
	include /etc/nginx/mime.types;
	include /etc/nginx/conf.d/*.conf;
	include /etc/nginx/sites-enabled/*;
}

# configuration file /etc/nginx/mime.types:
types {
    text/html html;
}

# configuration file /etc/nginx/sites-enabled/api:
server {
	listen 80;
	server_name api.test;
	location /api/ {
		include snippets/cors.conf;
		return 200;
	}
}

# configuration file /etc/nginx/snippets/cors.conf:
add_header Access-Control-Allow-Origin "https://app.test" always;
add_header Vary Origin always;
`

// TestDump: an nginx -T dump is read as nginx reads its files: each
// include replaced by the files it names, in a location too (found as a
// new user would: Debian's nginx.conf was refused at its includes).
func TestDump(t *testing.T) {
	c, err := nginx.Parse(dump)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc, path, acao string
	}{
		{"the location's include of the snippet", "http://api.test/api/x", "https://app.test"},
		{"a path the snippet's location does not cover", "http://api.test/other", ""},
	} {
		req := policy.Request{Method: "GET", URL: tc.path, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
		out := c.Respond(req, policy.Reply{Status: 200})
		if got, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); got != tc.acao {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q\n%s", tc.desc, got, tc.acao, out.Text())
		}
	}
}

// TestDumpFaults: a dump's fault is at its line in the dump, and an
// include of a file the dump does not hold is still one.
func TestDumpFaults(t *testing.T) {
	bad := strings.Replace(dump, "return 200;", "return 200", 1)
	_, err := nginx.Parse(bad)
	if es, ok := err.(policy.Errors); !ok || len(es) == 0 || es[0].Line != 25 {
		t.Errorf("a missing ';' in the site's file: %v, want a fault at line 25 of the dump, where the return is", err)
	}
	missing := strings.Replace(dump, "include snippets/cors.conf;", "include snippets/other.conf;", 1)
	if _, err := nginx.Parse(missing); err == nil || !strings.Contains(err.Error(), "snippets/other.conf is not read") {
		t.Errorf("an include of a file not in the dump: %v", err)
	}
}

// TestDumpParts: a change in a dump is a change of each file it falls
// in, with that file's text before and after (fix.Parted), so that a fix
// is a diff of each file the user edits (found by a review: a fix that
// added a map to nginx.conf and changed a snippet was a diff of the
// dump, which patch could not apply).
func TestDumpParts(t *testing.T) {
	one := strings.Replace(dump, "\treturn 200;", "\tadd_header X-A a always;\n\t\treturn 200;", 1)
	parts, ok := (&nginx.Format{}).Parts(dump, one)
	if !ok || len(parts) != 1 || parts[0].Name != "/etc/nginx/sites-enabled/api" || !strings.HasPrefix(parts[0].Before, "server {") || !strings.Contains(parts[0].After, "add_header X-A a always;") {
		t.Errorf("one file changed: %+v, %v", parts, ok)
	}
	two := strings.Replace(strings.Replace(dump, "worker_processes auto;", "worker_processes 2;", 1), "add_header Vary Origin always;", "add_header Vary \"Origin\" always;", 1)
	parts, ok = (&nginx.Format{}).Parts(dump, two)
	if !ok || len(parts) != 2 || parts[0].Name != "/etc/nginx/nginx.conf" || parts[1].Name != "/etc/nginx/snippets/cors.conf" {
		t.Errorf("two files changed: %+v, %v", parts, ok)
	}
	if _, ok := (&nginx.Format{}).Parts("server { return 200; }", "server { return 204; }"); ok {
		t.Error("a text that is no dump has no parts")
	}
}

// TestDumpBounds: a dump whose includes go past the reader's bounds is
// refused at the include, never read in part (found by a review: a glob
// whose files ran past the directive budget was dropped after the first
// few, and a later file's server block with it, so that the model sent
// a default server's "*" where nginx sent one origin); a pattern and a
// path of any length cost little (path.Match's cost is their product: 19 s
// before the bound).
func TestDumpBounds(t *testing.T) {
	many := "# configuration file /etc/nginx/nginx.conf:\nhttp { include /etc/nginx/conf.d/*.conf; }\n"
	for i := 0; i < 6; i++ {
		many += "# configuration file /etc/nginx/conf.d/a" + strings.Repeat("x", i) + ".conf:\ntypes {\n" + strings.Repeat("a b;\n", 4000) + "}\n"
	}
	self := "# configuration file /etc/nginx/nginx.conf:\ninclude /etc/nginx/nginx.conf;\n"
	long := "# configuration file /etc/nginx/nginx.conf:\nhttp { include /*" + strings.Repeat("a", 60000) + "c; }\n# configuration file /" + strings.Repeat("a", 120000) + ":\n"
	for _, tc := range []struct{ desc, text, want string }{
		{"includes past the directive budget", many, "bring in more than 20000 directives"},
		{"a file that includes itself", self, "nest more than 10 deep"},
	} {
		_, err := nginx.Parse(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a fault saying %q", tc.desc, err, tc.want)
		}
	}
	start := time.Now()
	nginx.Parse(long)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a 60,000-byte pattern against a 120,000-byte path took %s", d)
	}
}
