package lab

import (
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// HostileDomain holds the names of the hostile endpoints.
const HostileDomain = "hostile.test"

// HostileCase is one endpoint of the hostile lab: a server that misbehaves
// (or serves a certificate that does) on purpose, or a name whose DNS does.
type HostileCase struct {
	// Name is the case's short name, also the first label of Host.
	Name string
	// Host is the name clients use, NAME.hostile.test.
	Host string
	// URL is what `check --url` is given.
	URL string
	// What says what the endpoint does.
	What string
	// Port is the lab port the URL's port is mapped to with --connect-to;
	// 0 for DNS-only cases.
	Port   int
	server *Server
}

// Hostile is the hostile lab: one loopback listener per misbehaving
// endpoint, each with its own name, and DNS servers answering for them.
type Hostile struct {
	PKI *PKI
	// Dir holds lab-root.pem.
	Dir string
	// DNS answers every name, but truncates every UDP answer, so that each
	// lookup must be retried over TCP. DeadDNS never answers; it is asked
	// second, so only names DNS fails on reach it.
	DNS, DeadDNS *DNSServer
	Cases        []HostileCase
}

// hostileSpec is how one case is served.
type hostileSpec struct {
	name, what string
	cert       string // hostileCert kind
	spec       ServerSpec
	dnsOnly    bool
	refused    bool
}

var hostileSpecs = []hostileSpec{
	{name: "healthy", what: "control: a correct certificate from the lab CA"},
	{name: "silent", what: "accepts the connection and never sends a byte", spec: ServerSpec{Behavior: Silent}},
	{name: "trickle", what: "sends one byte per second of a TLS record that never ends", spec: ServerSpec{Behavior: Trickle}},
	{name: "garbage", what: "answers the ClientHello with random bytes", spec: ServerSpec{Behavior: Garbage}},
	{name: "plain-http", what: "plain HTTP on 443", spec: ServerSpec{Behavior: Plaintext}},
	{name: "alert", what: "fails the handshake with a fatal alert", spec: ServerSpec{Behavior: Alert}},
	{name: "reset", what: "resets the connection mid-handshake", spec: ServerSpec{Behavior: Reset}},
	{name: "refused", what: "nothing listens on the port", refused: true},
	{name: "big-chain", what: "sends a certificate chain of more than 1 MB", cert: "big-chain"},
	{name: "many-sans", what: "a certificate with 5,000 SANs, none of them its own name", cert: "many-sans"},
	{name: "critical-ext", what: "a certificate with an unknown critical extension", cert: "critical-ext"},
	{name: "negative-serial", what: "a certificate with a negative serial number", cert: "negative-serial"},
	{name: "sha1", what: "a certificate signed with SHA-1", cert: "sha1"},
	{name: "md5", what: "a certificate signed with MD5", cert: "md5"},
	{name: "rsa1024", what: "a certificate with a 1024-bit RSA key", cert: "rsa1024"},
	{name: "evil-names", what: "terminal escape sequences in the certificate's CN and SANs", cert: "evil-names"},
	{name: "tls10", what: "TLS 1.0 only", cert: "tls10",
		spec: ServerSpec{MaxVersion: tls.VersionTLS10, CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}}},
	{name: "wrong-key", what: "sends its certificate, then signs the handshake with another key", cert: "wrong-key"},
	{name: "client-cert", what: "demands a client certificate (TLS 1.2)", spec: ServerSpec{RequireClientCert: true}},
	{name: "smtp-no-starttls", what: "SMTP that never offers STARTTLS", spec: ServerSpec{Protocol: ProtoSMTP, Behavior: NoStartTLS}},
	{name: "smtp-starttls-fails", what: "SMTP that offers STARTTLS, then refuses it", spec: ServerSpec{Protocol: ProtoSMTP, Behavior: StartTLSRefused}},
	{name: "servfail", what: "the DNS server answers SERVFAIL, the next one never answers", dnsOnly: true},
	{name: "cname-loop", what: "a CNAME loop", dnsOnly: true},
}

