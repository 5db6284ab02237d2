package s3

import (
	"testing"
)

// errorReply writes its message as it is: each of S3's messages must be
// what xmlEscape would leave unchanged (no '&', '<' or '>').
func TestErrorMessagesAreCharacterData(t *testing.T) {
	for _, m := range []string{msgNoOrigin, msgNotAllowed, msgNotEnabled, msgNoBucket, msgNoConfig} {
		if xmlEscape(m) != m {
			t.Errorf("message %q needs escaping", m)
		}
	}
}

// errorReply hands the body it wrote last out again for the same error
// (lastError): every reply's body must be the one written for its own
// code, message, method and resource type, whatever replies came before
// and whatever replies are made at once on other goroutines. The errors
// are the five errorReply writes ([AWS-REC] snapshot, opt-wrong-origin),
// with the methods and resource types a preflight names.
func TestErrorBodyIsTheErrorsOwn(t *testing.T) {
	type args struct{ code, msg, method, rt string }
	var all []args
	for _, m := range []string{"PUT", "GET", "DELETE", "x<y"} {
		for _, rt := range []string{"OBJECT", "BUCKET"} {
			all = append(all, args{"AccessForbidden", msgNotAllowed, m, rt}, args{"AccessForbidden", msgNotEnabled, m, rt}, args{"AccessForbidden", msgNoBucket, m, rt})
		}
	}
	all = append(all, args{"BadRequest", msgNoOrigin, "", ""}, args{"NoSuchCORSConfiguration", msgNoConfig, "", ""})
	check := func(a args) bool {
		r := errorReply(403, a.code, a.msg, a.method, a.rt)
		return r.Body == errorXML(a.code, a.msg, a.method, a.rt) && len(r.Header) == 2
	}
	// Each in turn, each twice (the second from the memory), then each
	// with every other before it.
	for i, a := range all {
		for _, b := range []args{a, a, all[(i+1)%len(all)], a} {
			if !check(b) {
				t.Fatalf("%+v: the body is not its own", b)
			}
		}
	}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for n := range 2000 {
				ok = ok && check(all[(n*(g+1))%len(all)])
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("a body made while other goroutines made others was not its own")
		}
	}
}
