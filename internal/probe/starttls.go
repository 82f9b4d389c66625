package probe

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds on what a mail server may send before TLS starts.
const (
	maxLine  = 1024 // bytes per line, CRLF excluded
	maxLines = 64   // lines per reply
)

// startTLS speaks the plain-text dialogue of proto over r and w until the
// server is ready for the TLS handshake. Protocol failures are *ConnError;
// I/O errors are returned as they are.
func startTLS(r *bufio.Reader, w io.Writer, proto StartTLS) error {
	switch proto {
	case StartTLSSMTP:
		return smtpStartTLS(r, w)
	case StartTLSIMAP:
		return imapStartTLS(r, w)
	case StartTLSPOP3:
		return pop3StartTLS(r, w)
	}
	return fmt.Errorf("unknown starttls protocol %q", proto)
}

func protoErr(kind ErrorKind, format string, a ...any) *ConnError {
	return &ConnError{Kind: kind, Detail: fmt.Sprintf(format, a...)}
}

// quote shows at most 60 bytes of what the server sent.
func quote(s string) string {
	if len(s) > 60 {
		return fmt.Sprintf("%q...", s[:60])
	}
	return fmt.Sprintf("%q", s)
}

// readLine reads one CRLF- or LF-terminated line of at most maxLine bytes.
func readLine(r *bufio.Reader) (string, error) {
	b, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", protoErr(ErrProtocol, "the server sent a line longer than %d bytes", maxLine)
	}
	if err != nil && !(errors.Is(err, io.EOF) && len(b) > 0) {
		return "", err
	}
	// A last line without its newline still shows what the server is.
	return strings.TrimRight(string(b), "\r\n"), nil
}

func send(w io.Writer, line string) error {
	_, err := io.WriteString(w, line+"\r\n")
	return err
}

// smtpReply reads a possibly multi-line reply (RFC 5321 §4.2: "250-" lines
// continue, "250 " ends) and returns its code and text lines.
func smtpReply(r *bufio.Reader, what string) (string, []string, error) {
	var lines []string
	for range maxLines {
		l, err := readLine(r)
		if err != nil {
			return "", nil, err
		}
		if len(l) < 3 || !isDigits(l[:3]) || len(l) > 3 && l[3] != ' ' && l[3] != '-' ||
			len(lines) > 0 && l[:3] != lines[0][:3] {
			return "", nil, protoErr(ErrProtocol, "expected an SMTP %s, got %s", what, quote(l))
		}
		lines = append(lines, l)
		if len(l) == 3 || l[3] == ' ' {
			return l[:3], lines, nil
		}
	}
	return "", nil, protoErr(ErrProtocol, "the smtp %s is longer than %d lines", what, maxLines)
}

func isDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

func smtpStartTLS(r *bufio.Reader, w io.Writer) error {
	code, lines, err := smtpReply(r, "220 greeting")
	if err != nil {
		return err
	}
	if code != "220" {
		return protoErr(ErrStartTLSFailed, "the smtp server refused the session: %s", quote(lines[0]))
	}
	if err := send(w, "EHLO exdiag.invalid"); err != nil {
		return err
	}
	code, lines, err = smtpReply(r, "250 reply to EHLO")
	if err != nil {
		return err
	}
	if code != "250" {
		return protoErr(ErrStartTLSMissing, "the smtp server rejected ehlo, so it offers no starttls: %s", quote(lines[0]))
	}
	offered := false
	for _, l := range lines[1:] {
		if f := strings.Fields(l[min(len(l), 4):]); len(f) > 0 && strings.EqualFold(f[0], "STARTTLS") {
			offered = true
		}
	}
	if !offered {
		return protoErr(ErrStartTLSMissing, "the smtp server does not offer starttls in its ehlo reply")
	}
	if err := send(w, "STARTTLS"); err != nil {
		return err
	}
	code, lines, err = smtpReply(r, "220 reply to STARTTLS")
	if err != nil {
		return err
	}
	if code != "220" {
		return protoErr(ErrStartTLSFailed, "the smtp server refused starttls: %s", quote(lines[0]))
	}
	return nil
}

// imapCaps returns the capability list in an untagged CAPABILITY response
// or a [CAPABILITY ...] response code (RFC 9051 §7.2.2), or nil.
func imapCaps(line string) []string {
	u := strings.ToUpper(line)
	if i := strings.Index(u, "[CAPABILITY "); i >= 0 {
		rest := u[i+len("[CAPABILITY "):]
		if j := strings.IndexByte(rest, ']'); j >= 0 {
			return strings.Fields(rest[:j])
		}
	}
	if strings.HasPrefix(u, "* CAPABILITY ") {
		return strings.Fields(u[len("* CAPABILITY "):])
	}
	return nil
}

