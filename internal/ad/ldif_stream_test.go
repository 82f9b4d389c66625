package ad

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// The UTF-16 decoder gives what utf16.Decode gives over the whole file,
// however the reads split pairs of bytes and surrogate pairs.
func TestUTF16ReaderMatchesDecode(t *testing.T) {
	units := []uint16{'d', 'n', ':', ' ', 0xD83D, 0xDE00, 'x', 0xD800, 'y', 0xDC00, 0xDBFF, 0xD800, 0xDC01, 0xE9, 0x20AC}
	for _, big := range []bool{false, true} {
		var raw []byte
		for range 3000 {
			for _, u := range units {
				if big {
					raw = append(raw, byte(u>>8), byte(u))
				} else {
					raw = append(raw, byte(u), byte(u>>8))
				}
			}
		}
		raw = append(raw, 0x41) // an odd last byte is dropped
		want := string(utf16.Decode(decodeUnits(raw, big)))
		for name, r := range map[string]io.Reader{
			"one byte": iotest.OneByteReader(bytes.NewReader(raw)),
			"half":     iotest.HalfReader(bytes.NewReader(raw)),
			"whole":    bytes.NewReader(raw),
		} {
			got, err := io.ReadAll(&utf16Reader{r: r, bigEndian: big})
			if err != nil || string(got) != want {
				t.Errorf("big endian %t, %s reads: %v, %d bytes differ from utf16.Decode's %d", big, name, err, len(got), len(want))
			}
		}
	}
	// A high surrogate at the very end.
	got, _ := io.ReadAll(&utf16Reader{r: bytes.NewReader([]byte{'a', 0, 0x3D, 0xD8})})
	if string(got) != "a\uFFFD" {
		t.Errorf("trailing high surrogate: %q", got)
	}
}

func decodeUnits(b []byte, big bool) []uint16 {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if big {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return u
}

// Lines longer than the read buffer, folded or not, with a CR that falls
// at the buffer's edge, read as the short ones do.
func TestReadLDIFLongLines(t *testing.T) {
	// "long: " starts the line at the start of the read buffer: a cut of
	// 64 KB - 7 puts the CR in the buffer's last byte.
	for _, cut := range []int{64<<10 - 8, 64<<10 - 7, 64<<10 - 6, 100_000} {
		value := strings.Repeat("v", cut) + "\r" + strings.Repeat("w", 10)
		folded := value + "\r\n tail"
		if len(value) > 70_000 {
			folded = value[:70_000] + "\r\n " + value[70_000:]
		} else {
			value += "tail"
		}
		in := "dn: CN=a,DC=x\r\nlong: " + folded + "\r\nshort: s\r\n\r\n"
		got, err := ReadLDIF(strings.NewReader(in))
		if err != nil || len(got) != 1 || got[0].First("long") != value || got[0].First("short") != "s" {
			t.Errorf("cut %d: %v, %d entries", cut, err, len(got))
		}
	}
}

// One entry with 100,000 distinct attribute names: every one is read
// (ReadLDIF) or skipped without being stored (ReadLDIFOrg).
func TestReadLDIFManyAttributes(t *testing.T) {
	var in bytes.Buffer
	genManyAttrs(&in, 100_000)
	got, err := ReadLDIF(bytes.NewReader(in.Bytes()))
	if err != nil || len(got) != 1 || len(got[0].Attrs) != 100_001 || got[0].First("ATTR099999") != "value-099999" {
		t.Fatalf("%v, %d entries", err, len(got))
	}
}

// A value larger than maxValueBytes is measured and left out as it is
// read: a note names its attribute and size, the entry's other values are
// kept, and reading it allocates a small part of it.
func TestReadLDIFOrgSkipsLargeValues(t *testing.T) {
	const size = 32 << 20
	vdir := "CN=owa (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01," + genServers
	for _, isBase64 := range []bool{false, true} {
		var in bytes.Buffer
		fmt.Fprintf(&in, "dn: CN=Contoso,CN=Microsoft Exchange,CN=Services,%s\nobjectClass: msExchOrganizationContainer\n\n", genNC)
		fmt.Fprintf(&in, "dn: %s\nobjectClass: msExchVirtualDirectory\nobjectClass: msExchOWAVirtualDirectory\n", vdir)
		huge := "https://x/" + strings.Repeat("a", size-len("https://x/"))
		if isBase64 {
			fmt.Fprintf(&in, "msExchInternalHostName:: %s\n", base64.StdEncoding.EncodeToString([]byte(huge)))
		} else {
			fmt.Fprintf(&in, "msExchInternalHostName: %s\n", huge)
		}
		fmt.Fprintf(&in, "msExchExternalHostName: https://mail.contoso.com/owa\n")
		huge = ""
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		org, _, err := ReadLDIFOrg(bytes.NewReader(in.Bytes()), Filter{})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 2<<20 {
			t.Errorf("base64 %t: %d bytes allocated to skip a %d-byte value", isBase64, allocated, size)
		}
		var urls, notes []string
		for _, e := range org.Endpoints {
			urls = append(urls, e.URL)
		}
		for _, n := range org.Notes {
			if n.Code == "directory-value-unsafe" {
				notes = append(notes, n.Message+" "+n.Source.Attribute+" "+n.Source.Server)
			}
		}
		wantNote := fmt.Sprintf("msExchInternalHostName value of %d bytes ignored (limit 64 KB) msExchInternalHostName EX01", size)
		if len(urls) != 1 || urls[0] != "https://mail.contoso.com/owa" || len(notes) != 1 || notes[0] != wantNote {
			t.Errorf("base64 %t: endpoints %q, notes %q; want the external URL and %q", isBase64, urls, notes, wantNote)
		}
	}
}

// A DN larger than maxValueBytes is not kept: the entry is reported.
func TestReadLDIFOrgLargeDN(t *testing.T) {
	dn := "CN=" + strings.Repeat("x", 70_000) + "," + genServers
	in := fmt.Sprintf("dn: CN=Contoso,CN=Microsoft Exchange,CN=Services,%s\nobjectClass: msExchOrganizationContainer\n\ndn: %s\nobjectClass: msExchExchangeServer\n", genNC, dn)
	org, _, err := ReadLDIFOrg(strings.NewReader(in), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("entry with a DN of %d bytes was skipped (limit 64 KB)", len(dn))
	if len(org.Notes) == 0 || org.Notes[0].Code != "directory-value-unsafe" || org.Notes[0].Message != want {
		t.Errorf("notes %+v: want %q", org.Notes, want)
	}
}

func TestLDIFSizeLimit(t *testing.T) {
	r := &sizeLimit{r: strings.NewReader("0123456789"), left: 10}
	if b, err := io.ReadAll(r); err != nil || string(b) != "0123456789" {
		t.Errorf("a file of exactly the limit: %q, %v", b, err)
	}
	r = &sizeLimit{r: strings.NewReader("0123456789!"), left: 10}
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "file larger than 512 MB") {
		t.Errorf("a file over the limit: %v", err)
	}
}
