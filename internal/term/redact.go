package term

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/exdiag/exdiag/internal/safetext"
)

// redacted replaces a secret wherever it would be written.
const redacted = "[redacted]"

// Redactor holds the secrets of a run (the bind password) and removes them
// from everything written to the streams of an IO: whatever echoes one (a
// DC or proxy quoting it in an error, a renderer quoting that error), it
// never reaches the screen, a report or a monitoring system.
type Redactor struct {
	mu      sync.Mutex
	secrets [][]byte // each secret as written raw and as each format escapes it
}

// Add registers secret, in the forms the renderers or a server quoting it
// may write it: raw; quoted as JSON (with and without HTML escaping), Go
// and C-like languages quote it; as XML and HTML escape it; URL-encoded;
// and as safetext escapes it.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}
	j, _ := json.Marshal(secret)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	q := strconv.Quote(secret)
	forms := []string{secret, string(j[1 : len(j)-1]), unquote(plain.String()), q[1 : len(q)-1],
		html.EscapeString(secret), url.QueryEscape(secret), url.PathEscape(secret), safetext.Escape(secret)}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range forms {
		if !r.has(f) {
			r.secrets = append(r.secrets, []byte(f))
		}
	}
}

func (r *Redactor) has(f string) bool {
	for _, s := range r.secrets {
		if string(s) == f {
			return true
		}
	}
	return false
}

// writer returns w with every secret replaced as it is written.
func (r *Redactor) writer(w io.Writer) *redactWriter { return &redactWriter{r: r, w: w} }

// redactWriter writes through, replacing secrets. A write that ends with
// the start of a secret keeps that tail until the next write (or Flush)
// shows whether the secret follows, so a secret split across writes is
// caught too.
type redactWriter struct {
	r    *Redactor
	w    io.Writer
	mu   sync.Mutex
	held []byte
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	rw.r.mu.Lock()
	secrets := rw.r.secrets
	rw.r.mu.Unlock()
	if len(secrets) == 0 && len(rw.held) == 0 {
		return rw.w.Write(p)
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	buf := append(rw.held, p...)
	for _, s := range secrets {
		buf = bytes.ReplaceAll(buf, s, []byte(redacted))
	}
	keep := partialSecret(buf, secrets)
	out := buf[:len(buf)-keep]
	rw.held = append([]byte(nil), buf[len(buf)-keep:]...)
	if _, err := rw.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back.
func (rw *redactWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.held) == 0 {
		return nil
	}
	_, err := rw.w.Write(rw.held)
	rw.held = nil
	return err
}

// partialSecret returns the length of the longest end of buf that is the
// start (not the whole) of a secret.
func partialSecret(buf []byte, secrets [][]byte) int {
	longest := 0
	for _, s := range secrets {
		for n := min(len(s)-1, len(buf)); n > longest; n-- {
			if bytes.HasSuffix(buf, s[:n]) {
				longest = n
				break
			}
		}
	}
	return longest
}

// unquote drops the quotes (and newline) json.Encoder puts around a string.
func unquote(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[1 : len(s)-1]
}
