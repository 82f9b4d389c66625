package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/exdiag/exdiag/internal/lab"
)

// cmdletTable is testdata/cmdlets/cmdlets.tsv: for each command and
// parameter, the Exchange versions where a source confirms it exists. The
// key is lower case (PowerShell names are case-insensitive); the parameter
// "" stands for the command itself.
type cmdletTable map[[2]string]cmdletRow

type cmdletRow struct {
	versions []string // "2007" … "SE"; nil with anywhere set
	// anywhere marks a command that runs on a DNS server, not in an
	// Exchange shell ("-" in the table).
	anywhere bool
	source   string
}

func loadCmdletTable(t *testing.T) cmdletTable {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "cmdlets", "cmdlets.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	table := cmdletTable{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("cmdlets.tsv:%d: %d columns, want 5 (cmdlet, parameter, versions, source, note)", n, len(cols))
		}
		if strings.TrimSpace(cols[3]) == "" {
			t.Fatalf("cmdlets.tsv:%d: %s %s has no source", n, cols[0], cols[1])
		}
		row := cmdletRow{source: cols[3], anywhere: cols[2] == "-"}
		if !row.anywhere {
			row.versions = strings.Fields(cols[2])
		}
		table[[2]string{strings.ToLower(cols[0]), strings.ToLower(cols[1])}] = row
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return table
}

// validOn reports whether command name with params exists on version, or
// says why not.
func (tb cmdletTable) validOn(inv invocation, version string) string {
	cmd, ok := tb[[2]string{strings.ToLower(inv.name), ""}]
	if !ok {
		return fmt.Sprintf("%s is not in testdata/cmdlets/cmdlets.tsv: add it, with its source", inv.name)
	}
	if !cmd.anywhere && !slices.Contains(cmd.versions, version) {
		return fmt.Sprintf("%s does not exist on Exchange %s (cmdlets.tsv: %s)", inv.name, version, strings.Join(cmd.versions, " "))
	}
	for _, p := range inv.params {
		row, ok := tb[[2]string{strings.ToLower(inv.name), strings.ToLower(p)}]
		switch {
		case !ok:
			return fmt.Sprintf("%s -%s is not in testdata/cmdlets/cmdlets.tsv: add it, with its source", inv.name, p)
		case !row.anywhere && !slices.Contains(row.versions, version):
			return fmt.Sprintf("%s -%s does not exist on Exchange %s (cmdlets.tsv: %s)", inv.name, p, version, strings.Join(row.versions, " "))
		}
	}
	return ""
}

type fixJSON struct {
	Findings []struct {
		Code, Host string
		Fix        []struct{ Command, Server string }
	}
}

// checkCommands parses every fix command of a scenario's JSON report and
// checks each command and parameter against the version of the server it
// acts on: the one Fix.Server names, or, for an organisation-wide command
// (Set-OutlookProvider), any version of the organisation's servers, whose
// shell runs it. It returns the number of commands checked.
func checkCommands(t *testing.T, tb cmdletTable, sc *lab.Scenario, js string) int {
	t.Helper()
	var rep fixJSON
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	versions := map[string]string{}
	var all []string
	for _, s := range sc.Org.Servers {
		versions[strings.ToLower(s.Name)] = s.Version
		if !slices.Contains(all, s.Version) {
			all = append(all, s.Version)
		}
	}
	checked := 0
	for _, f := range rep.Findings {
		for _, fx := range f.Fix {
			if fx.Command == "" {
				continue
			}
			checked++
			invs, err := parsePS(fx.Command)
			if err != nil {
				t.Errorf("%s %s: %q does not parse as PowerShell: %v", f.Code, f.Host, fx.Command, err)
				continue
			}
			targets := all
			if fx.Server != "" {
				v, ok := versions[strings.ToLower(fx.Server)]
				if !ok {
					t.Errorf("%s %s: %q acts on %s, which the scenario does not have", f.Code, f.Host, fx.Command, fx.Server)
					continue
				}
				targets = []string{v}
			}
			for _, inv := range invs {
				var why []string
				for _, v := range targets {
					if w := tb.validOn(inv, v); w != "" {
						why = append(why, w)
					}
				}
				if len(why) == len(targets) {
					t.Errorf("%s %s: %q: %s", f.Code, f.Host, fx.Command, why[0])
				}
			}
		}
	}
	return checked
}

