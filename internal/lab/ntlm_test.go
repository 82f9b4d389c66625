package lab

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/Azure/go-ntlmssp"
)

func testNTLMServer() *ntlmServer {
	return &ntlmServer{Domain: "CONTOSO", DNSDomain: "contoso.local", Computer: "DC01", DNSComputer: "dc01.contoso.local",
		Password: func(domain, user string) (string, string, bool) {
			switch {
			case strings.EqualFold(user, "helpdesk") && (domain == "" || strings.EqualFold(domain, "CONTOSO")),
				strings.EqualFold(user, "helpdesk@contoso.local") && domain == "":
				return `CONTOSO\helpdesk`, "exdiag-lab", true
			case user == "User" && domain == "Domain":
				return `Domain\User`, "Password", true
			}
			return "", "", false
		}}
}

// The NTLMv2 example of [MS-NLMP] section 4.2.4: User, Domain, Password,
// server challenge 0123456789abcdef, client challenge aa..aa, time 0.
func TestNTLMv2KnownAnswer(t *testing.T) {
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	avPairs := unhex("02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00 01 00 0c 00 53 00 65 00 72 00 76 00 65 00 72 00 00 00 00 00")
	temp := append(unhex("01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 aa aa aa aa aa aa aa aa 00 00 00 00"), avPairs...)
	temp = append(temp, 0, 0, 0, 0)
	nt := append(unhex("68 cd 0a b8 51 e5 1c 96 aa bc 92 7b eb ef 6a 1c"), temp...)
	var ch ntlmChallenge
	copy(ch.server[:], unhex("01 23 45 67 89 ab cd ef"))
	msg := authenticateMessage(nt, "Domain", "User")
	s := testNTLMServer()
	if account, err := s.authenticate(ch, msg); err != nil || account != `Domain\User` {
		t.Errorf("authenticate = %q, %v; want the example's logon to pass", account, err)
	}
	ch.server[0] ^= 1
	if _, err := s.authenticate(ch, msg); !errors.Is(err, errNTLMLogon) {
		t.Errorf("another server challenge: %v, want a logon failure", err)
	}
}

// authenticateMessage builds an AUTHENTICATE_MESSAGE with a Unicode
// domain and user and the NT response nt.
func authenticateMessage(nt []byte, domain, user string) []byte {
	d, u := utf16le(domain), utf16le(user)
	msg := make([]byte, 64)
	copy(msg, ntlmSignature)
	binary.LittleEndian.PutUint32(msg[8:], 3)
	off := 64
	for _, f := range []struct {
		at   int
		data []byte
	}{{12, nil}, {20, nt}, {28, d}, {36, u}, {44, nil}, {52, nil}} {
		putField(msg[f.at:], len(f.data), off)
		off += len(f.data)
	}
	binary.LittleEndian.PutUint32(msg[60:], ntlmUnicode)
	return append(append(append(msg, nt...), d...), u...)
}

// A real client (go-ldap's, github.com/Azure/go-ntlmssp) logs on with the
// forms of a name exdiag sends, and only with the right password.
func TestNTLMWithClient(t *testing.T) {
	s := testNTLMServer()
	for _, tt := range []struct {
		user, password string
		ok             bool
	}{
		{`CONTOSO\helpdesk`, "exdiag-lab", true},
		{`contoso\HelpDesk`, "exdiag-lab", true},
		{"helpdesk@contoso.local", "exdiag-lab", true},
		{"helpdesk", "exdiag-lab", true},
		{`CONTOSO\helpdesk`, "Not-The-Password-42", false},
		{`CONTOSO\nobody`, "exdiag-lab", false},
		{`FABRIKAM\helpdesk`, "exdiag-lab", false},
	} {
		neg, err := ntlmssp.NewNegotiateMessage("CONTOSO", "")
		if err != nil {
			t.Fatal(err)
		}
		challenge, ch, err := s.challenge(neg)
		if err != nil {
			t.Fatal(err)
		}
		auth, err := ntlmssp.NewAuthenticateMessage(challenge, tt.user, tt.password, nil)
		if err != nil {
			t.Fatalf("%s: the client rejects the challenge: %v", tt.user, err)
		}
		account, err := s.authenticate(ch, auth)
		if ok := err == nil; ok != tt.ok || ok && account != `CONTOSO\helpdesk` {
			t.Errorf("%s with %q: account %q, err %v; want ok=%v", tt.user, tt.password, account, err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), tt.password) {
			t.Errorf("the error reveals the password: %v", err)
		}
	}
}

// Malformed messages are refused, never a panic.
func TestNTLMMalformed(t *testing.T) {
	s := testNTLMServer()
	neg, _ := ntlmssp.NewNegotiateMessage("", "")
	_, ch, err := s.challenge(neg)
	if err != nil {
		t.Fatal(err)
	}
	good := authenticateMessage(bytes.Repeat([]byte{1}, 48), "CONTOSO", "helpdesk")
	for name, msg := range map[string][]byte{
		"empty":          nil,
		"short":          good[:40],
		"wrong type":     append(append([]byte{}, good[:8]...), append([]byte{2, 0, 0, 0}, good[12:]...)...),
		"field too long": append(append([]byte{}, good[:20]...), append([]byte{0xff, 0xff}, good[22:]...)...),
		"NTLMv1":         authenticateMessage(make([]byte, 24), "CONTOSO", "helpdesk"),
		"anonymous":      authenticateMessage(nil, "", ""),
	} {
		if _, err := s.authenticate(ch, msg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, msg := range map[string][]byte{"empty": nil, "authenticate": good, "no unicode": append(append([]byte{}, neg[:12]...), 0, 0, 0, 0)} {
		if _, _, err := s.challenge(msg); err == nil {
			t.Errorf("negotiate %s: accepted", name)
		}
	}
}
