package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/lab"
)

// setupScriptEnv starts one small organisation on loopback per script and
// exports where it is:
//
//	$DNS        the DNS server (ip:port) answering contoso.com / contoso.local
//	$HTTPS      ip:port of the HTTPS server; certificates by SNI:
//	              mail.contoso.com, autodiscover.contoso.com: valid, trusted (the default)
//	              expired.contoso.com: expired 3 days ago
//	              expiring.contoso.com: expires in 10 days
//	              ex07.contoso.local: Exchange 2007's default self-signed certificate
//	$SMTP       ip:port of an SMTP server offering STARTTLS (mail certificate)
//	$SMTP_NOTLS ip:port of an SMTP server that never offers STARTTLS
//	$SILENT     ip:port of a server that accepts and never answers
//	$CLOSED     ip:port where nothing listens
//	$MAILTHUMB  SHA-1 thumbprint of the mail certificate
//	$WORK/ca.pem the lab root, for --ca-file
//	$WORK/kb953354.ldf the lab's kb953354 organisation as an ldifde export
//	            (its servers' names resolve nowhere: nothing of it is reached)
//
// DNS: mail, autodiscover, expired, expiring .contoso.com and ex01, ex07
// .contoso.local point at 127.0.0.1; nodns.contoso.com does not exist.
func setupScriptEnv(env *testscript.Env) error {
	now := time.Now()
	root, err := lab.NewRootCA("Contoso Lab Root", now.AddDate(-5, 0, 0), now.AddDate(10, 0, 0))
	if err != nil {
		return err
	}
	issue := func(notBefore, notAfter time.Time, names ...string) (tls.Certificate, error) {
		return root.Issue(lab.LeafSpec{CommonName: names[0], DNSNames: names, NotBefore: notBefore, NotAfter: notAfter})
	}
	mail, err := issue(now.AddDate(0, -1, 0), now.AddDate(1, 0, 0), "mail.contoso.com", "autodiscover.contoso.com")
	if err != nil {
		return err
	}
	expired, err := issue(now.AddDate(-1, 0, -3), now.AddDate(0, 0, -3), "expired.contoso.com")
	if err != nil {
		return err
	}
	expiring, err := issue(now.AddDate(-1, 0, 0), now.Add(10*24*time.Hour+time.Hour), "expiring.contoso.com")
	if err != nil {
		return err
	}
	ex07, err := lab.ExchangeSelfSigned("EX07", "ex07.contoso.local", now.AddDate(0, -2, 0), 1)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(env.WorkDir, "ca.pem"), root.CertPEM(), 0o644); err != nil {
		return err
	}
	kb953354, err := lab.Load("kb953354")
	if err != nil {
		return err
	}
	if _, err := lab.Prepare(kb953354); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(env.WorkDir, "kb953354.ldf"), []byte(kb953354.Org.LDIF()), 0o644); err != nil {
		return err
	}
	var closers []func() error
	env.Defer(func() {
		for _, c := range closers {
			c()
		}
	})
	start := func(spec lab.ServerSpec) (string, error) {
		spec.Addr = "127.0.0.1:0"
		s, err := lab.StartServer(spec)
		if err != nil {
			return "", err
		}
		closers = append(closers, s.Close)
		return s.Addr(), nil
	}
	servers := map[string]lab.ServerSpec{
		"HTTPS": {Protocol: lab.ProtoTLS, Certs: map[string]tls.Certificate{"": mail, "expired.contoso.com": expired,
			"expiring.contoso.com": expiring, "ex07.contoso.local": ex07}},
		"SMTP":       {Protocol: lab.ProtoSMTP, Certs: map[string]tls.Certificate{"": mail}},
		"SMTP_NOTLS": {Protocol: lab.ProtoSMTP, Certs: map[string]tls.Certificate{"": mail}, Behavior: lab.NoStartTLS},
		"SILENT":     {Protocol: lab.ProtoTLS, Certs: map[string]tls.Certificate{"": mail}, Behavior: lab.Silent},
	}
	for name, spec := range servers {
		addr, err := start(spec)
		if err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		env.Setenv(name, addr)
		_, port, _ := net.SplitHostPort(addr)
		env.Setenv(name+"_PORT", port)
	}
	closed, err := start(lab.ServerSpec{Certs: map[string]tls.Certificate{"": mail}})
	if err != nil {
		return err
	}
	closers[len(closers)-1]() // now nothing listens there
	env.Setenv("CLOSED", closed)

	var records []string
	for _, n := range []string{"mail.contoso.com", "autodiscover.contoso.com", "expired.contoso.com", "expiring.contoso.com", "ex01.contoso.local", "ex07.contoso.local"} {
		records = append(records, n+". 300 IN A 127.0.0.1")
	}
	d, err := lab.StartDNS(lab.DNSSpec{Addr: "127.0.0.1:0", Records: records})
	if err != nil {
		return err
	}
	closers = append(closers, d.Close)
	env.Setenv("DNS", d.Addr())
	env.Setenv("MAILTHUMB", diag.Thumbprint(mail.Leaf))
	env.Setenv("NOW_YEAR", strconv.Itoa(now.Year()))
	return nil
}
