package wine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/lab/samba"
)

// sspiEnv runs TestNamespace/SSPIBinds: the non-gating record of whether an SSPI
// bind passes under this Wine (8.0 cannot: see testNSZeroFlag).
const sspiEnv = "EXDIAG_WINE_SSPI"

// domain is the namespace's Active Directory: a Samba DC on its loopback,
// its SRV and A records at the DNS server the namespace's resolv.conf
// names, its CA among the trusted roots, and a Kerberos ticket (kinit)
// for its Administrator.
var domain struct {
	once sync.Once
	dc   *samba.DC
	dns  *lab.DNSServer
	env  []string // KRB5_CONFIG and KRB5CCNAME for exdiag.exe
	err  error
}

func startDomain(t *testing.T) {
	t.Helper()
	samba.Require(t)
	domain.once.Do(func() { domain.err = bringUpDomain() })
	if domain.err != nil {
		t.Fatal(domain.err)
	}
}

func bringUpDomain() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	dc, err := samba.Start(ctx, samba.Options{})
	if err != nil {
		return err
	}
	domain.dc = dc
	logf("wine tier: samba DC up in the namespace in %s", time.Since(start).Round(time.Millisecond))
	// /etc/ssl is the namespace's own folder (see TestNamespace).
	if err := os.WriteFile("/etc/ssl/certs/ca-certificates.crt", dc.CAPEM, 0o644); err != nil {
		return err
	}
	if domain.dns, err = lab.StartDNS(lab.DNSSpec{Addr: nsDNSServer, Records: []string{
		"_ldap._tcp.dc._msdcs." + nsDomain + ". 600 IN SRV 0 100 389 " + samba.Host + ".",
		samba.Host + ". 600 IN A 127.0.0.1",
	}}); err != nil {
		return err
	}
	cc := filepath.Join(dc.Dir, "ccache")
	domain.env = []string{"KRB5_CONFIG=" + dc.Krb5Conf, "KRB5CCNAME=FILE:" + cc}
	kinit := exec.CommandContext(ctx, "kinit", "Administrator@"+samba.Realm)
	kinit.Env = append(os.Environ(), domain.env...)
	kinit.Stdin = strings.NewReader(dc.AdminPassword + "\n")
	if out, err := kinit.CombinedOutput(); err != nil {
		return fmt.Errorf("kinit: %w\n%s", err, out)
	}
	return nil
}

// stopDomain ends what startDomain started (TestMain calls it).
func stopDomain() {
	if domain.dns != nil {
		domain.dns.Close()
	}
	if domain.dc != nil {
		if err := domain.dc.Stop(); err != nil {
			logf("wine tier: stop the DC: %v", err)
		}
	}
}

// zeroFlag runs exdiag.exe check with no flags at all, as on a
// domain-joined PC, with the Kerberos ticket of the Administrator.
func zeroFlag(t *testing.T) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := tier.env.Command(ctx, tier.exe, "check")
	cmd.Env = append(cmd.Env, domain.env...)
	before := domain.dns.Queries()
	r, err := Run(cmd, "")
	if err != nil {
		t.Fatalf("exdiag.exe check: %v\n%s", err, r.Stderr)
	}
	if domain.dns.Queries() == before {
		t.Errorf("the DNS server GetAdaptersAddresses names (%s) was not asked", nsDNSServer)
	}
	return r
}

// sspiStatusHint is the hint of a failed SSPI bind: the status by name,
// what to do, and the password bind as a way out.
var sspiStatusHint = regexp.MustCompile(`\nexdiag: hint: SEC_E_[A-Z_]+: .+; or bind with a password: --user DOMAIN\\user\n$`)

// testNSZeroFlag: with no flags, exdiag.exe finds the domain
// (GetComputerNameEx), its DNS server (GetAdaptersAddresses) and the DC
// (SRV at that server), connects with StartTLS and binds through SSPI.
// Under Wine 8.0 the bind cannot pass: Wine's Kerberos package accepts
// only DATA+TOKEN buffers in DecryptMessage, github.com/alexbrainman/sspi
// passes STREAM+DATA, so the SASL security layer fails with
// SEC_E_INVALID_TOKEN. That failure must be reported with a clear error
// and hint; a bind that passes must give a report.
func testNSZeroFlag(t *testing.T) {
	startDomain(t)
	r := zeroFlag(t)
	t.Logf("exdiag.exe check (no flags): exit %d\n%s", r.Code, r.Stderr)
	bindOp := "bind to " + samba.Host + ":389 as the logged-on user: "
	switch {
	case r.Code <= 1:
		if !strings.Contains(r.Stdout, "org Contoso") {
			t.Errorf("bound, but no report:\n%s", r.Stdout)
		}
	case !strings.HasPrefix(r.Stderr, "exdiag: error: "+bindOp):
		t.Errorf("exit %d: want the SSPI bind to %s located through DNS to fail or pass, got:\n%s", r.Code, samba.Host, r.Stderr)
	case !sspiStatusHint.MatchString(r.Stderr) || strings.Count(r.Stderr, "\n") != 2:
		t.Errorf("want one error line, then a hint naming the SSPI status and a way out:\n%s", r.Stderr)
	}
}

// testNSSSPIBinds records whether a zero-flag SSPI bind reads the
// organisation under this Wine. It runs only with EXDIAG_WINE_SSPI=1, in
// a CI step that may fail: it fails under Wine 8.0 (see testNSZeroFlag),
// and passing would mean a Wine or library update made it work.
func testNSSSPIBinds(t *testing.T) {
	if os.Getenv(sspiEnv) != "1" {
		t.Skipf("non-gating: %s=1 runs it", sspiEnv)
	}
	startDomain(t)
	f, err := os.Open(filepath.Join(tier.root, "testdata", "ldif", "contoso.ldif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ad.ReadLDIF(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.dc.Load(entries); err != nil {
		t.Fatal(err)
	}
	r := zeroFlag(t)
	if r.Code > 1 || !strings.Contains(r.Stdout, "org Contoso") {
		t.Errorf("SSPI bind under Wine: exit %d\n%s", r.Code, r.Stderr)
	}
}
