package term

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"
)

// ErrNoTerminal means there is no terminal to ask on (CI, a service, a
// pipe with no console).
var ErrNoTerminal = errors.New("no terminal to ask for a password on")

// ReadPassword asks for a password without echo: on standard input when it
// is a terminal, else on the console itself (/dev/tty, CONIN$), so a
// password can be typed even when input is piped. The prompt goes to the
// terminal or stderr, never to stdout.
func (s *IO) ReadPassword(prompt string) (string, error) {
	if f, ok := s.In.(*os.File); ok && s.inTTY {
		fmt.Fprint(s.ErrOut, prompt)
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.ErrOut)
		return string(pw), err
	}
	if s.console == nil {
		return "", ErrNoTerminal
	}
	in, out, err := s.console()
	if err != nil {
		return "", ErrNoTerminal
	}
	defer in.Close()
	if out != in {
		defer out.Close()
	}
	fmt.Fprint(out, prompt)
	pw, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(out)
	return string(pw), err
}
