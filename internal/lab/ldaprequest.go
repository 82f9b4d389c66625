package lab

import (
	"fmt"
	"math"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// ldapRequest is one LDAPMessage a client sent (RFC 4511 4.1.1).
type ldapRequest struct {
	id       int64
	op       *ber.Packet // the protocolOp: an application-class element
	controls []ldapControl
}

// ldapControl is one of a request's controls (RFC 4511 4.1.11).
type ldapControl struct {
	oid      string
	critical bool
	value    []byte // nil when absent
}

// parseRequest checks a decoded LDAPMessage's envelope.
func parseRequest(p *ber.Packet) (*ldapRequest, error) {
	if !isUniversal(p, ber.TypeConstructed, ber.TagSequence) || len(p.Children) < 2 || len(p.Children) > 3 {
		return nil, fmt.Errorf("%w: not an LDAPMessage", errMalformed)
	}
	id, ok := integer(p.Children[0], ber.TagInteger)
	if !ok || id < 0 || id > math.MaxInt32 {
		return nil, fmt.Errorf("%w: bad messageID", errMalformed)
	}
	req := &ldapRequest{id: id, op: p.Children[1]}
	if req.op.ClassType != ber.ClassApplication {
		return nil, fmt.Errorf("%w: the protocolOp is not an application element", errMalformed)
	}
	if len(p.Children) == 3 {
		seq := p.Children[2]
		if seq.ClassType != ber.ClassContext || seq.TagType != ber.TypeConstructed || seq.Tag != 0 {
			return nil, fmt.Errorf("%w: bad controls", errMalformed)
		}
		for _, c := range seq.Children {
			ctl, err := parseControl(c)
			if err != nil {
				return nil, err
			}
			req.controls = append(req.controls, ctl)
		}
	}
	return req, nil
}

// parseControl reads Control ::= SEQUENCE { controlType LDAPOID,
// criticality BOOLEAN DEFAULT FALSE, controlValue OCTET STRING OPTIONAL }.
func parseControl(p *ber.Packet) (ldapControl, error) {
	bad := fmt.Errorf("%w: bad control", errMalformed)
	if !isUniversal(p, ber.TypeConstructed, ber.TagSequence) || len(p.Children) == 0 {
		return ldapControl{}, bad
	}
	oid, ok := octets(p.Children[0])
	if !ok {
		return ldapControl{}, bad
	}
	c, rest := ldapControl{oid: oid}, p.Children[1:]
	if len(rest) > 0 && rest[0].Tag == ber.TagBoolean {
		if c.critical, ok = boolean(rest[0]); !ok {
			return ldapControl{}, bad
		}
		rest = rest[1:]
	}
	if len(rest) > 0 {
		v, ok := octets(rest[0])
		if !ok {
			return ldapControl{}, bad
		}
		c.value, rest = []byte(v), rest[1:]
	}
	if len(rest) > 0 {
		return ldapControl{}, bad
	}
	return c, nil
}

// control returns the request's control of type oid, if it has one.
func (r *ldapRequest) control(oid string) (ldapControl, bool) {
	for _, c := range r.controls {
		if c.oid == oid {
			return c, true
		}
	}
	return ldapControl{}, false
}

// opName names an operation in violations and errors.
func opName(tag ber.Tag) string {
	switch tag {
	case applicationBindRequest:
		return "bind"
	case applicationSearchRequest:
		return "search"
	case applicationExtendedRequest:
		return "extended"
	case applicationAddRequest:
		return "add"
	case applicationModifyRequest:
		return "modify"
	case applicationDelRequest:
		return "delete"
	case applicationModDNRequest:
		return "modifyDN"
	case applicationCompareRequest:
		return "compare"
	}
	return fmt.Sprintf("operation %d", tag)
}

func isUniversal(p *ber.Packet, typ ber.Type, tag ber.Tag) bool {
	return p.ClassType == ber.ClassUniversal && p.TagType == typ && p.Tag == tag
}

// octets reads an OCTET STRING (LDAPString, LDAPDN, AttributeValue…).
func octets(p *ber.Packet) (string, bool) {
	if !isUniversal(p, ber.TypePrimitive, ber.TagOctetString) {
		return "", false
	}
	return p.Data.String(), true
}

// integer reads an INTEGER or ENUMERATED (tag) of at most 8 bytes.
func integer(p *ber.Packet, tag ber.Tag) (int64, bool) {
	b := p.Data.Bytes()
	if !isUniversal(p, ber.TypePrimitive, tag) || len(b) == 0 || len(b) > 8 {
		return 0, false
	}
	n, err := ber.ParseInt64(b)
	return n, err == nil
}

// boolean reads a BOOLEAN.
func boolean(p *ber.Packet) (bool, bool) {
	b := p.Data.Bytes()
	if !isUniversal(p, ber.TypePrimitive, ber.TagBoolean) || len(b) != 1 {
		return false, false
	}
	return b[0] != 0, true
}
