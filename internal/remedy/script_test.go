package remedy

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/safetext"
)

var update = flag.Bool("update", false, "rewrite testdata/script-*.golden")

var scriptTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const (
	dnsMail     = `Add-DnsServerResourceRecordA -ZoneName 'contoso.com' -Name 'mail' -IPv4Address '10.0.0.5'`
	scpEX01     = `Set-ClientAccessServer -Identity 'EX01' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'`
	ewsEX01     = `Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`
	oabEX01     = `Set-OABVirtualDirectory -Identity 'EX01\OAB (Default Web Site)' -InternalUrl 'https://mail.contoso.com/OAB'`
	scpEX16     = `Set-ClientAccessService -Identity 'EX16' -AutoDiscoverServiceInternalUri 'https://mail.contoso.com/Autodiscover/Autodiscover.xml'`
	recycleEX01 = `& "$env:windir\system32\inetsrv\appcmd.exe" recycle apppool /apppool.name:MSExchangeAutodiscoverAppPool`
	recycleEX16 = `Invoke-Command -ComputerName 'ex16.contoso.local' -ScriptBlock { Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool' }`
	exprCommand = `Set-OutlookProvider EXPR -CertPrincipalName 'msstd:mail.contoso.com'`
	renewEX07   = `$new = New-ExchangeCertificate -DomainName 'ex07.contoso.local','EX07'; Enable-ExchangeCertificate -Thumbprint $new.Thumbprint -Services IIS`
	edgeSub     = `New-EdgeSubscription -FileName 'C:\EdgeSubscription.xml'`
)

func ps(comment, command string) diag.Fix {
	return diag.Fix{Comment: comment, Shell: "powershell", Command: command}
}

func manualStep(comment string) diag.Fix { return diag.Fix{Comment: comment} }

