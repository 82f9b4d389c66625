package ad

import (
	"fmt"
	"io"
	"slices"

	"github.com/exdiag/exdiag/internal/inventory"
)

// ReadLDIFOrg reads an ldifde export into an inventory: the same as
// FromEntries(ReadLDIF(r), inventory.OriginLDIF, f), in memory bounded by
// what it keeps and time linear in the file. It streams the file (UTF-16
// decoded as it goes), keeps only Exchange's objects and of them only the
// attributes exdiag reads, and measures and leaves out values over
// maxValueBytes (directory-value-unsafe notes). Stats.Entries counts the
// records read.
func ReadLDIFOrg(r io.Reader, f Filter) (*inventory.Org, Stats, error) {
	var st Stats
	l := newLDIFReader(r, readAttrs)
	var kept []Entry
	// Without an msExchOrganizationContainer, FromEntries names the
	// organisation and the configuration naming context after the first
	// objects under CN=Microsoft Exchange in DN order that give them:
	// these two stand in for the objects not kept.
	var config, name *standIn
	for seq := 0; ; seq++ {
		e, line, err := l.next()
		if err != nil {
			return nil, st, err
		}
		if e == nil {
			break
		}
		st.Entries++
		if !isRead(e) {
			switch p, ok := parseDN(e.DN); {
			case !ok:
				// FromEntries reports it; nothing else of it is needed.
				e.Attrs = nil
			case underExchange(p):
				i, key := p.index("Microsoft Exchange"), p.key()
				s := &standIn{Entry{DN: e.DN}, key, len(kept), seq}
				if len(p) > i+2 && (config == nil || key < config.key) {
					config = s
				}
				if p.at(i-1).val != "" && (name == nil || key < name.key) {
					name = s
				}
				continue
			default:
				continue
			}
		}
		if len(kept) >= maxEntries {
			return nil, st, fmt.Errorf("ldif line %d: more than %d entries of Exchange", line, maxEntries)
		}
		kept = append(grow(kept), *e)
	}
	switch {
	case config == name && config != nil:
		kept = slices.Insert(kept, config.at, config.e)
	case config != nil && name != nil:
		// The later one first, so that the other's place stays right.
		a, b := config, name
		if a.seq < b.seq {
			a, b = b, a
		}
		kept = slices.Insert(kept, a.at, a.e)
		kept = slices.Insert(kept, b.at, b.e)
	case config != nil:
		kept = slices.Insert(kept, config.at, config.e)
	case name != nil:
		kept = slices.Insert(kept, name.at, name.e)
	}
	org, err := FromEntries(kept, inventory.OriginLDIF, f)
	return org, st, err
}

// standIn is an object not kept that FromEntries needs to see: its DN,
// its DN's sort key, where it goes among the kept objects and its place
// in the file.
type standIn struct {
	e       Entry
	key     string
	at, seq int
}

// underExchange reports whether p is below CN=Microsoft Exchange,CN=Services.
func underExchange(p dnPath) bool {
	i := p.index("Microsoft Exchange")
	return i >= 1 && p.at(i+1).is("Services")
}
