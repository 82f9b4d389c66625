package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/report"
	"github.com/exdiag/exdiag/internal/term"
)

// The security promises of README.md ("Security"), one test each.

// Distinctive passwords: a right one and a wrong one. Neither may appear in
// anything exdiag writes.
const (
	canaryPassword = "S3cr3t-Canary-ok-5e2a"
	wrongPassword  = "S3cr3t-Canary-7f1b"
)

// runWith runs one exdiag command line in-process with the given standard
// input and environment. Safe to call from any goroutine.
func runWith(stdin string, env map[string]string, args ...string) cliRun {
	io, out, errOut := term.Test(stdin, env)
	f := &Factory{IO: io, Now: time.Now, Version: "test"}
	code := Run(context.Background(), f, args)
	return cliRun{stdout: out.String(), stderr: errOut.String(), code: code}
}

// allFormats are the --format values this build accepts.
func allFormats() []string {
	var out []string
	for _, f := range []string{"text", "markdown", "html", "json", "junit", "nagios"} {
		if _, err := report.ParseFormat(f); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// canaryDC serves l's organisation from a second domain controller whose
// one account has canaryPassword, and returns the check arguments that
// use it. It fails the test if exdiag wrote to it.
func canaryDC(t *testing.T, l *lab.Lab) []string {
	t.Helper()
	return canaryDCWith(t, l, nil)
}

// canaryDCWith is canaryDC with the DC's spec changed by mod.
func canaryDCWith(t *testing.T, l *lab.Lab, mod func(*lab.LDAPSpec)) []string {
	t.Helper()
	o := l.Scenario.Org
	cert, err := l.PKI.DC("dc01."+o.Domain, net.IPv4(127, 0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	spec := lab.LDAPSpec{
		Entries: o.LDAPEntries(), ConfigNC: o.ConfigNC(), DefaultNC: o.DefaultNC(), DNSHostName: "dc01." + o.Domain,
		Users: map[string]string{lab.LabUser: canaryPassword}, RequireTLSForBind: true,
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	if mod != nil {
		mod(&spec)
	}
	srv, err := lab.StartLDAP(spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("exdiag wrote to the directory: %q", v)
		}
	})
	args := l.CheckArgs()
	if args[0] != "--ldap-url" {
		t.Fatalf("CheckArgs starts with %q, want --ldap-url", args[0])
	}
	args[1] = "ldaps://" + srv.LDAPSAddr()
	return args
}

// Credentials: the password, right or wrong, from standard input or the
// environment, is in no output of any format: not in the report, not in
// errors, not in hints.
func TestPasswordNeverPrinted(t *testing.T) {
	l, err := lab.Start("all")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Errorf("read-only: %v", err)
		}
	}()
	args := canaryDC(t, l)
	type run struct {
		name, stdin string
		env         map[string]string
		args        []string
		wantCode    int
	}
	var runs []run
	for _, format := range allFormats() {
		check := append([]string{"check", "--format", format}, args...)
		runs = append(runs,
			run{format + "/right password on stdin", canaryPassword + "\n", nil, check, ExitFindings},
			run{format + "/wrong password on stdin", wrongPassword + "\n", nil, check, ExitNoRun},
			run{format + "/right password in EXDIAG_PASSWORD", "", map[string]string{"EXDIAG_PASSWORD": canaryPassword},
				slices.DeleteFunc(slices.Clone(check), func(a string) bool { return a == "--password-stdin" }), ExitFindings},
		)
	}
	results := make([]cliRun, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Go(func() { results[i] = runWith(r.stdin, r.env, r.args...) })
	}
	wg.Wait()
	for i, r := range runs {
		res := results[i]
		want := r.wantCode
		if strings.HasPrefix(r.name, "nagios/") {
			want = map[int]int{ExitFindings: report.NagiosCritical, ExitNoRun: report.NagiosUnknown}[want]
		}
		if res.code != want {
			t.Errorf("%s: exit code %d, want %d; stderr:\n%s", r.name, res.code, want, res.stderr)
		}
		for _, pw := range []string{canaryPassword, wrongPassword} {
			if strings.Contains(res.stdout+res.stderr, pw) {
				t.Errorf("%s: the password %q appears in the output", r.name, pw)
			}
		}
		if strings.Contains(r.name, "wrong") && !strings.Contains(res.stdout+res.stderr, "password is wrong") {
			t.Errorf("%s: no clear error for the wrong password:\n%s%s", r.name, res.stdout, res.stderr)
		}
	}
}

// Credentials: no flag takes a password, so none can leak through shell
// history or the process list; --password-stdin is a switch.
func TestNoFlagTakesAPassword(t *testing.T) {
	io, _, _ := term.Test("", nil)
	root := NewCmdRoot(&Factory{IO: io, Now: time.Now, Version: "test"})
	seen := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags(), c.InheritedFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				seen++
				name := strings.ToLower(f.Name)
				secret := false
				for _, w := range []string{"pass", "pwd", "secret", "credential", "token", "key"} {
					secret = secret || strings.Contains(name, w)
				}
				if secret && !(f.Name == "password-stdin" && f.Value.Type() == "bool") {
					t.Errorf("%s --%s (%s) may take a secret as its value", c.CommandPath(), f.Name, f.Value.Type())
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen < 20 {
		t.Fatalf("only %d flags seen: the walk missed commands", seen)
	}
	r := runWith("", nil, "check", "--password", wrongPassword)
	if r.code != ExitUsage || strings.Contains(r.stdout+r.stderr, wrongPassword) {
		t.Errorf("check --password: exit %d, output %q; want a usage error that does not echo the value", r.code, r.stdout+r.stderr)
	}
}

// Read-only: the lab's directory records every write, and a lab that saw
// one fails on Close. (TestPasswordNeverPrinted and every lab test check
// that exdiag sent none; internal/ad's TestNoWrites keeps write calls out
// of the reader's code.)
func TestLabDirectoryCatchesWrites(t *testing.T) {
	l, err := lab.Start("healthy")
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(l.PKI.Root.Cert)
	conn, err := ldap.DialURL("ldaps://"+l.LDAP.LDAPSAddr(), ldap.DialWithTLSConfig(&tls.Config{RootCAs: roots}))
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Bind(lab.LabUser, lab.LabPassword); err != nil {
		t.Fatal(err)
	}
	dn := "CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services," + l.Scenario.Org.ConfigNC()
	add := ldap.NewAddRequest("CN=evil,"+dn, nil)
	add.Attribute("objectClass", []string{"top"})
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Replace("serialNumber", []string{"Version 15.2 (Build 30000.0)"})
	for op, err := range map[string]error{
		"add":      conn.Add(add),
		"modify":   conn.Modify(mod),
		"delete":   conn.Del(ldap.NewDelRequest(dn, nil)),
		"modifyDN": conn.ModifyDN(ldap.NewModifyDNRequest(dn, "CN=EX99", true, "")),
	} {
		if err == nil {
			t.Errorf("%s succeeded on the read-only lab directory", op)
		}
	}
	conn.Close()
	err = l.Close()
	for _, want := range []string{"the directory received writes", "add CN=evil", "modify CN=EX01", "delete CN=EX01", "modifyDN"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("lab.Close() = %v; want an error naming %q", err, want)
		}
	}
}

// TLS: a password is never sent in clear text unless --allow-insecure-bind
// says so, and the DC's certificate is verified by default.
func TestDirectoryTLSByDefault(t *testing.T) {
	l, err := lab.Start("healthy")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Error(err)
		}
	}()
	common := []string{"check", "--auth", "simple", "--user", lab.LabUser, "--password-stdin", "--dns-server", l.DNS.Addr(), "--timeout", "5s"}
	plain := append(slices.Clone(common), "--ldap-url", "ldap://"+l.LDAP.Addr(), "--no-starttls", "--ca-file", l.CAFile())
	r := runWith(lab.LabPassword+"\n", nil, plain...)
	if r.code != ExitNoRun || !strings.Contains(r.stderr, "refusing to send a password over an unencrypted connection") ||
		!strings.Contains(r.stderr, "exdiag: hint: use StartTLS") {
		t.Errorf("clear-text bind: exit %d, stderr:\n%s\nwant exit 3 refusing, with a hint to use TLS", r.code, r.stderr)
	}
	if b := l.LDAP.Binds(); len(b) > 0 {
		t.Errorf("a bind reached the directory: %q", b)
	}
	// With the flag, exdiag sends it; this DC then refuses it (LDAP signing).
	r = runWith(lab.LabPassword+"\n", nil, append(plain, "--allow-insecure-bind")...)
	if r.code != ExitNoRun || !strings.Contains(r.stderr, "requires an encrypted connection") {
		t.Errorf("--allow-insecure-bind: exit %d, stderr:\n%s", r.code, r.stderr)
	}

	untrusted := append(slices.Clone(common), "--ldap-url", "ldaps://"+l.LDAP.LDAPSAddr())
	r = runWith(lab.LabPassword+"\n", nil, untrusted...)
	if r.code != ExitNoRun || !strings.Contains(r.stderr, "not trusted") || !strings.Contains(r.stderr, "--ca-file") {
		t.Errorf("DC certificate from an unknown CA: exit %d, stderr:\n%s\nwant exit 3 naming --ca-file", r.code, r.stderr)
	}
	if b := l.LDAP.Binds(); len(b) > 0 {
		t.Errorf("a bind reached a DC whose certificate was not verified: %q", b)
	}
}

