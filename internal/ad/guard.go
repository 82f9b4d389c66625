package ad

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"sync"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// maxPacketBytes is asn1-ber's packet limit for go-ldap (2 GiB by
// default): nothing larger than what guardConn lets through, a CRL
// included.
const maxPacketBytes = maxObjectBytes + maxCRLBytes + 64<<10

func init() { ber.MaxPacketLengthBytes = maxPacketBytes }

// guardConn stands between a DC's connection and go-ldap, which reads each
// LDAP message whole into memory. Messages of up to maxObjectBytes pass
// unchanged. A larger search result entry is read as it arrives: its DN
// and the values of the attributes exdiag reads are kept, within
// maxValueBytes each and maxObjectBytes in all, the rest is measured and
// dropped, and go-ldap gets the entry rebuilt from what was kept; what was
// left out waits for the searcher (take). Any other larger message ends
// the connection with a *messageTooLarge.
type guardConn struct {
	net.Conn
	r    *bufio.Reader
	out  []byte // what go-ldap reads next: a message header or a rebuilt message
	pass int64  // bytes of the current message still to pass on unchanged
	hdr  [12]byte

	mu      sync.Mutex
	err     error
	skipped []skippedValues
}

// skippedValues are the values left out of one rebuilt entry.
type skippedValues struct {
	dn     string
	values []Skipped
}

// messageTooLarge is a message over maxObjectBytes that is not an entry.
type messageTooLarge struct{ size int64 }

func (e *messageTooLarge) Error() string {
	return fmt.Sprintf("the DC sent an LDAP message of %d bytes that is not an entry (limit %d MB)", e.size, maxObjectBytes>>20)
}

// errMalformed is a message whose lengths do not add up.
var errMalformed = errors.New("the DC sent a malformed LDAP message")

func newGuardConn(c net.Conn) *guardConn {
	return &guardConn{Conn: c, r: bufio.NewReaderSize(c, 32<<10)}
}

func (g *guardConn) Read(p []byte) (int, error) {
	for len(g.out) == 0 && g.pass == 0 {
		if err := g.next(); err != nil {
			g.mu.Lock()
			g.err = err
			g.mu.Unlock()
			return 0, err
		}
	}
	if len(g.out) > 0 {
		n := copy(p, g.out)
		g.out = g.out[n:]
		return n, nil
	}
	if int64(len(p)) > g.pass {
		p = p[:g.pass]
	}
	n, err := g.r.Read(p)
	g.pass -= int64(n)
	return n, err
}

// failure is the error that ended the connection, if the guard ended it.
func (g *guardConn) failure() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	var tooLarge *messageTooLarge
	if errors.As(g.err, &tooLarge) || errors.Is(g.err, errMalformed) {
		return g.err
	}
	return nil
}

// take returns what was left out of the entry dn, when that entry is the
// next one rebuilt.
func (g *guardConn) take(dn string) []Skipped {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.skipped) == 0 || g.skipped[0].dn != dn {
		return nil
	}
	s := g.skipped[0].values
	g.skipped = g.skipped[1:]
	return s
}

// reset forgets what no entry took: called before each request, when the
// last one's answers have all arrived.
func (g *guardConn) reset() {
	g.mu.Lock()
	g.skipped = nil
	g.mu.Unlock()
}

// next reads the start of the next message and decides its fate.
func (g *guardConn) next() error {
	tag, err := g.r.ReadByte()
	if err != nil {
		return err // io.EOF between messages is the connection's end
	}
	if tag != 0x30 {
		return errMalformed
	}
	m := berStream{r: g.r, left: 1 << 62}
	size, err := m.length(0)
	if err != nil {
		return err
	}
	if size <= maxObjectBytes {
		g.out = appendHeader(g.hdr[:0], tag, size)
		g.pass = size
		return nil
	}
	m.left = size
	entry, values, err := readLargeEntry(&m, size)
	if err != nil {
		return err
	}
	if len(values) > 0 {
		g.mu.Lock()
		g.skipped = append(g.skipped, skippedValues{entry.dn, values})
		g.mu.Unlock()
	}
	g.out = entry.encode()
	return nil
}

// appendHeader writes a BER tag and definite length.
func appendHeader(b []byte, tag byte, n int64) []byte {
	b = append(b, tag)
	if n < 0x80 {
		return append(b, byte(n))
	}
	var l [8]byte
	i := len(l)
	for ; n > 0; n >>= 8 {
		i--
		l[i] = byte(n)
	}
	b = append(b, 0x80|byte(len(l)-i))
	return append(b, l[i:]...)
}

// keptEntry is what readLargeEntry keeps of a search result entry.
type keptEntry struct {
	id    int64
	dn    string
	attrs []Attr
}

func (e *keptEntry) encode() []byte {
	p := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Message")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, e.id, "MessageID"))
	p.AppendChild(e.op())
	return p.Bytes()
}

// op is the entry as a SearchResultEntry.
func (e *keptEntry) op() *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultEntry, nil, "Search Result Entry")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, e.dn, "DN"))
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Attributes")
	for _, a := range e.attrs {
		seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Attribute")
		seq.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a.Name, "Type"))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "Values")
		for _, v := range a.Values {
			set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, "Value"))
		}
		seq.AppendChild(set)
		attrs.AppendChild(seq)
	}
	op.AppendChild(attrs)
	return op
}
