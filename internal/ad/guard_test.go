package ad

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

func guardOver(data []byte) *guardConn {
	return &guardConn{r: bufio.NewReader(bytes.NewReader(data))}
}

func ldapMessage(id int64, op *ber.Packet) []byte {
	p := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, ""))
	p.AppendChild(op)
	return p.Bytes()
}

func searchEntry(dn string, attrs ...Attr) *ber.Packet {
	return (&keptEntry{dn: dn, attrs: attrs}).op()
}

// Small messages pass unchanged; a large entry is rebuilt with what
// exdiag reads within the limits, and what was left out is kept for the
// searcher.
func TestGuardConn(t *testing.T) {
	small := ldapMessage(7, searchEntry("CN=a", Attr{"cn", []string{"a"}}))
	huge := strings.Repeat("h", 2<<20)
	large := ldapMessage(-300, searchEntry("CN=b",
		Attr{"description", []string{huge}},
		Attr{"msExchInternalHostName", []string{"https://b/", huge, "https://c/"}},
		Attr{"objectClass;x", []string{"top"}}))
	out, err := io.ReadAll(guardOver(append(append([]byte{}, small...), large...)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, small) {
		t.Fatal("a small message was changed")
	}
	p, err := ber.ReadPacket(bytes.NewReader(out[len(small):]))
	if err != nil {
		t.Fatal(err)
	}
	want := ldapMessage(-300, searchEntry("CN=b", Attr{"msExchInternalHostName", []string{"https://b/", "https://c/"}}, Attr{"objectClass;x", []string{"top"}}))
	if !bytes.Equal(p.Bytes(), want) {
		t.Errorf("rebuilt entry:\n%x\nwant\n%x", p.Bytes(), want)
	}
	g := guardOver(large)
	_, _ = io.ReadAll(g)
	if s := g.take("CN=x"); s != nil {
		t.Errorf("take of another entry: %v", s)
	}
	if s := g.take("CN=b"); len(s) != 1 || s[0] != (Skipped{"msExchInternalHostName", 2 << 20}) {
		t.Errorf("skipped %v: want the 2 MB InternalUrl, not the description", s)
	}
}

func TestGuardConnRefuses(t *testing.T) {
	done := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationSearchResultDone, nil, "")
	done.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, strings.Repeat("x", 2<<20), ""))
	for name, tc := range map[string]struct {
		in   []byte
		want error
	}{
		"large result done":   {ldapMessage(1, done), &messageTooLarge{}},
		"not a sequence":      {[]byte{0x31, 0x00}, errMalformed},
		"indefinite length":   {[]byte{0x30, 0x80, 0x02, 0x01, 0x01, 0, 0}, errMalformed},
		"length of 9 bytes":   {[]byte{0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9}, errMalformed},
		"child over parent":   {append([]byte{0x30, 0x83, 0x20, 0x00, 0x00, 0x02, 0x01, 0x01, 0x64, 0x83, 0x20, 0x00, 0x00}, make([]byte, 16)...), errMalformed},
		"multi-byte tag":      {append([]byte{0x30, 0x83, 0x20, 0x00, 0x00, 0x1f, 0x81, 0x01}, make([]byte, 16)...), errMalformed},
		"cut in the middle":   {[]byte{0x30, 0x83, 0x20, 0x00, 0x00, 0x02, 0x01, 0x01, 0x64, 0x83, 0x1f, 0xff, 0xf0, 0x04}, io.ErrUnexpectedEOF},
		"cut after a message": {[]byte{0x30, 0x00}, nil},
	} {
		g := guardOver(tc.in)
		_, err := io.ReadAll(g)
		var tooLarge *messageTooLarge
		switch {
		case tc.want == nil && err != nil,
			errors.As(tc.want, &tooLarge) && !errors.As(err, &tooLarge),
			tc.want != nil && !errors.As(tc.want, &tooLarge) && !errors.Is(err, tc.want):
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
		if (errors.As(err, &tooLarge) || errors.Is(err, errMalformed)) != (g.failure() != nil) {
			t.Errorf("%s: failure() %v after %v", name, g.failure(), err)
		}
	}
}

// FuzzGuardConn: whatever a DC sends, the guard ends or hands go-ldap
// messages no larger than asn1-ber's limit, never panics.
func FuzzGuardConn(f *testing.F) {
	f.Add(ldapMessage(1, searchEntry("CN=a", Attr{"cn", []string{"a"}})))
	f.Add([]byte{0x30, 0x83, 0x10, 0x00, 0x10, 0x02, 0x01, 0x01, 0x64, 0x83, 0x10, 0x00, 0x0a, 0x04, 0x01, 'x', 0x30, 0x83, 0x10, 0x00, 0x02, 0x30, 0x83, 0x0f, 0xff, 0xfc, 0x04, 0x02, 'c', 'n', 0x31, 0x83, 0x0f, 0xff, 0xf4, 0x04, 0x83, 0x0f, 0xff, 0xf0})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Lengths in the input may claim up to 2^63 bytes: a reader that
		// believed them would ask for that much.
		out, _ := io.ReadAll(io.LimitReader(guardOver(data), 1<<22))
		for len(out) > 0 {
			p, err := ber.ReadPacket(bytes.NewReader(out))
			if err != nil {
				return
			}
			if n := len(p.Bytes()); n > maxPacketBytes {
				t.Fatalf("a message of %d bytes passed", n)
			}
			out = out[len(p.Bytes()):]
		}
	})
}
