//go:build js && wasm

package main

// server is what the exported function below decides with; main sets it
// before the entry module makes its first call.
var server *Server

// The hot path: whycors_decide, exported to the entry module with
// go:wasmexport, takes the request in wire form from wireIn and leaves the
// answer in wireOut. A plain call into the module costs about 1.4 µs where
// a js.FuncOf call, which wakes the Go scheduler and runs the function in
// an event goroutine, costs about 30 µs (Node 20, this machine: a
// constant answer either way), and the strings cross as bytes in linear
// memory instead of through syscall/js. JS is single-threaded and the
// call never blocks, and an exported call runs only the function called,
// no other goroutine (a goroutine of a request on syumai's path runs only
// from that request's own callbacks), so one buffer each way serves every
// request. Requests longer than wireIn are refused (431) by the entry
// module.
var (
	wireIn  [64 << 10]byte
	wireOut []byte
)

//go:wasmexport whycors_in
func wireInAddr() *[64 << 10]byte { return &wireIn }

//go:wasmexport whycors_out
func wireOutAddr() *byte {
	if len(wireOut) == 0 {
		return nil
	}
	return &wireOut[0]
}

// decideExport decides on the n bytes in wireIn and returns the length of
// the answer in wireOut.
//
//go:wasmexport whycors_decide
func decideExport(n int32) (m int32) {
	defer func() {
		// A panic would end the resident instance and every request in
		// flight with it; this one request gets a 500 instead.
		if recover() != nil {
			wireOut = append(wireOut[:0], internalError...)
			m = int32(len(wireOut))
		}
	}()
	if n < 0 || int(n) > len(wireIn) {
		wireOut = append(wireOut[:0], internalError...)
	} else {
		// The answer is written into wireOut itself (no string between).
		wireOut = server.AppendDecideWire(wireOut[:0], string(wireIn[:n]))
	}
	return int32(len(wireOut))
}

var internalError = func() string {
	d := Decision{Action: Reply, Status: 500, Header: plainText(), Body: "whycors worker: internal error\n"}
	return d.Wire()
}()