// fullReport holds the findings of the lab's organisation, with the fixes
// Apply gives them, in report order (severity, host, code).
func fullReport() *diag.Report {
	return &diag.Report{
		GeneratedAt: scriptTime,
		Org:         "Contoso",
		Summary:     diag.Summary{URLs: 9, Hosts: 4, Handshakes: 4, Errors: 5, Warnings: 1, Infos: 1},
		Findings: []diag.Finding{
			{Code: catalog.CertExpired, Severity: diag.Error, Host: "ex07.contoso.local", Address: "10.0.0.7:443",
				URLs:    []string{"https://ex07.contoso.local/owa", "smtp://ex07.contoso.local"},
				Message: `Outlook shows "The security certificate has expired or is not yet valid": the certificate CN=EX07 served at 10.0.0.7:443 expired on 2026-05-01 (31 days ago). Renew it and bind the new certificate.`,
				Fix: []diag.Fix{
					{Comment: "in the Exchange Management Shell on EX07 (Exchange 2007: these cmdlets run only on the server itself): create a new self-signed certificate with the names of 50154532722BCA3A67DD8C0AED514B458595A63A (KB 953354)", Shell: "powershell", Command: renewEX07, Server: "EX07", Local: true},
					ps("on each Edge Transport server: export a new Edge subscription file (the old subscription used the old certificate)", edgeSub),
					manualStep(`copy C:\EdgeSubscription.xml to a Hub Transport server and import it there for the Edge server's site; then restart the Microsoft Exchange ADAM service on the Edge server`),
				}},
			{Code: catalog.CertUntrusted, Severity: diag.Error, Host: "ex07.contoso.local", Address: "10.0.0.7:443",
				URLs:    []string{"https://ex07.contoso.local/owa"},
				Message: `Outlook shows "The security certificate was issued by a company you have not chosen to trust" for CN=EX07: the certificate is self-signed.`,
				Fix:     []diag.Fix{manualStep("clients must trust the root that issued this certificate: deploy your enterprise root by Group Policy, or use a certificate from a CA every client trusts")}},
			{Code: catalog.NameMismatch, Severity: diag.Error, Host: "ex01.contoso.local", Address: "10.0.0.5:443",
				URLs:    []string{"https://ex01.contoso.local/Autodiscover/Autodiscover.xml", "https://ex01.contoso.local/EWS/Exchange.asmx", "https://ex01.contoso.local/"},
				Message: `Outlook shows "The name of the security certificate is invalid or does not match the name of the site": the certificate served at 10.0.0.5:443 (CN=mail.contoso.com) covers mail.contoso.com, autodiscover.contoso.com, not ex01.contoso.local.`,
				Fix: []diag.Fix{
					ps("mail.contoso.com has no DNS record at 10.0.0.10:53: add it first, pointing at the server that answers today (KB 940726) (on a DNS server of the zone contoso.com)", dnsMail),
					ps("EX01: point the Autodiscover SCP (AutoDiscoverServiceInternalUri) at mail.contoso.com (now https://ex01.contoso.local/Autodiscover/Autodiscover.xml)", scpEX01),
					ps("EX01: point the EWS (Default Web Site) InternalUrl at mail.contoso.com (now https://ex01.contoso.local/EWS/Exchange.asmx)", ewsEX01),
					manualStep("change https://ex01.contoso.local/ to use mail.contoso.com: exdiag does not know which Exchange object holds this URL (it was given with --url)"),
					{Comment: "on EX01, in an elevated PowerShell: recycle the Autodiscover application pool, so Autodiscover hands out the new URLs (KB 940726)", Shell: "powershell", Command: recycleEX01, Server: "EX01", Local: true},
				}},
			{Code: catalog.NameMismatch, Severity: diag.Error, Host: "ex16.contoso.local", Address: "10.0.0.16:443",
				URLs:    []string{"https://ex16.contoso.local/Autodiscover/Autodiscover.xml"},
				Message: `Outlook shows "The name of the security certificate is invalid or does not match the name of the site": the certificate served at 10.0.0.16:443 (CN=mail.contoso.com) covers mail.contoso.com, autodiscover.contoso.com, not ex16.contoso.local.`,
				Fix: []diag.Fix{
					ps("mail.contoso.com has no DNS record at 10.0.0.10:53: add it first, pointing at the server that answers today (KB 940726) (on a DNS server of the zone contoso.com)", dnsMail),
					ps("EX16: point the Autodiscover SCP (AutoDiscoverServiceInternalUri) at mail.contoso.com (now https://ex16.contoso.local/Autodiscover/Autodiscover.xml)", scpEX16),
					ps("recycle the Autodiscover application pool on EX16, so Autodiscover hands out the new URLs (KB 940726)", recycleEX16),
				}},
			{Code: catalog.PrincipalNameMismatch, Severity: diag.Error, Host: "mail.contoso.com", Address: "10.0.0.5:443",
				URLs:    []string{"https://mail.contoso.com/rpc/rpcproxy.dll"},
				Message: `Outlook Anywhere fails with "Mutual Authentication could not be established", and profiles offer an unencrypted connection (KB 2710606): the EXPR CertPrincipalName is msstd:owa.contoso.com, but the certificate served at mail.contoso.com (10.0.0.5:443) has subject CN=mail.contoso.com.`,
				Fix:     []diag.Fix{ps("make Outlook Anywhere's mutual authentication name the certificate's subject CN (KB 2710606)", exprCommand)}},
			{Code: catalog.URLNotHTTPS, Severity: diag.Warning, Host: "ex01.contoso.local",
				URLs:    []string{"http://ex01.contoso.local/OAB"},
				Message: "http://ex01.contoso.local/OAB is plain HTTP: clients send requests and credentials unencrypted, and Outlook ignores or warns about non-HTTPS service URLs. Use https:// (the certificate must then cover ex01.contoso.local).",
				Fix:     []diag.Fix{ps("serve http://ex01.contoso.local/OAB over HTTPS", oabEX01)}},
			{Code: catalog.ServerVersionUnknown, Severity: diag.Info, Host: "EX09",
				Message: `server EX09: serialNumber "Version ?" has no "Version N.N"`,
				Sources: []inventory.Source{{Origin: inventory.OriginLDAP, Server: "EX09", Attribute: "serialNumber"}}},
		},
	}
}

