package cli

import (
	"fmt"
	"path"
	"strings"
	"unicode"
)

// invocation is one command of a PowerShell line: its name and the
// parameters it was given (without the dash, as written).
type invocation struct {
	name   string
	params []string
}

// parsePS splits a one-line PowerShell command, as exdiag prints it, into
// the commands it runs: statements (;), pipeline elements (|), the blocks
// of script blocks ({ … }, as Invoke-Command -ScriptBlock takes), an
// assignment's right-hand side ($new = …) and the call operator (& "path").
// Quotes follow PowerShell: ” inside single quotes, backtick escapes in
// double quotes. It fails on an unbalanced quote or brace.
func parsePS(line string) ([]invocation, error) {
	toks, err := tokenizePS(line)
	if err != nil {
		return nil, err
	}
	var out []invocation
	if err := parseStatements(toks, &out); err != nil {
		return nil, err
	}
	return out, nil
}

type psToken struct {
	text   string
	quoted bool // a string literal: never a parameter or an operator
}

func tokenizePS(s string) ([]psToken, error) {
	var toks []psToken
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case strings.ContainsRune(";|{}=,&", r):
			toks = append(toks, psToken{text: string(r)})
			i++
		case isPSSingleQuote(r):
			var b strings.Builder
			for i++; ; i++ {
				if i >= len(rs) {
					return nil, fmt.Errorf("unterminated single-quoted string in %q", s)
				}
				if isPSSingleQuote(rs[i]) {
					if i+1 < len(rs) && isPSSingleQuote(rs[i+1]) {
						b.WriteRune(rs[i])
						i++
						continue
					}
					i++
					break
				}
				b.WriteRune(rs[i])
			}
			toks = append(toks, psToken{text: b.String(), quoted: true})
		case r == '"':
			var b strings.Builder
			for i++; ; i++ {
				if i >= len(rs) {
					return nil, fmt.Errorf("unterminated double-quoted string in %q", s)
				}
				if rs[i] == '`' && i+1 < len(rs) {
					i++
					b.WriteRune(rs[i])
					continue
				}
				if rs[i] == '"' {
					i++
					break
				}
				b.WriteRune(rs[i])
			}
			toks = append(toks, psToken{text: b.String(), quoted: true})
		default:
			start := i
			for i < len(rs) && !unicode.IsSpace(rs[i]) && !strings.ContainsRune(";|{},", rs[i]) && !isPSSingleQuote(rs[i]) && rs[i] != '"' {
				i++
			}
			toks = append(toks, psToken{text: string(rs[start:i])})
		}
	}
	return toks, nil
}

func isPSSingleQuote(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201a\u201b", r) }

// parseStatements reads statements separated by ; and pipelines by |; a
// script block's contents are parsed as statements of their own.
func parseStatements(toks []psToken, out *[]invocation) error {
	var cur []psToken
	depth := 0
	var block []psToken
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		inv, err := parseInvocation(cur)
		if err != nil {
			return err
		}
		*out = append(*out, inv)
		cur = nil
		return nil
	}
	for _, t := range toks {
		switch {
		case !t.quoted && t.text == "{":
			if depth > 0 {
				block = append(block, t)
			}
			depth++
		case !t.quoted && t.text == "}":
			depth--
			if depth < 0 {
				return fmt.Errorf("unbalanced }")
			}
			if depth > 0 {
				block = append(block, t)
				continue
			}
			if err := parseStatements(block, out); err != nil {
				return err
			}
			block = nil
		case depth > 0:
			block = append(block, t)
		case !t.quoted && (t.text == ";" || t.text == "|"):
			if err := flush(); err != nil {
				return err
			}
		default:
			cur = append(cur, t)
		}
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced {")
	}
	return flush()
}

// parseInvocation reads one pipeline element: [$var =] [&] name args…
func parseInvocation(toks []psToken) (invocation, error) {
	if len(toks) >= 2 && !toks[0].quoted && strings.HasPrefix(toks[0].text, "$") && toks[1].text == "=" {
		toks = toks[2:]
	}
	if len(toks) > 0 && !toks[0].quoted && toks[0].text == "&" {
		toks = toks[1:]
		if len(toks) == 0 {
			return invocation{}, fmt.Errorf("& without a command")
		}
		toks[0].text = path.Base(strings.ReplaceAll(toks[0].text, `\`, "/"))
	}
	if len(toks) == 0 {
		return invocation{}, fmt.Errorf("empty command")
	}
	inv := invocation{name: toks[0].text}
	for _, t := range toks[1:] {
		if t.quoted || len(t.text) < 2 || t.text[0] != '-' || !unicode.IsLetter(rune(t.text[1])) {
			continue
		}
		name, _, _ := strings.Cut(t.text[1:], ":")
		inv.params = append(inv.params, name)
	}
	return inv, nil
}
