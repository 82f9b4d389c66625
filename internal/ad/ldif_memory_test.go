package ad

import (
	"bytes"
	"runtime"
	"testing"
)

// ldifCases are the inputs of issue 14 that cost memory or time beyond the
// file's size: mostly blank lines, a UTF-16LE ldifde -u export, one entry
// with 100,000 distinct attribute names, a realistic export.
var ldifCases = []struct {
	name string
	gen  func(w *bytes.Buffer, size int64)
	size int64 // in the tests
}{
	{"blank-lines", func(w *bytes.Buffer, size int64) { genBlank(w, size) }, 2 << 20},
	{"utf16le", func(w *bytes.Buffer, size int64) { genRealistic(&utf16Writer{w: w}, size/2, true) }, 8 << 20},
	{"100k-attribute-names", func(w *bytes.Buffer, _ int64) { genManyAttrs(w, 100_000) }, 0},
	{"realistic", func(w *bytes.Buffer, size int64) { genRealistic(w, size, false) }, 16 << 20},
}

// TestReadLDIFOrgAllocations: reading an export into an organisation
// allocates at most twice the file's size plus a constant, whatever the
// file holds: the reader streams, keeps only what exdiag reads of
// Exchange's objects, and drops the rest as it goes.
func TestReadLDIFOrgAllocations(t *testing.T) {
	for _, tc := range ldifCases {
		t.Run(tc.name, func(t *testing.T) {
			var in bytes.Buffer
			tc.gen(&in, tc.size)
			size := int64(in.Len())
			r := bytes.NewReader(in.Bytes())
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			org, st, err := ReadLDIFOrg(r, Filter{})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if org.Name != "Contoso" || st.Entries == 0 {
				t.Fatalf("read %q from %d entries, want Contoso", org.Name, st.Entries)
			}
			allocated := int64(after.TotalAlloc - before.TotalAlloc)
			t.Logf("%d bytes in, %d allocated (%.2f×), %d entries, %d endpoints", size, allocated, float64(allocated)/float64(size), st.Entries, len(org.Endpoints))
			limit := 2*size + 4<<20
			if raceDetector {
				limit += size / 2
			}
			if allocated > limit {
				t.Errorf("%d bytes allocated for a %d-byte file: over 2× its size + 4 MB", allocated, size)
			}
		})
	}
}
