package report

import (
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/report/reporttest"
)

// Every fixture's Markdown, with and without --verbose, renders through a
// real GitHub-flavoured renderer with whole table rows and short cells;
// the code blocks of the fixtures that hold no hostile value stay within
// the ticket width.
func TestMarkdownRendersForTickets(t *testing.T) {
	for _, fx := range fixtures() {
		for _, verbose := range []bool{false, true} {
			md := render(t, fx.rep, Options{Format: Markdown, Verbose: verbose})
			lim := reporttest.MarkdownLimits{Cell: 200, Code: mdCodeWidth}
			if fx.name == "hostile" {
				lim.Code = 0 // a hostile value is one unbreakable word
			}
			st, problems := reporttest.CheckMarkdown(md, lim)
			for _, p := range problems {
				t.Errorf("%s (verbose %v): %s", fx.name, verbose, p)
			}
			if len(fx.rep.Findings) > 0 && st.Tables == 0 {
				t.Errorf("%s: no findings table", fx.name)
			}
		}
	}
}

// The findings table is narrow: four columns, the problem a short title,
// never the whole message.
func TestMarkdownFindingsTableIsNarrow(t *testing.T) {
	md := render(t, contosoReport(), Options{Format: Markdown})
	if !strings.Contains(md, "| Severity | Problem | Host | URLs |\n") {
		t.Fatalf("no Severity | Problem | Host | URLs table:\n%s", md)
	}
	if !strings.Contains(md, "| ERROR | 1. A certificate the server sends has expired (cert-expired) | ex01.contoso.local | 3 |\n") {
		t.Errorf("the first row is not the short title:\n%s", md)
	}
	for _, f := range contosoReport().Findings {
		if strings.Count(md, mdText(f.Message)) != 1 {
			t.Errorf("the message of %s should appear once, in its section", f.Code)
		}
	}
}

// A long command continues on the next line with a backtick, broken only
// between parameters outside quotes: joined back it is the same command.
func TestPSLines(t *testing.T) {
	for _, cmd := range []string{
		`Set-ActiveSyncVirtualDirectory -Identity 'EX01\Microsoft-Server-ActiveSync (Default Web Site)' -InternalUrl 'https://mail.contoso.com/Microsoft-Server-ActiveSync'`,
		`Set-X -Identity 'it''s -Fake -Params inside quotes that are long enough to matter here' -Other "double -quoted ` + "`" + `" -Last 1`,
		`Invoke-Command -ComputerName 'EX01' -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name MSExchangeAutodiscoverAppPool -Confirm:$false }`,
		`$new = New-ExchangeCertificate -DomainName 'ex03.contoso.local','EX03'; Enable-ExchangeCertificate -Thumbprint $new.Thumbprint -Services IIS`,
	} {
		lines := psLines(cmd, 60)
		joined := strings.Join(lines, "\n")
		joined = strings.ReplaceAll(joined, " `\n    ", " ")
		joined = strings.ReplaceAll(joined, ";\n", "; ")
		if joined != cmd {
			t.Errorf("joined back:\n%s\nwant\n%s", joined, cmd)
		}
		for _, l := range lines[1:] {
			if strings.HasPrefix(strings.TrimSpace(l), "-Fake") || strings.HasPrefix(strings.TrimSpace(l), "-quoted") || strings.HasPrefix(strings.TrimSpace(l), "-Name") {
				t.Errorf("broken inside quotes or braces: %q", l)
			}
		}
	}
	if got := psLines("Short-Command -A 1", 60); len(got) != 1 {
		t.Errorf("a short command was broken: %q", got)
	}
	if got := psLines(`Set-X -Identity 'EX01\Microsoft-Server-ActiveSync (Default Web Site)' -InternalUrl 'https://mail.contoso.com/x'`, 80); len(got) != 2 || !strings.HasSuffix(got[0], " `") {
		t.Errorf("want two lines, the first ending with a backtick: %q", got)
	}
}

// A fix step printed for one finding is referred to, not repeated, by the
// next finding that needs it; --verbose repeats it.
func TestTextPrintsEachStepOnce(t *testing.T) {
	rep := contosoReport()
	step := diag.Fix{Comment: "bind it", Shell: "powershell", Command: "Enable-ExchangeCertificate -Server 'EX01' -Thumbprint 'AB' -Services IIS", Server: "EX01"}
	rep.Findings[0].Fix = []diag.Fix{step}
	rep.Findings[1].Fix = []diag.Fix{step, {Command: "Set-Other -Identity 'EX01'"}}
	rep.Findings[2].Fix = []diag.Fix{step}
	out := render(t, rep, Options{Format: Text})
	if n := strings.Count(out, step.Command); n != 1 {
		t.Errorf("the command is printed %d times, want once:\n%s", n, out)
	}
	for _, want := range []string{
		"# then the step given above for cert-expired on ex01.contoso.local\n",
		"fix: same as for cert-expired on ex01.contoso.local above\n",
		"Set-Other -Identity 'EX01'\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if n := strings.Count(render(t, rep, Options{Format: Text, Verbose: true}), step.Command); n != 3 {
		t.Errorf("--verbose prints the command %d times, want 3", n)
	}
	// A command typed on its server says so.
	rep.Findings[0].Fix = []diag.Fix{{Command: "iisreset /noforce", Server: "EX07", Local: true}}
	if out := render(t, rep, Options{Format: Text}); !strings.Contains(out, "# in a shell on EX07:\n        iisreset /noforce\n") {
		t.Errorf("a local command does not say where to type it:\n%s", out)
	}
}

// Lists are capped with "… and N more", and names fit the room they have.
func TestCaps(t *testing.T) {
	if got := capList([]string{"a", "b", "c", "d"}, 3); strings.Join(got, ",") != "a,b,… and 2 more" {
		t.Errorf("capList = %q", got)
	}
	if got := capList([]string{"a", "b"}, 3); len(got) != 2 {
		t.Errorf("capList of a short list = %q", got)
	}
	if got := joinFit([]string{"EX01", "EX02", "EX03", "EX04"}, 20); got != "EX01 and 3 more" {
		t.Errorf("joinFit = %q", got)
	}
	if got := joinFit([]string{"EX01", "EX02"}, 20); got != "EX01, EX02" {
		t.Errorf("joinFit = %q", got)
	}
	if got := capRunes("one two three four five", 15); got != "one two three…" {
		t.Errorf("capRunes = %q", got)
	}
}
