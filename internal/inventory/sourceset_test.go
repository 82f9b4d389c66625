package inventory

import "testing"

// Sources are numbered by value in the order first added, also when two
// unequal sources share a hash.
func TestSourceSetNumbersByValue(t *testing.T) {
	var ss SourceSet
	a := Source{Server: "EX01", DN: "CN=a"}
	b := Source{Server: "EX01", DN: "CN=b"}
	c := Source{Server: "EX02", DN: "CN=c"}
	if n, added := ss.Add(&a); n != 0 || !added {
		t.Fatalf("Add(a) = %d, %v; want 0, true", n, added)
	}
	// b collides with a: a has b's hash.
	ss.first[ss.hash(&b)] = 0
	a2, b2 := a, b
	for _, tc := range []struct {
		s     *Source
		n     int
		added bool
	}{{&b, 1, true}, {&a2, 0, false}, {&b2, 1, false}, {&c, 2, true}, {&b, 1, false}} {
		if n, added := ss.Add(tc.s); n != tc.n || added != tc.added {
			t.Errorf("Add(%+v) = %d, %v; want %d, %v", *tc.s, n, added, tc.n, tc.added)
		}
	}
	if ss.Len() != 3 || *ss.At(0) != a || *ss.At(1) != b || *ss.At(2) != c {
		t.Errorf("set holds %d sources, want a, b, c", ss.Len())
	}
}
