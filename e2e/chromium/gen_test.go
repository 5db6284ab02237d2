package chromium

// Generate returns n deterministic random cases.
func Generate(seed uint64, n int) []Case { return nil }
