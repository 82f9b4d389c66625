package lab

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/md4" //lint:ignore SA1019 NTLM's NT hash is MD4 by definition ([MS-NLMP] 3.3.1)
)

// ntlmServer is the server side of NTLM authentication ([MS-NLMP]): a
// CHALLENGE_MESSAGE for each NEGOTIATE_MESSAGE, and the check of an
// AUTHENTICATE_MESSAGE's NTLMv2 response against the account's password,
// as a domain controller makes it (section 3.3.2). NTLMv1 and anonymous
// logons are refused, as on a DC with LmCompatibilityLevel 5. It knows
// nothing of LDAP: the sicily bind (ldapsicily.go) carries its messages.
type ntlmServer struct {
	Domain      string // NetBIOS domain name, e.g. CONTOSO
	DNSDomain   string // e.g. contoso.local
	Computer    string // the DC's NetBIOS name, e.g. DC01
	DNSComputer string // e.g. dc01.contoso.local
	// Password finds the account of a logon (the domain as the client sent
	// it, possibly empty, and the user name) and its password.
	Password func(domain, user string) (account, password string, ok bool)
}

// ntlmChallenge is what a CHALLENGE_MESSAGE committed the server to.
type ntlmChallenge struct {
	server [8]byte
}

// errNTLMLogon is a logon the server refuses: unknown account, wrong
// password, or a response that is not NTLMv2.
var errNTLMLogon = errors.New("ntlm: logon failure")

const (
	ntlmUnicode         = 0x00000001
	ntlmRequestTarget   = 0x00000004
	ntlmNTLM            = 0x00000200
	ntlmAlwaysSign      = 0x00008000
	ntlmTargetDomain    = 0x00010000
	ntlmExtendedSession = 0x00080000
	ntlmTargetInfo      = 0x00800000
	ntlm128             = 0x20000000
	ntlm56              = 0x80000000
)

var ntlmSignature = []byte("NTLMSSP\x00")

// challenge answers a NEGOTIATE_MESSAGE (section 2.2.1.1) with a
// CHALLENGE_MESSAGE (2.2.1.2) carrying a fresh server challenge and the
// DC's names in its target information.
func (s *ntlmServer) challenge(negotiate []byte) ([]byte, ntlmChallenge, error) {
	var ch ntlmChallenge
	if len(negotiate) < 16 || !bytes.Equal(negotiate[:8], ntlmSignature) || binary.LittleEndian.Uint32(negotiate[8:]) != 1 {
		return nil, ch, errors.New("ntlm: not a NEGOTIATE_MESSAGE")
	}
	if binary.LittleEndian.Uint32(negotiate[12:])&ntlmUnicode == 0 {
		return nil, ch, errors.New("ntlm: the client does not offer Unicode")
	}
	if _, err := rand.Read(ch.server[:]); err != nil {
		return nil, ch, err
	}
	target := utf16le(s.Domain)
	var info bytes.Buffer
	av := func(id uint16, value []byte) {
		binary.Write(&info, binary.LittleEndian, [2]uint16{id, uint16(len(value))})
		info.Write(value)
	}
	av(2, utf16le(s.Domain))      // MsvAvNbDomainName
	av(1, utf16le(s.Computer))    // MsvAvNbComputerName
	av(4, utf16le(s.DNSDomain))   // MsvAvDnsDomainName
	av(3, utf16le(s.DNSComputer)) // MsvAvDnsComputerName
	var ts [8]byte
	binary.LittleEndian.PutUint64(ts[:], fileTime(time.Now()))
	av(7, ts[:]) // MsvAvTimestamp
	av(0, nil)   // MsvAvEOL

	const header = 48
	flags := uint32(ntlmUnicode | ntlmRequestTarget | ntlmNTLM | ntlmAlwaysSign | ntlmTargetDomain |
		ntlmExtendedSession | ntlmTargetInfo | ntlm128 | ntlm56)
	msg := make([]byte, header, header+len(target)+info.Len())
	copy(msg, ntlmSignature)
	binary.LittleEndian.PutUint32(msg[8:], 2)
	putField(msg[12:], len(target), header)
	binary.LittleEndian.PutUint32(msg[20:], flags)
	copy(msg[24:], ch.server[:])
	putField(msg[40:], info.Len(), header+len(target))
	msg = append(append(msg, target...), info.Bytes()...)
	return msg, ch, nil
}

// authenticate checks an AUTHENTICATE_MESSAGE (section 2.2.1.3) against
// ch and returns the account that logged on.
func (s *ntlmServer) authenticate(ch ntlmChallenge, msg []byte) (string, error) {
	if len(msg) < 64 || !bytes.Equal(msg[:8], ntlmSignature) || binary.LittleEndian.Uint32(msg[8:]) != 3 {
		return "", errors.New("ntlm: not an AUTHENTICATE_MESSAGE")
	}
	if binary.LittleEndian.Uint32(msg[60:])&ntlmUnicode == 0 {
		return "", errors.New("ntlm: the client does not use Unicode")
	}
	nt, err1 := field(msg, 20)
	domainRaw, err2 := field(msg, 28)
	userRaw, err3 := field(msg, 36)
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", err
	}
	domain, user := fromUTF16le(domainRaw), fromUTF16le(userRaw)
	// An NTLMv2 response is NTProofStr (16 bytes) and the client's blob,
	// which starts with RespType 1 and HiRespType 1 (section 2.2.2.7).
	if user == "" || len(nt) <= 24 || nt[16] != 1 || nt[17] != 1 {
		return "", fmt.Errorf("%w: %s\\%s did not send an NTLMv2 response", errNTLMLogon, domain, user)
	}
	account, password, ok := s.Password(domain, user)
	if !ok {
		return "", fmt.Errorf("%w: no account %s\\%s", errNTLMLogon, domain, user)
	}
	// ResponseKeyNT = NTOWFv2(Passwd, User, UserDom): HMAC_MD5 keyed with
	// the NT hash over Uppercase(User) + UserDom, as the client sent them.
	h := md4.New()
	h.Write(utf16le(password))
	key := hmacMD5(h.Sum(nil), utf16le(strings.ToUpper(user)+domain))
	proof := hmacMD5(key, ch.server[:], nt[16:])
	if !hmac.Equal(proof, nt[:16]) {
		return "", fmt.Errorf("%w: wrong password for %s", errNTLMLogon, account)
	}
	return account, nil
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// putField writes a message field's length, maximum length and offset.
func putField(b []byte, length, offset int) {
	binary.LittleEndian.PutUint16(b, uint16(length))
	binary.LittleEndian.PutUint16(b[2:], uint16(length))
	binary.LittleEndian.PutUint32(b[4:], uint32(offset))
}

// field reads the payload a field at off in msg points to.
func field(msg []byte, off int) ([]byte, error) {
	n := int(binary.LittleEndian.Uint16(msg[off:]))
	start := int(binary.LittleEndian.Uint32(msg[off+4:]))
	if start > len(msg) || n > len(msg)-start {
		return nil, errors.New("ntlm: a field points outside the message")
	}
	return msg[start : start+n], nil
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func fromUTF16le(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// fileTime is t in Windows FILETIME: 100 ns ticks since 1601.
func fileTime(t time.Time) uint64 {
	return uint64(t.UnixNano()/100) + 116444736000000000
}
