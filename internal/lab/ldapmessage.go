package lab

import (
	"bufio"
	"bytes"
	"io"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// The few LDAP messages the sicily front reads and writes itself
// (RFC 4511 section 4), in BER.

// readMessage reads one LDAP message and returns its bytes as sent.
func readMessage(r *bufio.Reader) ([]byte, *ber.Packet, error) {
	var raw bytes.Buffer
	p, err := ber.ReadPacket(io.TeeReader(r, &raw))
	return raw.Bytes(), p, err
}

// messageOp returns a message's id and protocol operation (nil when the
// message is not one).
func messageOp(p *ber.Packet) (int64, *ber.Packet) {
	if len(p.Children) < 2 || p.Children[1].ClassType != ber.ClassApplication {
		return 0, nil
	}
	id, _ := p.Children[0].Value.(int64)
	return id, p.Children[1]
}

// authChoice is a BindRequest's authentication choice tag, or -1.
func authChoice(op *ber.Packet) int {
	if len(op.Children) < 3 || op.Children[2].ClassType != ber.ClassContext {
		return -1
	}
	return int(op.Children[2].Tag)
}

func isStartTLS(op *ber.Packet) bool {
	return len(op.Children) > 0 && op.Children[0].Data.String() == "1.3.6.1.4.1.1466.20037"
}

func resultCode(op *ber.Packet) int64 {
	if op == nil || len(op.Children) == 0 {
		return -1
	}
	code, ok := op.Children[0].Value.(int64)
	if !ok {
		return -1
	}
	return code
}

func bindResponse(id, code int64, matchedDN, diagnostic string) []byte {
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Response")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "MessageID"))
	resp := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindResponse, nil, "Bind Response")
	resp.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, code, "resultCode"))
	resp.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, matchedDN, "matchedDN"))
	resp.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, diagnostic, "diagnosticMessage"))
	env.AppendChild(resp)
	return env.Bytes()
}

func simpleBind(id int64, name, password string) []byte {
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "MessageID"))
	req := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationBindRequest, nil, "Bind Request")
	req.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, "Version"))
	req.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, name, "User Name"))
	req.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, password, "Password"))
	env.AppendChild(req)
	return env.Bytes()
}
