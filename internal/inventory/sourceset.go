package inventory

import "hash/maphash"

// SourceSet numbers distinct sources by value, in the order first added.
// It keys them by a hash of their fields, not by their value: a map keyed
// by Source takes about 160 bytes an entry, 10 MB for the 65,000
// endpoints of an organisation of 5,000 servers; this takes about 22.
// The zero SourceSet is empty and ready to use.
type SourceSet struct {
	seed  maphash.Seed
	first map[uint64]int32
	// more holds the sources whose hash an unequal source had first.
	more map[Source]int
	list []*Source
}

// Add numbers s, adding it when no equal source is in the set, and says
// whether it did. The set keeps s, not a copy: s must not change after.
func (ss *SourceSet) Add(s *Source) (n int, added bool) {
	if ss.first == nil {
		ss.seed, ss.first = maphash.MakeSeed(), map[uint64]int32{}
	}
	h := ss.hash(s)
	i, ok := ss.first[h]
	switch {
	case !ok:
		ss.first[h] = int32(len(ss.list))
	case *ss.list[i] == *s:
		return int(i), false
	default:
		if j, ok := ss.more[*s]; ok {
			return j, false
		}
		if ss.more == nil {
			ss.more = map[Source]int{}
		}
		ss.more[*s] = len(ss.list)
	}
	ss.list = append(ss.list, s)
	return len(ss.list) - 1, true
}

// Len is the number of distinct sources added.
func (ss *SourceSet) Len() int { return len(ss.list) }

// At is the source numbered n.
func (ss *SourceSet) At(n int) *Source { return ss.list[n] }

// hash hashes s's fields; a field it leaves out only makes more collisions.
func (ss *SourceSet) hash(s *Source) uint64 {
	var h maphash.Hash
	h.SetSeed(ss.seed)
	for _, f := range [...]string{string(s.Origin), string(s.Service), string(s.Scope), s.Server, s.Object, s.DN, s.Attribute, s.Value} {
		h.WriteString(f)
		h.WriteByte(0)
	}
	return h.Sum64()
}
