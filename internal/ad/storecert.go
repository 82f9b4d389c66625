package ad

import (
	"crypto/x509"
	"encoding/binary"
	"errors"
)

// certCertPropID is CERT_CERT_PROP_ID: the record of a serialized
// certificate store element that holds the encoded certificate.
const certCertPropID = 0x20

// maxStoreRecords bounds the property records read before the certificate;
// Windows writes a handful (hashes, key identifier, friendly name).
const maxStoreRecords = 64

var (
	errNotCertificate = errors.New("neither a DER certificate nor a serialized certificate store element")
	errNoCertRecord   = errors.New("a serialized certificate store element without its certificate record (CERT_CERT_PROP_ID)")
)

// StoreCertificate returns the DER certificate held in a directory value
// that Exchange writes with X509Certificate2.Export(SerializedCert)
// (msExchServerInternalTLSCert, msExchFedOrgCertificate): a serialized
// certificate store element, a list of little-endian records
// {property id, encoding type, length, value} of which the one with id
// CERT_CERT_PROP_ID (0x20) is the certificate ([MS-OSHARED] 2.3.2.5.1–4;
// wincrypt CertSerializeCertificateStoreElement). A value that is already a
// DER certificate is returned as it is. The returned certificate is parsed,
// so a caller may rely on it.
func StoreCertificate(v []byte) ([]byte, error) {
	if _, err := x509.ParseCertificate(v); err == nil {
		return v, nil
	}
	rest := v
	for range maxStoreRecords {
		if len(rest) < 12 {
			break
		}
		id := binary.LittleEndian.Uint32(rest[0:4])
		n := binary.LittleEndian.Uint32(rest[8:12])
		rest = rest[12:]
		if uint64(n) > uint64(len(rest)) {
			return nil, errNotCertificate
		}
		value := rest[:n]
		rest = rest[n:]
		if id != certCertPropID {
			continue
		}
		if _, err := x509.ParseCertificate(value); err != nil {
			return nil, err
		}
		return value, nil
	}
	if len(v) >= 12 && len(rest) == 0 {
		return nil, errNoCertRecord
	}
	return nil, errNotCertificate
}
