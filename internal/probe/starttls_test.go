package probe

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/lab"
)

var mailProtocols = []struct {
	proto  lab.Protocol
	scheme string
	want   StartTLS
}{
	{lab.ProtoSMTP, "smtp", StartTLSSMTP},
	{lab.ProtoIMAP, "imap", StartTLSIMAP},
	{lab.ProtoPOP3, "pop3", StartTLSPOP3},
}

func TestStartTLS(t *testing.T) {
	p := newPKI(t)
	cert := p.leaf(t, "mail.contoso.com")
	tests := []struct {
		behavior lab.Behavior
		after    bool
		kind     ErrorKind // "" = success
		detail   string
	}{
		{behavior: lab.Normal},
		{behavior: lab.NoStartTLS, kind: ErrStartTLSMissing, detail: "does not offer"},
		{behavior: lab.StartTLSRefused, kind: ErrStartTLSFailed, detail: "refused"},
		{behavior: lab.Garbage, kind: ErrProtocol, detail: "expected a"},
		{behavior: lab.Plaintext, kind: ErrProtocol, detail: `got "HTTP/1.1 400 Bad Request"`},
		{behavior: lab.Alert, kind: ErrHandshake, detail: "handshake failure"},
		{behavior: lab.Plaintext, after: true, kind: ErrPlaintext, detail: "plain http"},
		{behavior: lab.Silent, after: true, kind: ErrTimeout, detail: "within 500ms"},
	}
	for _, mp := range mailProtocols {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%s/%v", mp.proto, tc.behavior, tc.after), func(t *testing.T) {
				t.Parallel()
				s := startServer(t, lab.ServerSpec{Protocol: mp.proto, Certs: map[string]tls.Certificate{"": cert},
					Behavior: tc.behavior, AfterStartTLS: tc.after})
				cfg := testConfig(startDNS(t, lab.DNSSpec{}), mustConnectTo(t, "::%s", s.Addr()))
				cfg.Timeout = 500 * time.Millisecond
				h := only(t, run(t, cfg, mp.scheme+"://mail.contoso.com/"))
				if h.Key.StartTLS != mp.want || h.Key.SNI != "mail.contoso.com" {
					t.Errorf("key = %+v", h.Key)
				}
				if tc.kind == "" {
					if h.Err != nil || len(h.Chain) != 2 || !h.Chain[0].Equal(cert.Leaf) || s.Handshakes() != 1 {
						t.Errorf("err %v, %d certs, server handshakes %d", h.Err, len(h.Chain), s.Handshakes())
					}
					return
				}
				if h.Err == nil || h.Err.Kind != tc.kind || !strings.Contains(h.Err.Detail, tc.detail) || !strings.HasPrefix(h.Err.Detail, s.Addr()) {
					t.Errorf("got %v, want %s containing %q", h.Err, tc.kind, tc.detail)
				}
			})
		}
	}
}

func TestStartTLSBounds(t *testing.T) {
	long := strings.Repeat("x", maxLine+1)
	many := strings.Repeat("250-X\r\n", maxLines) + "250 OK\r\n"
	tests := []struct {
		proto  StartTLS
		server string
		kind   ErrorKind
		detail string
	}{
		{StartTLSSMTP, "220-" + long + "\r\n", ErrProtocol, "longer than 1024 bytes"},
		{StartTLSSMTP, "220 hi\r\n" + many, ErrProtocol, "longer than 64 lines"},
		{StartTLSSMTP, "SSH-2.0-OpenSSH_9.6 " + strings.Repeat("y", 80) + "\r\n", ErrProtocol,
			`expected an SMTP 220 greeting, got "SSH-2.0-OpenSSH_9.6 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"...`},
		{StartTLSSMTP, "554 go away\r\n", ErrStartTLSFailed, "refused the session"},
		{StartTLSSMTP, "220 hi\r\n250-hi\r\n250 STARTTLS\r\n220 go\r\n", "", ""},
		{StartTLSSMTP, "220 hi\r\n250-hi\r\n251 STARTTLS\r\n", ErrProtocol, "expected an SMTP 250 reply"},
		{StartTLSIMAP, "* OK ready\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\na0 OK done\r\na1 OK go\r\n", "", ""},
		{StartTLSIMAP, "* OK ready\r\na0 BAD what\r\na1 NO nope\r\n", ErrStartTLSMissing, "does not support starttls (it answered NO)"},
		{StartTLSIMAP, "220 smtp here\r\n", ErrProtocol, `expected an IMAP "* OK" greeting, got "220 smtp here"`},
		{StartTLSPOP3, "+OK hi\r\n-ERR no capa\r\n+OK go\r\n", "", ""},
		{StartTLSPOP3, "+OK hi\r\n+OK\r\n" + strings.Repeat("X\r\n", maxLines+1), ErrProtocol, "longer than 64 lines"},
		{StartTLSPOP3, "* OK imap\r\n", ErrProtocol, `expected a POP3 +OK greeting, got "* OK imap"`},
		{StartTLSSMTP, "\x16\x03\x01", ErrProtocol, `got "\x16\x03\x01"`},
		{StartTLSSMTP, "220 hi\r\n", "", "EOF"},
	}
	for _, tc := range tests {
		r := bufio.NewReaderSize(strings.NewReader(tc.server), maxLine+2)
		err := startTLS(r, io.Discard, tc.proto)
		var ce *ConnError
		if tc.detail == "EOF" {
			if !errors.Is(err, io.EOF) {
				t.Errorf("%s %q: got %v, want EOF", tc.proto, tc.server, err)
			}
			continue
		}
		if tc.kind == "" {
			if err != nil || r.Buffered() != 0 {
				t.Errorf("%s %q: %v", tc.proto, tc.server, err)
			}
			continue
		}
		if !errors.As(err, &ce) || ce.Kind != tc.kind || !strings.Contains(ce.Detail, tc.detail) {
			t.Errorf("%s %.40q: got %v, want %s containing %q", tc.proto, tc.server, err, tc.kind, tc.detail)
		}
	}
}
