package lab

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// The lab DC reads each request whole, but only after checking its BER
// framing itself: asn1-ber's own limit (ber.MaxPacketLengthBytes) is
// process-wide, and internal/ad raises it for what DCs send.
const (
	// maxRequestBytes bounds one LDAP request. The lab's clients send
	// binds, searches and the writes it refuses, all a few hundred bytes
	// (an NTLM AUTHENTICATE_MESSAGE is the largest); AD's own bound is
	// MaxReceiveBuffer, 10 MB.
	maxRequestBytes = 256 << 10
	// maxRequestDepth bounds the nesting of a request's BER elements. A
	// search for (&(|(a=b)(c=d))) nests six deep. asn1-ber copies each
	// element's bytes into its parent, so the memory a request costs grows
	// with its depth.
	maxRequestDepth = 32
)

// errMalformed is a request whose BER or LDAP structure is wrong; the
// connection ends with a notice of disconnection (RFC 4511 4.1.1).
var errMalformed = errors.New("malformed LDAP request")

// errTooLarge is a request over maxRequestBytes: it is not read.
var errTooLarge = fmt.Errorf("LDAP request over %d bytes", maxRequestBytes)

// readRequest reads one LDAPMessage (a SEQUENCE, definite length, as RFC
// 4511 5.1 requires) and decodes it after checking its framing.
func readRequest(r *bufio.Reader) (*ber.Packet, error) {
	tag, err := r.ReadByte()
	if err != nil {
		return nil, err // io.EOF between messages ends the connection cleanly
	}
	if tag != 0x30 {
		return nil, fmt.Errorf("%w: tag 0x%02x is not a SEQUENCE", errMalformed, tag)
	}
	first, err := r.ReadByte()
	if err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	hdr := []byte{tag, first}
	n := int64(first)
	if first >= 0x80 {
		k := int(first & 0x7f)
		if k == 0 || k > 8 {
			return nil, fmt.Errorf("%w: length form 0x%02x", errMalformed, first)
		}
		n = 0
		for range k {
			b, err := r.ReadByte()
			if err != nil {
				return nil, io.ErrUnexpectedEOF
			}
			hdr = append(hdr, b)
			if n <= maxRequestBytes { // past it, the length stays too large
				n = n<<8 | int64(b)
			}
		}
	}
	if n > maxRequestBytes {
		return nil, errTooLarge
	}
	buf := make([]byte, len(hdr)+int(n))
	copy(buf, hdr)
	if _, err := io.ReadFull(r, buf[len(hdr):]); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return decodeBER(buf)
}

// decodeBER decodes one complete BER element once checkBER has bounded
// its depth and matched every length to its content.
func decodeBER(b []byte) (*ber.Packet, error) {
	if err := checkBER(b, 0, true); err != nil {
		return nil, err
	}
	p, err := ber.DecodePacketErr(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformed, err)
	}
	return p, nil
}

// checkBER walks the elements in b without recursion deeper than
// maxRequestDepth. one: b must hold exactly one element.
func checkBER(b []byte, depth int, one bool) error {
	if depth > maxRequestDepth {
		return fmt.Errorf("%w: nested deeper than %d", errMalformed, maxRequestDepth)
	}
	if one && len(b) == 0 {
		return fmt.Errorf("%w: an empty element", errMalformed)
	}
	for count := 0; len(b) > 0; count++ {
		if one && count > 0 {
			return fmt.Errorf("%w: bytes after the message", errMalformed)
		}
		if b[0]&0x1f == 0x1f {
			return fmt.Errorf("%w: multi-byte tag", errMalformed) // LDAP has no tag above 30
		}
		n, h, err := berLength(b[1:])
		if err != nil {
			return err
		}
		content := b[1+h:]
		if n > len(content) {
			return fmt.Errorf("%w: an element overruns its container", errMalformed)
		}
		if b[0]&0x20 != 0 {
			if err := checkBER(content[:n], depth+1, false); err != nil {
				return err
			}
		}
		b = content[n:]
	}
	return nil
}

// berLength decodes a definite length: the length and the bytes it took.
func berLength(b []byte) (int, int, error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: missing length", errMalformed)
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, nil
	}
	k := int(b[0] & 0x7f)
	if k == 0 || k > 4 || len(b) < 1+k {
		return 0, 0, fmt.Errorf("%w: length form 0x%02x", errMalformed, b[0])
	}
	var n int64
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int64(c)
	}
	if n > maxRequestBytes {
		return 0, 0, fmt.Errorf("%w: an element overruns its container", errMalformed)
	}
	return int(n), 1 + k, nil
}

// Encoding of the server's messages (RFC 4511 4.1.1, 4.1.9).

// envelope wraps a protocol operation (and response controls) into an
// LDAPMessage.
func envelope(id int64, op *ber.Packet, controls ...*ber.Packet) []byte {
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAPMessage")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "messageID"))
	msg.AppendChild(op)
	if len(controls) > 0 {
		seq := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "controls")
		for _, c := range controls {
			seq.AppendChild(c)
		}
		msg.AppendChild(seq)
	}
	return msg.Bytes()
}

// ldapResult is an LDAPResult under the response's application tag.
func ldapResult(app ber.Tag, code int, matchedDN, diagnostic string) *ber.Packet {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, app, nil, "response")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(code), "resultCode"))
	op.AppendChild(octetString(matchedDN))
	op.AppendChild(octetString(diagnostic))
	return op
}

// extendedResult is an ExtendedResponse naming its operation.
func extendedResult(code int, name, diagnostic string) *ber.Packet {
	op := ldapResult(applicationExtendedResponse, code, "", diagnostic)
	if name != "" {
		op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 10, name, "responseName"))
	}
	return op
}

// control is a Control as a response carries it: type and value.
func control(oid string, value []byte) *ber.Packet {
	c := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	c.AppendChild(octetString(oid))
	c.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(value), "controlValue"))
	return c
}

func octetString(s string) *ber.Packet {
	return ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, s, "")
}

// The LDAP protocol operations' application tags (RFC 4511 4.2–4.14).
const (
	applicationBindRequest     = 0
	applicationBindResponse    = 1
	applicationUnbindRequest   = 2
	applicationSearchRequest   = 3
	applicationSearchEntry     = 4
	applicationSearchDone      = 5
	applicationModifyRequest   = 6
	applicationModifyResponse  = 7
	applicationAddRequest      = 8
	applicationAddResponse     = 9
	applicationDelRequest      = 10
	applicationDelResponse     = 11
	applicationModDNRequest    = 12
	applicationModDNResponse   = 13
	applicationCompareRequest  = 14
	applicationCompareResponse = 15
	applicationAbandonRequest  = 16

	applicationExtendedRequest  = 23
	applicationExtendedResponse = 24
)
