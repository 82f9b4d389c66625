package ad

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestReadLDIF(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Entry
	}{
		{"plain", "version: 1\n\ndn: CN=a,DC=x\nobjectClass: top\ncn: a\n",
			[]Entry{{DN: "CN=a,DC=x", Attrs: []Attr{{"objectClass", []string{"top"}}, {"cn", []string{"a"}}}}}},
		{"crlf, comments, changetype add, two records",
			"# ldifde export\r\nversion: 1\r\n\r\ndn: CN=a,DC=x\r\nchangetype: add\r\ncn: a\r\n\r\n# next\r\ndn: CN=b,DC=x\r\nchangetype: add\r\ncn: b\r\n\r\n",
			[]Entry{{DN: "CN=a,DC=x", Attrs: []Attr{{"cn", []string{"a"}}}}, {DN: "CN=b,DC=x", Attrs: []Attr{{"cn", []string{"b"}}}}}},
		{"folded value and folded comment",
			"dn: CN=EWS (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01,CN=Serv\n ers,DC=x\n# a comment\n  that goes on\nmsExchInternalHostName: https://ex01.contoso.lo\n cal/EWS/Exchange.asmx\n",
			[]Entry{{DN: "CN=EWS (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01,CN=Servers,DC=x",
				Attrs: []Attr{{"msExchInternalHostName", []string{"https://ex01.contoso.local/EWS/Exchange.asmx"}}}}}},
		{"base64 values and dn::, options dropped, repeated attribute merged across casing",
			"dn:: Q049RWNvbGUsREM9eA==\nmsExchSmtpTLSCertificate:: PEk+Q049RVgwMTxTPkNOPUVYMDE=\nuserCertificate;binary:: AAEC\nKEYWORDS: a\nkeywords:b\n",
			[]Entry{{DN: "CN=Ecole,DC=x", Attrs: []Attr{{"msExchSmtpTLSCertificate", []string{"<I>CN=EX01<S>CN=EX01"}},
				{"userCertificate", []string{"\x00\x01\x02"}}, {"KEYWORDS", []string{"a", "b"}}}}}},
		{"utf-8 bom, no trailing newline", "\xEF\xBB\xBFdn: CN=é,DC=x\ncn: é", []Entry{{DN: "CN=é,DC=x", Attrs: []Attr{{"cn", []string{"é"}}}}}},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadLDIF(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadLDIFErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"version: 1\n\ncn: a\n", "ldif line 3: record starts with \"cn\""},
		{"dn: CN=a\ncn: a\n\n\n# x\nobjectClass: top\n", "ldif line 6: record starts with \"objectClass\""},
		{"dn: CN=a\ncn:: !!!\n", "ldif line 2: attribute cn: invalid base64"},
		{"dn: CN=a\nchangetype: modify\n", `changetype "modify"`},
		{"dn: CN=a\njpegPhoto:< file:///etc/passwd\n", `values read from URLs (":<") are not supported`},
		{"version: 2\n", `unsupported ldif version "2"`},
		{"dn: CN=a\ndn: CN=b\n", `second "dn:"`},
		{"dn: CN=a\nno colon here\n", `ldif line 2: "no colon here" is not "attribute: value"`},
	} {
		_, err := ReadLDIF(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

// toUTF16LE encodes text as ldifde -u writes it: BOM, UTF-16LE, CRLF.
func toUTF16LE(text string) []byte {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, u := range utf16.Encode([]rune(text)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.Bytes()
}

// TestContosoUTF16 reads testdata/ldif/contoso-utf16.ldf, the UTF-16 twin
// of contoso.ldif (rewritten by -update), and checks it is in sync.
func TestContosoUTF16(t *testing.T) {
	utf8Text, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ldif", "contoso.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "testdata", "ldif", "contoso-utf16.ldf")
	if *update {
		if err := os.WriteFile(path, toUTF16LE(string(utf8Text)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, toUTF16LE(string(utf8Text))) {
		t.Errorf("%s is out of date: go test ./internal/ad -run TestContosoUTF16 -update", path)
	}
	got, err := ReadLDIF(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if want := readContoso(t); !reflect.DeepEqual(got, want) {
		t.Error("UTF-16 and UTF-8 files read differently")
	}
	noBOM, err := ReadLDIF(bytes.NewReader(raw[2:]))
	if err != nil || !reflect.DeepEqual(noBOM, got) {
		t.Errorf("UTF-16LE without a BOM: %v", err)
	}
}
