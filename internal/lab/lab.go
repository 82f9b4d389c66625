package lab

import (
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Lab credentials: a directory account of the lab organisation. They are
// the lab's own, printed by `exdiag lab` so users can explore; exdiag never
// prints a real password.
const (
	LabUser     = `CONTOSO\helpdesk`
	LabPassword = "exdiag-lab"
)

// Lab is a running scenario: DNS, LDAP and every server's TLS listeners on
// loopback. Each Exchange server has its own loopback address; all listen
// on the same port per service, so --connect-to only remaps ports.
type Lab struct {
	Scenario *Scenario
	PKI      *PKI
	// Dir holds the files a check needs: lab-root.pem and the scenario's
	// organisation as LDIF (org.ldf).
	Dir   string
	DNS   *DNSServer
	LDAP  *LDAPServer
	Ports map[int]int // client port (443, 25, 2525, …) → lab port
	// PKIWeb is the CA's web server (CRLs, caIssuers, OCSP) at PKIHost.
	PKIWeb *PKIServer
	// PublicDNS answers the scenario's PublicRecords (the internet's view),
	// nil when it has none.
	PublicDNS *DNSServer
	certs     map[string]tls.Certificate
	tls       []*Server
	// publication is what the CA publishes for this scenario.
	publication *Publication
}

// pkiIP is the address of the lab CA's web server.
const pkiIP = "127.0.0.5"

// Start brings the named scenario up on loopback.
func Start(name string) (*Lab, error) {
	sc, err := Load(name)
	if err != nil {
		return nil, err
	}
	return StartScenario(sc)
}

// Prepare makes a scenario's certificates without starting anything, so
// that its organisation (Scenario.Org.LDIF) holds the certificates the
// directory publishes. StartScenario starts from it.
func Prepare(sc *Scenario) (*Lab, error) {
	l := &Lab{Scenario: sc, Ports: map[int]int{}, certs: map[string]tls.Certificate{}}
	var err error
	if l.PKI, err = NewPKI(); err != nil {
		return nil, err
	}
	if err = l.makeCerts(); err != nil {
		return nil, err
	}
	return l, nil
}

// StartScenario brings a scenario up on loopback. When a part cannot
// start, what did start is stopped and the error says why.
func StartScenario(sc *Scenario) (_ *Lab, err error) {
	l, err := Prepare(sc)
	if err != nil {
		return nil, err
	}
	// l stays set in the deferred cleanup: "return nil, err" clears only
	// the result.
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	if l.Dir, err = os.MkdirTemp("", "exdiag-lab-"); err != nil {
		return nil, err
	}
	if err = os.WriteFile(l.CAFile(), l.PKI.RootPEM(), 0o644); err != nil {
		return nil, err
	}
	if err = os.WriteFile(l.LDIFFile(), []byte(sc.Org.LDIF()), 0o644); err != nil {
		return nil, err
	}
	if err = l.startTLS(); err != nil {
		return nil, err
	}
	if l.PKIWeb, err = StartPKIServer(net.JoinHostPort(pkiIP, "0"), l.publication); err != nil {
		return nil, fmt.Errorf("lab: the CA's web server: %w%s", err, loopbackHint())
	}
	l.Ports[80] = l.PKIWeb.Port()
	if l.DNS, err = StartDNS(DNSSpec{Addr: "127.0.0.1:0", Records: l.records(), ServFail: sc.Org.ServFail}); err != nil {
		return nil, err
	}
	if len(sc.Org.PublicRecords) > 0 {
		if l.PublicDNS, err = StartDNS(DNSSpec{Addr: "127.0.0.1:0", Records: sc.Org.PublicRecords}); err != nil {
			return nil, err
		}
	}
	if err = l.startLDAP(); err != nil {
		return nil, err
	}
	return l, nil
}

// CAFile is the lab root certificate's path, for --ca-file.
func (l *Lab) CAFile() string { return filepath.Join(l.Dir, "lab-root.pem") }

// LDIFFile is the scenario's organisation as an ldifde export, for --ldif.
func (l *Lab) LDIFFile() string { return filepath.Join(l.Dir, "org.ldf") }

// Thumbprint is the thumbprint of the scenario's certificate id.
func (l *Lab) Thumbprint(id string) string {
	c, ok := l.certs[id]
	if !ok {
		return ""
	}
	sum := sha1.Sum(c.Leaf.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func (l *Lab) makeCerts() error {
	specs := make(map[string]CertSpec, len(l.Scenario.Certs)+len(l.Scenario.Org.Servers))
	for _, s := range l.Scenario.Org.Servers {
		specs[s.selfSigned()] = s.selfSignedSpec(l.Scenario.Org)
	}
	for id, spec := range l.Scenario.Certs {
		specs[id] = spec
	}
	var revoked []*x509.Certificate
	leaves := make(map[string]*x509.Certificate, len(specs))
	for id, spec := range specs {
		c, err := l.PKI.issue(spec)
		if err != nil {
			return err
		}
		l.certs[id] = c
		leaves[id] = c.Leaf
		if spec.Revoked {
			revoked = append(revoked, c.Leaf)
		}
	}
	l.Scenario.Org.certs = leaves
	pub, err := l.PKI.Publish(revoked)
	if err != nil {
		return err
	}
	_, dn := LDAPCDP(l.Scenario.Org)
	l.Scenario.Org.DirectoryCRLs = map[string][]byte{dn: pub.DirectoryCRL}
	l.publication = pub
	return nil
}

// startTLS picks one free port per service and listens on it at every
// server's address, retrying with other ports when one is taken.
func (l *Lab) startTLS() error {
	var last error
	for attempt := 0; attempt < 8; attempt++ {
		if last = l.tryTLS(); last == nil {
			return nil
		}
		l.closeTLS()
	}
	return fmt.Errorf("lab: could not listen on the servers' loopback addresses: %w%s", last, loopbackHint())
}

func (l *Lab) tryTLS() error {
	org := l.Scenario.Org
	for _, p := range org.ports() {
		if len(l.Scenario.Services) > 0 && !slices.Contains(l.Scenario.Services, p.port) {
			continue
		}
		port, err := freePort()
		if err != nil {
			return err
		}
		l.Ports[p.port] = port
	}
	for _, s := range org.Servers {
		for _, ln := range s.listeners() {
			port, ok := l.Ports[ln.port]
			if !ok {
				continue
			}
			if ln.off {
				// Nothing may answer there: freePort checked 127.0.0.1
				// only, and anything listening at the server's address (an
				// earlier lab's socket not yet released, another process)
				// would answer in place of a refusal. Seen once under Wine.
				if err := portFree(net.JoinHostPort(s.IP, strconv.Itoa(port))); err != nil {
					return err
				}
				continue
			}
			certs := map[string]tls.Certificate{"": l.certs[ln.cert]}
			if ln.port == 443 {
				for sni, id := range s.Serves.BySNI {
					certs[sni] = l.certs[id]
				}
			}
			spec := ServerSpec{Addr: net.JoinHostPort(s.IP, strconv.Itoa(port)), Protocol: ln.proto, Certs: certs, Banner: s.FQDN(org),
				RequireClientCert: ln.port == 443 && s.Serves.RequireClientCert}
			if s.Dead {
				spec.Behavior = Silent
			}
			if ln.noTLS {
				spec.Behavior = NoStartTLS
			}
			srv, err := StartServer(spec)
			if err != nil {
				return err
			}
			l.tls = append(l.tls, srv)
		}
	}
	if port, ok := l.Ports[443]; ok {
		for _, site := range org.WebSites {
			srv, err := StartServer(ServerSpec{Addr: net.JoinHostPort(site.IP, strconv.Itoa(port)), Protocol: ProtoTLS,
				Certs: map[string]tls.Certificate{"": l.certs[site.Cert]}})
			if err != nil {
				return err
			}
			l.tls = append(l.tls, srv)
		}
	}
	return nil
}

// portFree checks that nothing listens on addr by listening there briefly.
func portFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ln.Close()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// records is the lab's DNS zone: each server's A record, the scenario's
// own records, and the domain controller.
func (l *Lab) records() []string {
	o := l.Scenario.Org
	rr := []string{"dc01." + o.Domain + ". 300 IN A 127.0.0.1", PKIHost + ". 300 IN A " + pkiIP}
	for _, s := range o.Servers {
		if !s.NoDNS {
			rr = append(rr, s.FQDN(o)+". 300 IN A "+s.IP)
		}
	}
	return append(rr, o.Records...)
}

func (l *Lab) closeTLS() {
	if l.PKIWeb != nil {
		l.PKIWeb.Close()
		l.PKIWeb = nil
	}
	for _, s := range l.tls {
		s.Close()
	}
	l.tls = nil
}

// Close stops every server and removes the lab's files. It fails when the
// directory saw a write: exdiag must never write to the directory.
func (l *Lab) Close() error {
	l.closeTLS()
	var errs []error
	if l.DNS != nil {
		l.DNS.Close()
	}
	if l.PublicDNS != nil {
		l.PublicDNS.Close()
	}
	if l.LDAP != nil {
		if v := l.LDAP.Violations(); len(v) > 0 {
			errs = append(errs, fmt.Errorf("lab: the directory received writes: %s", strings.Join(v, "; ")))
		}
		l.LDAP.Close()
	}
	if l.Dir != "" {
		os.RemoveAll(l.Dir)
	}
	return errors.Join(errs...)
}
