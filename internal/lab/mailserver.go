package lab

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"time"
)

// The mail dialogues imitate Exchange 2013 and later closely enough for a
// client to reach the TLS handshake; they implement no mail access at all.

func (s *Server) greeting() string {
	switch s.spec.Protocol {
	case ProtoSMTP:
		return "220 " + s.spec.Banner + " Microsoft ESMTP MAIL Service ready\r\n"
	case ProtoIMAP:
		return "* OK [CAPABILITY " + s.imapCaps(false) + "] The Microsoft Exchange IMAP4 service is ready.\r\n"
	case ProtoPOP3:
		return "+OK The Microsoft Exchange POP3 service is ready.\r\n"
	}
	return ""
}

func (s *Server) serveMail(c net.Conn) {
	t := newTextConn(c)
	if t.write(strings.TrimSuffix(s.greeting(), "\r\n")) != nil {
		return
	}
	secure := false
	for {
		line, err := t.readLine()
		if err != nil {
			return
		}
		var reply []string
		var startTLS, quit bool
		switch s.spec.Protocol {
		case ProtoSMTP:
			reply, startTLS, quit = s.smtpCommand(line, c, secure)
		case ProtoIMAP:
			reply, startTLS, quit = s.imapCommand(line, secure)
		case ProtoPOP3:
			reply, startTLS, quit = s.pop3Command(line, secure)
		}
		if t.write(reply...) != nil || quit {
			return
		}
		if startTLS {
			// Anything the client pipelined after the command is dropped
			// with t, as RFC 3207 §4 requires (CVE-2011-0411).
			tc := s.startTLS(c)
			if tc == nil {
				return
			}
			t, secure = newTextConn(tc), true
		}
	}
}

func (s *Server) smtpCommand(line string, c net.Conn, secure bool) (reply []string, startTLS, quit bool) {
	verb, _, _ := strings.Cut(line, " ")
	host := s.spec.Banner
	switch strings.ToUpper(verb) {
	case "EHLO":
		ip, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		reply = []string{"250-" + host + " Hello [" + ip + "]", "250-SIZE 37748736", "250-PIPELINING",
			"250-DSN", "250-ENHANCEDSTATUSCODES"}
		if !secure && s.spec.Behavior != NoStartTLS {
			reply = append(reply, "250-STARTTLS")
		}
		if secure {
			reply = append(reply, "250-AUTH NTLM LOGIN")
		}
		return append(reply, "250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 SMTPUTF8"), false, false
	case "HELO":
		return []string{"250 " + host + " Hello"}, false, false
	case "STARTTLS":
		switch {
		case secure:
			return []string{"503 5.5.1 Bad sequence of commands"}, false, false
		case s.spec.Behavior == NoStartTLS:
			return []string{"500 5.3.3 Unrecognized command 'STARTTLS'"}, false, false
		case s.spec.Behavior == StartTLSRefused:
			return []string{"454 4.7.0 TLS not available due to temporary reason"}, false, false
		}
		return []string{"220 2.0.0 SMTP server ready"}, true, false
	case "NOOP":
		return []string{"250 2.0.0 OK"}, false, false
	case "RSET":
		return []string{"250 2.0.0 Resetting"}, false, false
	case "QUIT":
		return []string{"221 2.0.0 Service closing transmission channel"}, false, true
	}
	return []string{"500 5.3.3 Unrecognized command '" + verb + "'"}, false, false
}

func (s *Server) imapCaps(secure bool) string {
	caps := "IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI"
	switch {
	case secure:
		caps += " AUTH=PLAIN"
	case s.spec.Behavior == NoStartTLS:
		caps += " LOGINDISABLED"
	default:
		caps += " LOGINDISABLED STARTTLS"
	}
	return caps + " SASL-IR UIDPLUS MOVE ID UNSELECT CHILDREN IDLE NAMESPACE LITERAL+"
}

func (s *Server) imapCommand(line string, secure bool) (reply []string, startTLS, quit bool) {
	tag, rest, ok := strings.Cut(line, " ")
	if !ok {
		return []string{"* BAD Command Error. 10"}, false, false
	}
	cmd, _, _ := strings.Cut(rest, " ")
	switch strings.ToUpper(cmd) {
	case "CAPABILITY":
		return []string{"* CAPABILITY " + s.imapCaps(secure), tag + " OK CAPABILITY completed."}, false, false
	case "STARTTLS":
		switch {
		case secure:
			return []string{tag + " BAD Command received in Invalid state."}, false, false
		case s.spec.Behavior == NoStartTLS:
			return []string{tag + " BAD Command Argument Error. 11"}, false, false
		case s.spec.Behavior == StartTLSRefused:
			return []string{tag + " NO STARTTLS failed: TLS not available."}, false, false
		}
		return []string{tag + " OK Begin TLS negotiation now."}, true, false
	case "NOOP":
		return []string{tag + " OK NOOP completed."}, false, false
	case "LOGOUT":
		return []string{"* BYE Microsoft Exchange Server IMAP4 server signing off.", tag + " OK LOGOUT completed."}, false, true
	}
	return []string{tag + " BAD Command Error. 12"}, false, false
}

func (s *Server) pop3Command(line string, secure bool) (reply []string, startTLS, quit bool) {
	cmd, _, _ := strings.Cut(line, " ")
	switch strings.ToUpper(cmd) {
	case "CAPA":
		reply = []string{"+OK", "TOP", "UIDL", "SASL NTLM GSSAPI", "USER"}
		if !secure && s.spec.Behavior != NoStartTLS {
			reply = append(reply, "STLS")
		}
		return append(reply, "."), false, false
	case "STLS":
		switch {
		case secure:
			return []string{"-ERR Command is not valid in this state."}, false, false
		case s.spec.Behavior == NoStartTLS:
			return []string{"-ERR Protocol error. 14"}, false, false
		case s.spec.Behavior == StartTLSRefused:
			return []string{"-ERR TLS not available."}, false, false
		}
		return []string{"+OK Begin TLS negotiation."}, true, false
	case "NOOP":
		return []string{"+OK"}, false, false
	case "QUIT":
		return []string{"+OK Microsoft Exchange Server POP3 server signing off."}, false, true
	}
	return []string{"-ERR Protocol error. 14"}, false, false
}

// textConn reads and writes CRLF-terminated lines with an idle timeout.
type textConn struct {
	c net.Conn
	r *bufio.Reader
}

func newTextConn(c net.Conn) *textConn {
	return &textConn{c: c, r: bufio.NewReaderSize(c, 4096)}
}

var errLineTooLong = errors.New("lab: command line too long")

func (t *textConn) readLine() (string, error) {
	t.c.SetReadDeadline(time.Now().Add(idleTimeout))
	line, err := t.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errLineTooLong
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

func (t *textConn) write(lines ...string) error {
	t.c.SetWriteDeadline(time.Now().Add(idleTimeout))
	_, err := t.c.Write([]byte(strings.Join(lines, "\r\n") + "\r\n"))
	return err
}
