package limbo_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

// difference is one line of differences.txt: the cases on which exdiag
// knowingly disagrees with the suite, why (what Exchange's clients do) and
// the sources. pattern holds case ids separated by commas; an id ending in
// "*" stands for every case it prefixes.
type difference struct {
	pattern, reason, sources string
}

func (d difference) matches(id string) bool {
	for _, p := range d.items() {
		if itemMatches(p, id) {
			return true
		}
	}
	return false
}

// items are the ids and id prefixes of the line.
func (d difference) items() []string {
	var out []string
	for _, p := range strings.Split(d.pattern, ",") {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

func itemMatches(item, id string) bool {
	if prefix, ok := strings.CutSuffix(item, "*"); ok {
		return strings.HasPrefix(id, prefix)
	}
	return item == id
}

// loadDifferences reads the list: "ID | REASON | SOURCES" per line, with
// # comments and blank lines.
func loadDifferences(t *testing.T, name string) []difference {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []difference
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, " | ")
		if len(parts) != 3 || parts[0] == "" || strings.TrimSpace(parts[1]) == "" || strings.TrimSpace(parts[2]) == "" {
			t.Fatalf("%s:%d: want ID | REASON | SOURCES", name, n)
		}
		if seen[parts[0]] {
			t.Fatalf("%s:%d: %s listed twice", name, n, parts[0])
		}
		seen[parts[0]] = true
		out = append(out, difference{parts[0], parts[1], parts[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// listed returns the line of the list that covers case id.
func listed(list []difference, id string) (difference, bool) {
	for _, d := range list {
		if d.matches(id) {
			return d, true
		}
	}
	return difference{}, false
}

// checkList fails the test for an id of the list that names no applicable
// case and for a case that several lines cover: each line must say why of
// exactly the cases it is about.
func checkList(t *testing.T, list []difference, cases []*limboCase) {
	t.Helper()
	for _, d := range list {
		for _, item := range d.items() {
			if !slices.ContainsFunc(cases, func(c *limboCase) bool { return itemMatches(item, c.ID) }) {
				t.Errorf("differences.txt lists %s, which matches no applicable case of the suite", item)
			}
		}
	}
	for _, c := range cases {
		n := 0
		for _, d := range list {
			if d.matches(c.ID) {
				n++
			}
		}
		if n > 1 {
			t.Errorf("differences.txt covers %s on %d lines", c.ID, n)
		}
	}
}