// hostileReport carries line breaks, escapes, bidi controls and invalid
// UTF-8 in every text the script prints, and unsafe commands.
func hostileReport() *diag.Report {
	evil := "x\r\nRemove-Item C:\\ -Recurse\n#>\r<#\u2028Stop-Computer\u0085Restart-Computer\x1b[31m\u202eexe.txt\xff"
	return &diag.Report{
		GeneratedAt: scriptTime,
		Org:         "Contoso\r\nRemove-Item C:\\ -Recurse",
		Summary:     diag.Summary{URLs: 1, Hosts: 1, Errors: 2},
		Findings: []diag.Finding{
			{Code: catalog.NameMismatch, Severity: diag.Error, Host: "ex01.contoso.local\nInvoke-Expression $x",
				URLs:    []string{"https://ex01.contoso.local/\r\nRemove-Item C:\\ -Recurse"},
				Message: "the certificate says " + evil,
				Fix: []diag.Fix{
					ps("step "+evil, ewsEX01),
					ps("unsafe command", "Set-WebServicesVirtualDirectory -Identity 'EX01'\r\nRemove-Item C:\\ -Recurse"),
					ps("continued command", "Set-OwaVirtualDirectory -Identity 'EX01' `"),
					ps("comment command", "# Remove-Item C:\\ -Recurse"),
					manualStep("manual " + evil),
				}},
			{Code: diag.Code("tls-error\nRemove-Item C:\\"), Severity: diag.Error, Host: "\u202eex02",
				Message: evil},
		},
	}
}