// The parser must see through the forms exdiag prints.
func TestParsePS(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{`Set-WebServicesVirtualDirectory -Identity 'EX01\EWS (Default Web Site)' -InternalUrl 'https://mail.contoso.com/EWS/Exchange.asmx'`,
			[]string{"Set-WebServicesVirtualDirectory Identity InternalUrl"}},
		{`$new = Get-ExchangeCertificate -Server 'EX16' -Thumbprint 'AB' | New-ExchangeCertificate -Server 'EX16' -Services None; Enable-ExchangeCertificate -Server 'EX16' -Thumbprint $new.Thumbprint -Services IIS,SMTP`,
			[]string{"Get-ExchangeCertificate Server Thumbprint", "New-ExchangeCertificate Server Services", "Enable-ExchangeCertificate Server Thumbprint Services"}},
		{`Invoke-Command -ComputerName 'ex16.contoso.local' -ScriptBlock { Import-Module WebAdministration; Restart-WebAppPool -Name 'A;B|{' }`,
			[]string{"Import-Module", "Restart-WebAppPool Name", "Invoke-Command ComputerName ScriptBlock"}},
		{`& "$env:windir\system32\inetsrv\appcmd.exe" recycle apppool /apppool.name:X`, []string{"appcmd.exe"}},
		{`Set-OutlookProvider EXPR -CertPrincipalName 'msstd:it''s -Fake'`, []string{"Set-OutlookProvider CertPrincipalName"}},
		{`iisreset /noforce`, []string{"iisreset"}},
	}
	for _, tt := range tests {
		invs, err := parsePS(tt.line)
		if err != nil {
			t.Errorf("%q: %v", tt.line, err)
			continue
		}
		var got []string
		for _, inv := range invs {
			got = append(got, strings.TrimSpace(inv.name+" "+strings.Join(inv.params, " ")))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q parsed as %q, want %q", tt.line, got, tt.want)
		}
	}
	for _, bad := range []string{`Set-X -Identity 'open`, `Invoke-Command { Set-X`, `Set-X }`} {
		if _, err := parsePS(bad); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

// The table catches what it is for: a cmdlet, or a parameter, used on a
// version that lacks it, and a command nobody has looked up.
func TestCmdletTableRefusesWrongVersions(t *testing.T) {
	tb := loadCmdletTable(t)
	for _, tt := range []struct {
		line, version string
		ok            bool
	}{
		{`Get-ExchangeCertificate -Server 'EX07' -Thumbprint 'AB'`, "2007", false},
		{`Get-ExchangeCertificate -Thumbprint 'AB'`, "2007", true},
		{`Set-ClientAccessService -Identity 'EX13' -AutoDiscoverServiceInternalUri 'u'`, "2013", false},
		{`Set-OutlookAnywhere -Identity 'EX01\Rpc (Default Web Site)' -InternalHostname 'h'`, "2010", false},
		{`Set-UMVirtualDirectory -Identity 'x' -InternalUrl 'u'`, "2010", false},
		{`Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool'`, "2010", false},
		{`Invoke-Command -ComputerName 'ex13' -ScriptBlock { iisreset }`, "2013", false},
		{`Set-PopSettings -Identity 'EX01' -X509CertificateName 'h'`, "2016", false},
		{`Remove-Mailbox -Identity 'x'`, "2016", false},
	} {
		invs, err := parsePS(tt.line)
		if err != nil {
			t.Fatal(err)
		}
		ok := true
		for _, inv := range invs {
			ok = ok && tb.validOn(inv, tt.version) == ""
		}
		if ok != tt.ok {
			t.Errorf("%q on %s: valid=%v, want %v", tt.line, tt.version, ok, tt.ok)
		}
	}
}