// imapTagged sends a tagged command and reads up to its tagged reply,
// collecting capabilities announced on the way.
func imapTagged(r *bufio.Reader, w io.Writer, tag, cmd string, caps *[]string) (string, error) {
	if err := send(w, tag+" "+cmd); err != nil {
		return "", err
	}
	for range maxLines {
		l, err := readLine(r)
		if err != nil {
			return "", err
		}
		if c := imapCaps(l); c != nil {
			*caps = c
		}
		if f := strings.Fields(l); len(f) >= 2 && f[0] == tag {
			return strings.ToUpper(f[1]), nil
		}
		if !strings.HasPrefix(l, "* ") && !strings.HasPrefix(l, "+") {
			return "", protoErr(ErrProtocol, "expected an IMAP reply to %s, got %s", cmd, quote(l))
		}
	}
	return "", protoErr(ErrProtocol, "the imap reply to %s is longer than %d lines", cmd, maxLines)
}

func imapStartTLS(r *bufio.Reader, w io.Writer) error {
	l, err := readLine(r)
	if err != nil {
		return err
	}
	u := strings.ToUpper(l)
	switch {
	case strings.HasPrefix(u, "* BYE"):
		return protoErr(ErrStartTLSFailed, "the imap server refused the session: %s", quote(l))
	case !strings.HasPrefix(u, "* OK") && !strings.HasPrefix(u, "* PREAUTH"):
		return protoErr(ErrProtocol, "expected an IMAP \"* OK\" greeting, got %s", quote(l))
	}
	caps := imapCaps(l)
	if caps == nil {
		if _, err := imapTagged(r, w, "a0", "CAPABILITY", &caps); err != nil {
			return err
		}
	}
	if caps != nil && !hasCap(caps, "STARTTLS") {
		return protoErr(ErrStartTLSMissing, "the imap server does not offer starttls in its capabilities")
	}
	status, err := imapTagged(r, w, "a1", "STARTTLS", &caps)
	switch {
	case err != nil:
		return err
	case status == "OK":
		return nil
	case caps == nil:
		return protoErr(ErrStartTLSMissing, "the imap server does not support starttls (it answered %s)", status)
	}
	return protoErr(ErrStartTLSFailed, "the imap server refused starttls (it answered %s)", status)
}

func hasCap(caps []string, c string) bool {
	for _, x := range caps {
		if strings.EqualFold(x, c) {
			return true
		}
	}
	return false
}

// pop3StartTLS follows RFC 2595 §4: CAPA lists STLS, then STLS gets +OK.
func pop3StartTLS(r *bufio.Reader, w io.Writer) error {
	l, err := readLine(r)
	if err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(l, "-ERR"):
		return protoErr(ErrStartTLSFailed, "the pop3 server refused the session: %s", quote(l))
	case !strings.HasPrefix(l, "+OK"):
		return protoErr(ErrProtocol, "expected a POP3 +OK greeting, got %s", quote(l))
	}
	if err := send(w, "CAPA"); err != nil {
		return err
	}
	if l, err = readLine(r); err != nil {
		return err
	}
	var caps []string
	if strings.HasPrefix(l, "+OK") {
		caps = []string{}
		for i := 0; ; i++ {
			if i == maxLines {
				return protoErr(ErrProtocol, "the pop3 capability list is longer than %d lines", maxLines)
			}
			if l, err = readLine(r); err != nil {
				return err
			}
			if l == "." {
				break
			}
			if f := strings.Fields(l); len(f) > 0 {
				caps = append(caps, f[0])
			}
		}
		if !hasCap(caps, "STLS") {
			return protoErr(ErrStartTLSMissing, "the pop3 server does not offer stls in its capabilities")
		}
	} else if !strings.HasPrefix(l, "-ERR") {
		return protoErr(ErrProtocol, "expected a POP3 reply to CAPA, got %s", quote(l))
	}
	if err := send(w, "STLS"); err != nil {
		return err
	}
	if l, err = readLine(r); err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(l, "+OK"):
		return nil
	case !strings.HasPrefix(l, "-ERR"):
		return protoErr(ErrProtocol, "expected a POP3 reply to STLS, got %s", quote(l))
	case caps == nil:
		return protoErr(ErrStartTLSMissing, "the pop3 server refused stls: %s", quote(l))
	}
	return protoErr(ErrStartTLSFailed, "the pop3 server refused stls: %s", quote(l))
}
