// Package term owns the process's streams: whether each is a terminal,
// whether colour is wanted, and the no-echo password prompt.
package term

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
	"golang.org/x/term"
)

// IO holds the streams a command reads and writes. Data goes to Out,
// progress, warnings and errors to ErrOut.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inFD, outFD, errFD uintptr
	outTTY, errTTY     bool
	inTTY              bool
	width              int
	getenv             func(string) string
	// console opens the terminal to prompt on when In is not one; nil
	// for streams that belong to no console (buffers, a replaced input).
	console    func() (in, out *os.File, err error)
	redact     *Redactor
	outW, errW *redactWriter
}

// wrap makes every write to Out and ErrOut pass through the IO's Redactor.
func (s *IO) wrap() *IO {
	s.redact = &Redactor{}
	s.outW, s.errW = s.redact.writer(s.Out), s.redact.writer(s.ErrOut)
	s.Out, s.ErrOut = s.outW, s.errW
	return s
}

// Redact registers a secret (the bind password): from now on it is
// replaced by "[redacted]" in everything written to Out and ErrOut,
// whoever echoes it.
func (s *IO) Redact(secret string) {
	if s.redact != nil {
		s.redact.Add(secret)
	}
}

// Flush writes what the redaction held back (the start of a possible
// secret at the end of the last write). Call it before exiting.
func (s *IO) Flush() {
	for _, w := range []*redactWriter{s.outW, s.errW} {
		if w != nil {
			w.Flush()
		}
	}
}

// System returns the process's own streams.
func System() *IO {
	io := &IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		inFD: os.Stdin.Fd(), outFD: os.Stdout.Fd(), errFD: os.Stderr.Fd(),
		getenv: os.Getenv, console: openConsole,
	}
	io.inTTY = term.IsTerminal(int(io.inFD))
	io.outTTY = term.IsTerminal(int(io.outFD))
	io.errTTY = term.IsTerminal(int(io.errFD))
	enableVirtualTerminal(io)
	return io.wrap()
}

// Test returns streams backed by buffers, none of them a terminal, with
// an empty environment unless env is given.
func Test(stdin string, env map[string]string) (*IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	io := &IO{
		In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut,
		getenv: func(k string) string { return env[k] },
	}
	return io.wrap(), &out, &errOut
}

// SetTTY overrides terminal detection (tests).
func (s *IO) SetTTY(in, out, errOut bool) { s.inTTY, s.outTTY, s.errTTY = in, out, errOut }

// SetWidth overrides the terminal width StdoutWidth reports (tests).
func (s *IO) SetWidth(w int) { s.width = w }

// StdoutWidth is the width in columns of the terminal Out writes to, or 0
// when Out is not a terminal or its size is unknown.
func (s *IO) StdoutWidth() int {
	// Test streams have no descriptor (outFD 0), even when SetTTY calls
	// them terminals.
	if s.width > 0 || !s.outTTY || s.outFD == 0 {
		return s.width
	}
	if w, _, err := term.GetSize(int(s.outFD)); err == nil && w > 0 {
		return w
	}
	return 0
}

// StderrTTY reports whether ErrOut is a terminal.
func (s *IO) StderrTTY() bool { return s.errTTY }

// StdinTTY reports whether In is a terminal.
func (s *IO) StdinTTY() bool { return s.inTTY }

// Getenv reads the environment the streams were created with.
func (s *IO) Getenv(k string) string {
	if s.getenv == nil {
		return ""
	}
	return s.getenv(k)
}

// ColorMode is the --color flag.
type ColorMode string

// Colour modes.
const (
	ColorAuto   ColorMode = "auto"
	ColorAlways ColorMode = "always"
	ColorNever  ColorMode = "never"
)

// ParseColorMode validates a --color value.
func ParseColorMode(s string) (ColorMode, error) {
	switch m := ColorMode(strings.ToLower(s)); m {
	case ColorAuto, ColorAlways, ColorNever:
		return m, nil
	}
	return "", fmt.Errorf("unknown --color %q (want auto, always or never)", s)
}

// StdoutColor decides once whether Out gets colour: always/never win; auto
// means a terminal, no NO_COLOR (https://no-color.org) and TERM not "dumb".
func (s *IO) StdoutColor(m ColorMode) bool {
	switch m {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	return s.outTTY && s.Getenv("NO_COLOR") == "" && s.Getenv("TERM") != "dumb"
}

// Palette colours text for one stream. Its zero value (or NewPalette(false))
// returns text unchanged, so renderers never test whether colour is on.
type Palette struct {
	on                            bool
	red, yellow, green, bold, dim *color.Color
}

// NewPalette returns a palette that colours when on is true.
func NewPalette(on bool) Palette {
	mk := func(a ...color.Attribute) *color.Color {
		c := color.New(a...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return Palette{on: on, red: mk(color.FgRed, color.Bold), yellow: mk(color.FgYellow, color.Bold),
		green: mk(color.FgGreen), bold: mk(color.Bold), dim: mk(color.Faint)}
}

func (p Palette) paint(c *color.Color, s string) string {
	if !p.on || c == nil {
		return s
	}
	return c.Sprint(s)
}

// Red is for errors.
func (p Palette) Red(s string) string { return p.paint(p.red, s) }

// Yellow is for warnings.
func (p Palette) Yellow(s string) string { return p.paint(p.yellow, s) }

// Green is for what is fine.
func (p Palette) Green(s string) string { return p.paint(p.green, s) }

// Bold is for headings.
func (p Palette) Bold(s string) string { return p.paint(p.bold, s) }

// Dim is for secondary detail.
func (p Palette) Dim(s string) string { return p.paint(p.dim, s) }

// WithInput returns a copy of the streams reading from r, which is not a
// terminal; a password is never asked for on the console instead.
func (s *IO) WithInput(r io.Reader) *IO {
	c := *s
	c.In, c.inTTY, c.console = r, false, nil
	return &c
}
