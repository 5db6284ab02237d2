package rackcors

import (
	"path"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// v1 reports whether c answers as rack-cors 1.x (V1).
func (c *Config) v1() bool { return major(c.Version) < 2 }

// major is a version's first number; 0 when it has none.
func major(version string) int {
	n, _ := strconv.Atoi(strings.SplitN(version, ".", 2)[0])
	return n
}

// hasScheme reports whether Resources#origins keeps origin s as it is,
// to be compared exactly: 2.0.0 on, a line of it starts with a scheme
// and "://" (%r{^[a-z][a-z0-9.+-]*://}, Ruby's ^ being a line's start);
// 1.1.1, a line starts with http:// or https:// (/^https?:\/\//), or s
// is "file://". Other strings are hosts.
func hasScheme(s string, v1 bool) bool {
	if v1 && s == "file://" {
		return true
	}
	for _, line := range strings.Split(s, "\n") {
		if v1 {
			if strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") {
				return true
			}
			continue
		}
		i := 0
		for i < len(line) && (line[i] >= 'a' && line[i] <= 'z' || i > 0 && (line[i] >= '0' && line[i] <= '9' || line[i] == '.' || line[i] == '+' || line[i] == '-')) {
			i++
		}
		if i > 0 && strings.HasPrefix(line[i:], "://") {
			return true
		}
	}
	return false
}

// versionNotes are the sentences a configuration read as Latest, with no
// Gemfile.lock to say its version, carries where rack-cors 1.x would
// answer otherwise: an origin with a custom scheme, a "$" in a resource
// path (CHANGELOG 2.0.0: "Support declaring custom protocols in
// origin"; Resource#compile's special_chars gained "$").
func (c *Config) versionNotes() []string {
	const give = ": if your Gemfile.lock holds rack-cors 1.x, give it after the Ruby (whycors explain --policy cors.rb --policy Gemfile.lock)"
	var out []string
	for _, a := range c.Allows {
		for _, o := range a.Origins {
			if o.Kind == "exact" && !hasScheme(o.Text, true) { // a host to 1.x
				out = append(out, "line "+strconv.Itoa(o.V.Line)+": rack-cors 2.0 and 3.0 (read here) compare the origin "+strconv.Quote(o.Text)+" exactly; 1.x reads it as a host name under any scheme, which no Origin matches"+give)
			}
		}
		for _, r := range a.Resources {
			if !r.PathRegex && strings.Contains(r.Path, "$") {
				out = append(out, "line "+strconv.Itoa(r.Line)+": rack-cors 2.0 and 3.0 (read here) take the \"$\" of the resource "+strconv.Quote(r.Path)+" as written; 1.x reads it as the path's end"+give)
			}
		}
	}
	return out
}

// lockedVersion is the rack-cors version the Gemfile.lock after src's
// Ruby names (its specs' "    rack-cors (2.0.2)"), "" without one.
func lockedVersion(src policy.Source) (string, error) {
	lock, err := src.Beside(isLock, "rack-cors reads the Ruby that adds the middleware first, then its Gemfile.lock", "rack-cors reads one Ruby file and the Gemfile.lock that names its version")
	if lock == nil || err != nil {
		return "", err
	}
	for i, line := range strings.Split(lock.Text, "\n") {
		v, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "    rack-cors (")
		if !ok || !strings.HasSuffix(v, ")") {
			continue
		}
		v = strings.TrimSuffix(v, ")")
		if major(v) == 0 && !strings.HasPrefix(v, "0.") {
			return "", policy.Errors{{File: lock.Name, Line: i + 1, Column: 16, Msg: "rack-cors (" + v + "): not a version whycors can read"}}
		}
		return v, nil
	}
	return "", policy.Errors{{File: lock.Name, Line: 1, Column: 1, Msg: "this Gemfile.lock names no rack-cors gem (a line \"    rack-cors (2.0.2)\" under GEM's specs): is it the application's?"}}
}

// isLock reports a Gemfile.lock (or gems.locked), by its name or by
// its text.
func isLock(f policy.File) bool {
	base := path.Base(strings.ReplaceAll(f.Name, "\\", "/"))
	return base == "Gemfile.lock" || base == "gems.locked" || lockText(f.Text)
}

// lockText reports a text Bundler wrote as a lock file: its first
// section is a source (GIT, PATH or GEM; PLUGIN SOURCE before them), and
// a source lists its gems under "  specs:".
func lockText(text string) bool {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	first, _, _ := strings.Cut(text, "\n")
	switch first {
	case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
		return strings.Contains(text, "\n  specs:\n")
	}
	return false
}

// Companion implements policy.Companion: a Gemfile.lock is read beside
// the Ruby that adds the middleware, for the version it names.
func (*Format) Companion(text string) bool { return lockText(text) }

// CompanionAtRoot implements policy.RootCompanion: the lock is at the
// application's root, the initializer in config/initializers below it.
func (*Format) CompanionAtRoot() bool { return true }

// versionNote says which code a configuration answers as when its
// Gemfile.lock names a version this package does not run as such.
func versionNote(v string) string {
	switch {
	case v == V1 || v == "2.0.2" || v == Latest:
		return ""
	case major(v) < 2:
		return "rack-cors " + v + " (Gemfile.lock) is answered as 1.1.1's code"
	case major(v) > 3:
		return "rack-cors " + v + " (Gemfile.lock) is newer than whycors knows: answered as " + Latest + "'s code"
	}
	return "rack-cors " + v + " (Gemfile.lock) is answered as 2.0.2's and 3.0.0's code (one code but for its version)"
}
