package webkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/net/websocket"
)

// inspector is a minimal client of the Web Inspector protocol as
// WebKitGTK's remote inspector HTTP server (WEBKIT_INSPECTOR_HTTP_SERVER)
// serves it at ws://HOST:PORT/socket/<connection>/<target>/WebPage. That
// socket speaks for the whole page: its only domain is Target, and every
// command for the page goes to its current page target through
// Target.sendMessageToTarget, every reply and event comes back in
// Target.dispatchMessageFromTarget. A navigation to another origin swaps
// the web process: WebKit announces a provisional page target
// (Target.targetCreated) and then Target.didCommitProvisionalTarget; the
// client follows the committed one. Each new page target gets
// Console.enable, so that its console messages arrive as
// Console.messageAdded events.
type inspector struct {
	ws *websocket.Conn

	mu      sync.Mutex
	outer   int // ids of the socket's own (Target) commands
	inner   int // ids of the commands sent to a page target
	pending map[int]chan innerReply
	target  string        // the committed page target
	ready   chan struct{} // closed once the first page target is known
	closed  bool
	// onConsole receives every Console.messageAdded of any page target.
	onConsole func(consoleMessage)
}

type innerReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// consoleMessage is the message of a Console.messageAdded event, as much
// of it as the harness keeps.
type consoleMessage struct {
	Source           string  `json:"source"`
	Level            string  `json:"level"`
	Type             string  `json:"type,omitempty"`
	Text             string  `json:"text"`
	URL              string  `json:"url,omitempty"`
	NetworkRequestID string  `json:"networkRequestId,omitempty"`
	Timestamp        float64 `json:"-"`
}

func newInspector(ws *websocket.Conn, onConsole func(consoleMessage)) *inspector {
	in := &inspector{ws: ws, pending: map[int]chan innerReply{}, ready: make(chan struct{}), onConsole: onConsole}
	go in.read()
	return in
}

func (in *inspector) read() {
	for {
		var raw []byte
		if err := websocket.Message.Receive(in.ws, &raw); err != nil {
			in.mu.Lock()
			in.closed = true
			for id, ch := range in.pending {
				close(ch)
				delete(in.pending, id)
			}
			in.mu.Unlock()
			return
		}
		var m struct {
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
		}
		if json.Unmarshal(raw, &m) != nil || m.Method == "" {
			continue // a reply to Target.sendMessageToTarget itself
		}
		switch m.Method {
		case "Target.targetCreated":
			var p struct {
				TargetInfo struct {
					TargetID      string `json:"targetId"`
					Type          string `json:"type"`
					IsProvisional bool   `json:"isProvisional"`
				} `json:"targetInfo"`
			}
			if json.Unmarshal(m.Params, &p) != nil || p.TargetInfo.Type != "page" {
				continue
			}
			in.send(p.TargetInfo.TargetID, "Console.enable", nil)
			if !p.TargetInfo.IsProvisional {
				in.commit(p.TargetInfo.TargetID)
			}
		case "Target.didCommitProvisionalTarget":
			var p struct {
				NewTargetID string `json:"newTargetId"`
			}
			if json.Unmarshal(m.Params, &p) == nil {
				in.commit(p.NewTargetID)
			}
		case "Target.dispatchMessageFromTarget":
			var p struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(m.Params, &p) != nil {
				continue
			}
			in.dispatch([]byte(p.Message))
		}
	}
}

func (in *inspector) commit(target string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.target = target
	select {
	case <-in.ready:
	default:
		close(in.ready)
	}
}

func (in *inspector) dispatch(raw []byte) {
	var m struct {
		ID     *int            `json:"id"`
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
		innerReply
	}
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	if m.ID != nil {
		in.mu.Lock()
		ch := in.pending[*m.ID]
		delete(in.pending, *m.ID)
		in.mu.Unlock()
		if ch != nil {
			ch <- m.innerReply
		}
		return
	}
	if m.Method == "Console.messageAdded" && in.onConsole != nil {
		var p struct {
			Message consoleMessage `json:"message"`
		}
		if json.Unmarshal(m.Params, &p) == nil {
			in.onConsole(p.Message)
		}
	}
}

// send sends one command to target and returns the channel its reply
// arrives on.
func (in *inspector) send(target, method string, params any) (int, chan innerReply, error) {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return 0, nil, errors.New("inspector: connection closed")
	}
	in.inner++
	id := in.inner
	in.outer++
	outer := in.outer
	ch := make(chan innerReply, 1)
	in.pending[id] = ch
	in.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	inner, _ := json.Marshal(msg)
	wrapped, _ := json.Marshal(map[string]any{"id": outer, "method": "Target.sendMessageToTarget",
		"params": map[string]any{"targetId": target, "message": string(inner)}})
	if err := websocket.Message.Send(in.ws, string(wrapped)); err != nil {
		in.mu.Lock()
		delete(in.pending, id)
		in.mu.Unlock()
		return 0, nil, err
	}
	return id, ch, nil
}

// call sends method to the committed page target and decodes its result
// into out.
func (in *inspector) call(ctx context.Context, method string, params, out any) error {
	select {
	case <-in.ready:
	case <-ctx.Done():
		return fmt.Errorf("inspector: no page target: %w", ctx.Err())
	}
	in.mu.Lock()
	target := in.target
	in.mu.Unlock()
	id, ch, err := in.send(target, method, params)
	if err != nil {
		return err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return errors.New("inspector: connection closed")
		}
		if r.Error != nil {
			return fmt.Errorf("inspector %s: %s (%d)", method, r.Error.Message, r.Error.Code)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		in.mu.Lock()
		delete(in.pending, id)
		in.mu.Unlock()
		return fmt.Errorf("inspector %s: %w", method, ctx.Err())
	}
}

// remoteObject is a Runtime.RemoteObject, as much as the harness reads.
type remoteObject struct {
	Type        string          `json:"type"`
	Value       json.RawMessage `json:"value"`
	ObjectID    string          `json:"objectId"`
	Description string          `json:"description"`
}

// evaluate runs expression in the page; a promise is awaited
// (Runtime.awaitPromise) and its value returned by value.
func (in *inspector) evaluate(ctx context.Context, expression string) (remoteObject, error) {
	var ev struct {
		Result    remoteObject `json:"result"`
		WasThrown bool         `json:"wasThrown"`
	}
	if err := in.call(ctx, "Runtime.evaluate", map[string]any{"expression": expression, "returnByValue": false}, &ev); err != nil {
		return remoteObject{}, err
	}
	if ev.WasThrown {
		return remoteObject{}, fmt.Errorf("evaluate threw: %s", ev.Result.Description)
	}
	if ev.Result.ObjectID == "" || ev.Result.Type != "object" {
		return ev.Result, nil
	}
	var aw struct {
		Result    remoteObject `json:"result"`
		WasThrown bool         `json:"wasThrown"`
	}
	if err := in.call(ctx, "Runtime.awaitPromise", map[string]any{"promiseObjectId": ev.Result.ObjectID, "returnByValue": true}, &aw); err != nil {
		return remoteObject{}, err
	}
	if aw.WasThrown {
		return remoteObject{}, fmt.Errorf("promise rejected: %s", aw.Result.Description)
	}
	return aw.Result, nil
}