// StartHostile starts the hostile lab on 127.0.0.1. p issues the
// certificates; nil means the lab PKI (NewPKI).
func StartHostile(p *PKI) (_ *Hostile, err error) {
	if p == nil {
		if p, err = NewPKI(); err != nil {
			return nil, err
		}
	}
	// h stays set in the deferred cleanup: "return nil, err" clears only
	// the result.
	h := &Hostile{PKI: p}
	defer func() {
		if err != nil {
			h.Close()
		}
	}()
	if h.Dir, err = os.MkdirTemp("", "exdiag-hostile-"); err != nil {
		return nil, err
	}
	if err = os.WriteFile(h.CAFile(), p.RootPEM(), 0o644); err != nil {
		return nil, err
	}
	records := []string{
		"cname-loop." + HostileDomain + ". 300 IN CNAME loop-b." + HostileDomain + ".",
		"loop-b." + HostileDomain + ". 300 IN CNAME cname-loop." + HostileDomain + ".",
	}
	for _, hs := range hostileSpecs {
		c := HostileCase{Name: hs.name, Host: hs.name + "." + HostileDomain, What: hs.what}
		c.URL = "https://" + c.Host + "/"
		if hs.spec.Protocol == ProtoSMTP {
			c.URL = "smtp://" + c.Host
		}
		if !hs.dnsOnly {
			records = append(records, c.Host+". 300 IN A 127.0.0.1")
			if c.Port, c.server, err = p.startHostile(hs, c.Host); err != nil {
				return nil, fmt.Errorf("lab: hostile %s: %w", hs.name, err)
			}
		}
		h.Cases = append(h.Cases, c)
	}
	if h.DNS, err = StartDNS(DNSSpec{Records: records, ServFail: []string{"servfail." + HostileDomain}, TruncateUDP: true}); err != nil {
		return nil, err
	}
	if h.DeadDNS, err = StartDNS(DNSSpec{Silent: true}); err != nil {
		return nil, err
	}
	return h, nil
}

func (p *PKI) startHostile(hs hostileSpec, host string) (int, *Server, error) {
	if hs.refused {
		port, err := freePort()
		return port, nil, err
	}
	cert, err := p.hostileCert(hs.cert, host)
	if err != nil {
		return 0, nil, err
	}
	spec := hs.spec
	spec.Addr, spec.Certs, spec.Banner = "127.0.0.1:0", map[string]tls.Certificate{"": cert}, host
	s, err := StartServer(spec)
	if err != nil {
		return 0, nil, err
	}
	return s.Port(), s, nil
}

// CAFile is the lab root's path, for --ca-file.
func (h *Hostile) CAFile() string { return filepath.Join(h.Dir, "lab-root.pem") }

// Case returns the case named name, or false.
func (h *Hostile) Case(name string) (HostileCase, bool) {
	for _, c := range h.Cases {
		if c.Name == name {
			return c, true
		}
	}
	return HostileCase{}, false
}

// URLs are the URLs of every case but those named in exclude, for --url.
func (h *Hostile) URLs(exclude ...string) []string {
	var out []string
	for _, c := range h.Cases {
		if !slices.Contains(exclude, c.Name) {
			out = append(out, c.URL)
		}
	}
	return out
}

// ConnectTo are the --connect-to rules that send each case's port to its
// listener (the address still comes from DNS), but for the cases named in
// exclude.
func (h *Hostile) ConnectTo(exclude ...string) []string {
	var out []string
	for _, c := range h.Cases {
		if c.Port == 0 || slices.Contains(exclude, c.Name) {
			continue
		}
		port := 443
		if c.server != nil && c.server.spec.Protocol == ProtoSMTP {
			port = 25
		}
		out = append(out, c.Host+":"+strconv.Itoa(port)+"::"+strconv.Itoa(c.Port))
	}
	return out
}

// CheckArgs point `exdiag check` at every case but those named in
// exclude, with public flags only.
func (h *Hostile) CheckArgs(exclude ...string) []string {
	var args []string
	for _, u := range h.URLs(exclude...) {
		args = append(args, "--url", u)
	}
	args = append(args, "--dns-server", h.DNS.Addr(), "--dns-server", h.DeadDNS.Addr(),
		"--ca-file", h.CAFile(), "--as-of", Clock.Format(time.RFC3339))
	for _, r := range h.ConnectTo(exclude...) {
		args = append(args, "--connect-to", r)
	}
	return args
}

// Close stops every server and removes the lab's files.
func (h *Hostile) Close() error {
	var errs []error
	for _, c := range h.Cases {
		if c.server != nil {
			errs = append(errs, c.server.Close())
		}
	}
	for _, d := range []*DNSServer{h.DNS, h.DeadDNS} {
		if d != nil {
			errs = append(errs, d.Close())
		}
	}
	if h.Dir != "" {
		errs = append(errs, os.RemoveAll(h.Dir))
	}
	return errors.Join(errs...)
}
