package har

// Pair is one cross-origin fetch of a HAR file with what the engine paired
// for it: the entry as listed (Candidate) and its request and replies
// (Exchange). The simulator lists a file's pairs and fills its form from
// the one picked, so the page pairs nothing itself.
type Pair struct {
	Candidate Candidate `json:"candidate"`
	Exchange  Exchange  `json:"exchange"`
	// PreflightStatusText and StatusText are the reason phrases the file
	// gives for Exchange.Preflight and Exchange.Actual ("No Content"),
	// empty when the file has none or the reply is absent.
	PreflightStatusText string `json:"preflight_status_text,omitempty"`
	StatusText          string `json:"status_text,omitempty"`
}

// Pairs reads a HAR file (Read) and returns each of its candidate fetches
// (Candidates, in file order) with its exchange (Log.Exchange).
func Pairs(text string) ([]Pair, error) {
	l, err := Read(text)
	if err != nil {
		return nil, err
	}
	return l.Pairs()
}

// Pairs is each candidate fetch of l (Candidates, in file order) with
// its exchange (Log.Exchange).
func (l *Log) Pairs() ([]Pair, error) {
	cs := l.Candidates()
	out := make([]Pair, 0, len(cs))
	for _, c := range cs {
		x, err := l.Exchange(c.Index)
		if err != nil {
			return nil, err
		}
		p := Pair{Candidate: c, Exchange: x}
		if x.Preflight != nil {
			p.PreflightStatusText = l.entries[x.PreflightIndex].Response.StatusText
		}
		if x.Actual != nil {
			p.StatusText = l.entries[x.ActualIndex].Response.StatusText
		}
		out = append(out, p)
	}
	return out, nil
}
