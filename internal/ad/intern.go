package ad

// interner shares equal short strings: a directory repeats the same
// attribute names and the same short values (objectClass, bindings, flags,
// the shared external host names) in every object, and an organisation of
// 5,000 servers has 40,000 objects.
type interner struct {
	strs map[string]string
}

const (
	// internMax is the longest string shared; longer ones (DNs) are unique.
	internMax = 64
	// internCap bounds the table: unique short values stop being added.
	internCap = 8192
)

// bytes returns b as a string, the one seen before when there was one.
func (t *interner) bytes(b []byte) string {
	if len(b) > internMax {
		return string(b)
	}
	if s, ok := t.strs[string(b)]; ok {
		return s
	}
	return t.add(string(b))
}

// string returns s, or the equal string seen before.
func (t *interner) string(s string) string {
	if len(s) > internMax {
		return s
	}
	if shared, ok := t.strs[s]; ok {
		return shared
	}
	return t.add(s)
}

func (t *interner) add(s string) string {
	if len(t.strs) < internCap {
		if t.strs == nil {
			t.strs = map[string]string{}
		}
		t.strs[s] = s
	}
	return s
}