// Terminal safety: escape sequences and control characters in directory
// values reach the terminal escaped, in every format, and never a command.
// (Certificate fields: TestHostileOutputFormats with the evil-names
// certificate; every renderer: internal/report's FuzzRender.)
func TestDirectoryValuesCannotRewriteTheTerminal(t *testing.T) {
	const nc = "CN=Configuration,DC=evil,DC=test"
	servers := "CN=Servers,CN=AG,CN=Administrative Groups,CN=Evil\x1b]0\\;pwned\a,CN=Microsoft Exchange,CN=Services," + nc
	var b strings.Builder
	rec := func(dn string, attrs ...[2]string) {
		fmt.Fprintf(&b, "dn:: %s\n", base64.StdEncoding.EncodeToString([]byte(dn)))
		for _, a := range attrs {
			fmt.Fprintf(&b, "%s:: %s\n", a[0], base64.StdEncoding.EncodeToString([]byte(a[1])))
		}
		b.WriteString("\n")
	}
	rec("CN=Evil\x1b]0\\;pwned\a,CN=Microsoft Exchange,CN=Services,"+nc, [2]string{"objectClass", "msExchOrganizationContainer"})
	rec("CN=EX01\x1b[2J,"+servers, [2]string{"objectClass", "msExchExchangeServer"}, [2]string{"cn", "EX01\x1b[2J"},
		[2]string{"networkAddress", "ncacn_ip_tcp:ex01.evil.test"}, [2]string{"serialNumber", "Version 15.2 (Build 31748.24)\x1b[5m"},
		[2]string{"msExchCurrentServerRoles", "16439"})
	vdir := "CN=owa (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01\x1b[2J," + servers
	rec(vdir, [2]string{"objectClass", "msExchVirtualDirectory"}, [2]string{"objectClass", "msExchOWAVirtualDirectory"},
		[2]string{"msExchInternalHostName", "https://ex01.evil.test/owa\x1b[31m"},
		[2]string{"msExchExternalHostName", "https://mail.evil.test/\x1b]0;pwned\a\x9b2J"})
	rec("CN=ews (Default Web Site),CN=HTTP,CN=Protocols,CN=EX01\x1b[2J,"+servers,
		[2]string{"objectClass", "msExchVirtualDirectory"}, [2]string{"objectClass", "msExchWebServicesVirtualDirectory"},
		[2]string{"msExchInternalHostName", "https://ex01.evil.test/EWS/Exchange.asmx"})
	file := filepath.Join(t.TempDir(), "evil.ldf")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	dns, err := lab.StartDNS(lab.DNSSpec{Records: []string{"ex01.evil.test. 300 IN A 127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dns.Close() })
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	for _, format := range allFormats() {
		r := runWith("", nil, "check", "--ldif", file, "--dns-server", dns.Addr(), "--timeout", "2s", "--color", "never",
			"--connect-to", fmt.Sprintf("::127.0.0.1:%d", port), "--format", format)
		failed := r.code == ExitNoRun || r.code == ExitUsage
		if format == "nagios" {
			failed = r.code == report.NagiosUnknown
		}
		if failed {
			t.Fatalf("%s: exit %d; stderr:\n%s", format, r.code, r.stderr)
		}
		out := r.stdout + r.stderr
		if i := rawControlIndex(out); i >= 0 {
			t.Errorf("%s: a raw escape reaches the terminal at %d: %q", format, i, out[max(0, i-40):min(len(out), i+20)])
		}
		if format == "text" && (!strings.Contains(out, `\x1b[31m`) || !strings.Contains(out, "url-invalid")) {
			t.Errorf("text: the hostile URLs are not reported (url-invalid, shown escaped):\n%s", out)
		}
		if format != "json" {
			continue
		}
		var rep struct {
			Findings []struct {
				Code string
				Fix  []struct{ Command string }
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("json: %v", err)
		}
		for _, f := range rep.Findings {
			for _, fx := range f.Fix {
				if strings.ContainsAny(fx.Command, "\x1b\a\u009b\r\n") {
					t.Errorf("%s: a fix command holds a control character: %q", f.Code, fx.Command)
				}
			}
		}
	}
}

// A DC (or a proxy in front of it) that quotes the refused password in its
// error cannot make exdiag print it: in no format, on no stream, in no
// escaped form (JSON, XML, HTML, Markdown, the escapes of unsafe text).
func TestEchoedPasswordIsRedacted(t *testing.T) {
	l := labScenario(t, "kb940726")
	args := canaryDCWith(t, l, func(s *lab.LDAPSpec) { s.EchoPassword = true })
	const pw = `Wr0ng"<pa&ss>'\\x`
	forms := []string{pw, `Wr0ng\"\u003cpa\u0026ss\u003e'\\\\x`, `Wr0ng&#34;&lt;pa&amp;ss&gt;&#39;\\x`, `pa&ss`, `Wr0ng`}
	for _, format := range allFormats() {
		res := runWith(pw+"\n", nil, append([]string{"check", "--format", format}, args...)...)
		out := res.stdout + res.stderr
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s: the DC's echo of the password is not shown redacted:\n%s", format, out)
		}
		for _, f := range forms {
			if strings.Contains(out, f) {
				t.Errorf("%s: the password appears as %q:\n%s", format, f, out)
			}
		}
	}
}
