package ad

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"math/big"
	"testing"
	"time"
)

func testCertDER(t testing.TB, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn}, DNSNames: []string{cn},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// record is one {id, encoding, length, value} record of a serialized
// certificate store element.
func record(id uint32, value []byte) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, id)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(value)))
	return append(b, value...)
}

func TestStoreCertificate(t *testing.T) {
	der := testCertDER(t, "EX01")
	sum := sha1.Sum(der)
	friendly := []byte("E\x00X\x000\x001\x00\x00\x00") // CERT_FRIENDLY_NAME_PROP_ID, UTF-16
	for _, tt := range []struct {
		name string
		in   []byte
		err  error // nil: want der back
	}{
		{"plain DER", der, nil},
		{"serialized: hash, friendly name, certificate", bytes.Join([][]byte{record(3, sum[:]), record(11, friendly), record(0x20, der)}, nil), nil},
		{"serialized: the certificate alone", record(0x20, der), nil},
		{"serialized: records after the certificate", append(record(0x20, der), record(3, sum[:])...), nil},
		{"no certificate record", bytes.Join([][]byte{record(3, sum[:]), record(11, friendly)}, nil), errNoCertRecord},
		{"a record longer than the value", record(0x20, der)[:100], errNotCertificate},
		{"garbage", []byte("not a certificate at all"), errNotCertificate},
		{"empty", nil, errNotCertificate},
	} {
		got, err := StoreCertificate(tt.in)
		switch {
		case tt.err == nil && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err == nil && !bytes.Equal(got, der):
			t.Errorf("%s: returned %d bytes, not the certificate", tt.name, len(got))
		case tt.err != nil && !errors.Is(err, tt.err):
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.err)
		}
	}
	// A certificate record that is not a certificate is refused with the
	// parser's reason, never returned.
	if got, err := StoreCertificate(record(0x20, []byte{0x30, 0x03, 1, 2, 3})); err == nil || got != nil {
		t.Errorf("a broken certificate record was accepted: %v", err)
	}
}

// Whatever the value, StoreCertificate returns a certificate that parses or
// an error, and never reads past the value.
func FuzzStoreCertificate(f *testing.F) {
	der := testCertDER(f, "EX01")
	f.Add(der)
	f.Add(record(0x20, der))
	f.Add(append(record(3, []byte{1, 2, 3}), record(0x20, der)...))
	f.Add([]byte{0x20, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, v []byte) {
		got, err := StoreCertificate(v)
		if err != nil {
			if got != nil {
				t.Fatalf("error %v with %d bytes", err, len(got))
			}
			return
		}
		if _, err := x509.ParseCertificate(got); err != nil {
			t.Fatalf("returned a value that does not parse: %v", err)
		}
	})
}