func TestScriptGolden(t *testing.T) {
	for name, rep := range map[string]*diag.Report{
		"full":    fullReport(),
		"empty":   {GeneratedAt: scriptTime, Summary: diag.Summary{URLs: 3, Hosts: 1, Handshakes: 1}},
		"hostile": hostileReport(),
	} {
		t.Run(name, func(t *testing.T) {
			got := Script(rep, "v1.2.3")
			path := filepath.Join("testdata", "script-"+name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/remedy -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// scriptLines checks the script's form and that every line is empty, a
// comment, or exactly one of the allowed commands; it returns the lines.
func scriptLines(t *testing.T, script string, allowed []string) []string {
	t.Helper()
	body, ok := strings.CutPrefix(script, "\ufeff")
	if !ok {
		t.Error("the script does not start with a UTF-8 byte order mark")
	}
	if strings.Contains(body, "\r") {
		t.Error("the script holds a CR")
	}
	if !strings.HasSuffix(body, "\n") {
		t.Error("the script does not end with a line feed")
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	for n, line := range lines {
		switch {
		case !safetext.Clean(line):
			t.Errorf("line %d holds a control, separator or bidi character: %q", n+1, line)
		case line == "", strings.HasPrefix(line, "# "):
		case slices.Contains(allowed, line):
		default:
			t.Errorf("line %d is neither a comment nor a command of the report: %q", n+1, line)
		}
	}
	return lines
}

func index(lines []string, pred func(string) bool) (first, last int) {
	first, last = -1, -1
	for i, l := range lines {
		if pred(l) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return first, last
}

func TestScriptOrderAndDuplicates(t *testing.T) {
	rep := fullReport()
	all := []string{dnsMail, scpEX01, ewsEX01, oabEX01, scpEX16, recycleEX16, exprCommand, edgeSub}
	lines := scriptLines(t, Script(rep, "v1.2.3"), all)
	for _, c := range all {
		if n := strings.Count("\n"+strings.Join(lines, "\n")+"\n", "\n"+c+"\n"); n != 1 {
			t.Errorf("%q appears %d times, want once", c, n)
		}
	}
	dnsFirst, dnsLast := index(lines, func(l string) bool { return strings.HasPrefix(l, "Add-DnsServerResourceRecord") })
	setFirst, setLast := index(lines, func(l string) bool { return strings.HasPrefix(l, "Set-") })
	certFirst, certLast := index(lines, func(l string) bool {
		return strings.Contains(l, "$new") || strings.HasPrefix(l, "New-EdgeSubscription")
	})
	recFirst, _ := index(lines, func(l string) bool { return strings.Contains(l, "MSExchangeAutodiscoverAppPool") })
	if !(dnsFirst >= 0 && dnsLast < setFirst && setLast < certFirst && certLast < recFirst) {
		t.Errorf("order: DNS %d-%d, Set %d-%d, certificates %d-%d, recycle %d; want DNS < Set-* < certificates < recycles",
			dnsFirst, dnsLast, setFirst, setLast, certFirst, certLast, recFirst)
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"#   also fixes: finding 4, [ERROR] name-mismatch ex16.contoso.local\n" + dnsMail,
		"# MANUAL: change https://ex01.contoso.local/ to use mail.contoso.com",
		"# MANUAL: copy C:\\EdgeSubscription.xml",
		"# MANUAL: clients must trust the root",
		"#   no command: see exdiag explain server-version-unknown",
		"# Organisation: Contoso",
		"2026-06-01T12:00:00Z",
		"exdiag v1.2.3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the script does not contain %q", want)
		}
	}
}

// A command that works only on one server (Exchange 2007's certificate
// cmdlets) is never a line the script runs: it is shown, commented out,
// with the server to type it on.
func TestScriptLocalStepsAreNotRun(t *testing.T) {
	text := Script(fullReport(), "")
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "$new = New-ExchangeCertificate") {
			t.Fatalf("a local step is a script line: %q", l)
		}
	}
	if !strings.Contains(text, "# ON EX07: this command runs only on EX07 itself, not from here; type it there:\n#     "+renewEX07+"\n") {
		t.Errorf("the local step is not shown for EX07:\n%s", text)
	}
}

func TestScriptHostile(t *testing.T) {
	lines := scriptLines(t, Script(hostileReport(), "v1\nRemove-Item"), []string{ewsEX01})
	for _, l := range lines {
		if strings.HasPrefix(l, "Remove-Item") || strings.HasPrefix(l, "Stop-Computer") || strings.HasPrefix(l, "Set-Owa") {
			t.Errorf("hostile text became a command line: %q", l)
		}
	}
	if got := strings.Join(lines, "\n"); !strings.Contains(got, `\r\nRemove-Item C:\ -Recurse`) {
		t.Error("the hostile text is not shown escaped in a comment")
	}
}

// TestScriptOfApply runs Script on what Apply really produces.
func TestScriptOfApply(t *testing.T) {
	urls := []string{"https://ex01.contoso.local/Autodiscover/Autodiscover.xml", "https://ex01.contoso.local/EWS/Exchange.asmx"}
	rep := reportWith(catalog.NameMismatch, "ex01.contoso.local", urls, []inventory.Source{
		src("EX01", inventory.ServiceAutodiscoverSCP, inventory.ScopeInternal, "EX01"),
		src("EX01", inventory.ServiceEWS, inventory.ScopeInternal, "EWS (Default Web Site)"),
	})
	apply(rep, Input{Org: org, DNS: found()})
	var cmds, local []string
	for _, fx := range rep.Findings[0].Fix {
		switch {
		case fx.Local:
			local = append(local, fx.Command)
		case fx.Command != "":
			cmds = append(cmds, fx.Command)
		}
	}
	if len(cmds) < 2 || len(local) != 1 {
		t.Fatalf("Apply gave %q and local %q", cmds, local)
	}
	text := Script(rep, "")
	lines := scriptLines(t, text, cmds)
	for _, c := range cmds {
		if !slices.Contains(lines, c) {
			t.Errorf("%q missing from the script", c)
		}
	}
	for _, c := range local {
		if slices.Contains(lines, c) || !strings.Contains(text, "#     "+c+"\n") {
			t.Errorf("the local step %q must be shown commented out, not run", c)
		}
	}
}

func TestWrapComment(t *testing.T) {
	got := wrapComment("# ", "#   ", "aaa bbb ccc https://a-very-long-url.example/path ddd", 12)
	want := []string{"# aaa bbb", "#   ccc", "#   https://a-very-long-url.example/path", "#   ddd"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("wrapComment (-want +got):\n%s", diff)
	}
	if got := commentText("a\r\nb\x00\u2028\xffc"); got != `a\r\nb\x00\u2028\xffc` {
		t.Errorf("commentText = %q", got)
	}
}
