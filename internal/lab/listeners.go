package lab

import (
	"slices"
	"strconv"
	"strings"
)

// listener is one port a server answers on: what it speaks there and the
// certificate (by id) it presents.
type listener struct {
	port  int
	proto Protocol
	cert  string
	// off is a service that is configured but not started: nothing
	// listens, yet clients are told its port.
	off bool
	// noTLS is an SMTP connector whose TlsCertificateName names a
	// certificate the server does not present: Exchange stops offering
	// STARTTLS there (KB 2989382).
	noTLS bool
}

// listeners are the ports a server answers on, as Exchange would: the web
// site on 443; each receive connector's ports, internal connectors with the
// server's self-signed (internal transport) certificate and the others with
// Serves.SMTP; POP3 (995, 110) and IMAP4 (993, 143) only when enabled. An
// Edge server answers nothing the lab's clients use.
func (s *ExchangeServer) listeners() []listener {
	if s.Roles == roleEdge {
		return nil
	}
	self := s.selfSigned()
	pick := func(id string) string {
		if id == "" {
			return self
		}
		return id
	}
	var out []listener
	add := func(port int, proto Protocol, cert string, off ...bool) {
		if !slices.ContainsFunc(out, func(l listener) bool { return l.port == port }) {
			out = append(out, listener{port: port, proto: proto, cert: cert, off: len(off) > 0 && off[0]})
		}
	}
	if len(s.VDirs) > 0 || s.SCP != "" {
		add(443, ProtoTLS, pick(s.Serves.IIS))
	}
	for _, r := range s.Receive {
		cert := pick(s.Serves.SMTP)
		if r.Internal {
			cert = self
		}
		for _, p := range bindingPorts(r.Bindings) {
			add(p, ProtoSMTP, cert)
			if i := slices.IndexFunc(out, func(l listener) bool { return l.port == p }); r.TLSCert != "" && r.TLSCert != cert && out[i].cert == cert {
				out[i].noTLS = true
			}
		}
	}
	mail := pick(s.Serves.POPIMAP)
	if s.POP != nil {
		add(995, ProtoTLS, mail, !s.POP.Enabled)
		add(110, ProtoPOP3, mail, !s.POP.Enabled)
	}
	if s.IMAP != nil {
		add(993, ProtoTLS, mail, !s.IMAP.Enabled)
		add(143, ProtoIMAP, mail, !s.IMAP.Enabled)
	}
	return out
}

// bindingPorts reads the ports of "ip:port" bindings ("[::]:25").
func bindingPorts(bindings []string) []int {
	var ports []int
	for _, b := range bindings {
		i := strings.LastIndexByte(b, ':')
		if p, err := strconv.Atoi(b[i+1:]); err == nil && !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return ports
}

// ports lists every port a server of the organisation answers on or tells
// clients about, with its protocol, in ascending order: the lab maps each
// to a port of its own, so that a service that is off is refused there and
// not answered by something else on the machine.
func (o *Org) ports() []listener {
	var out []listener
	for _, s := range o.Servers {
		for _, l := range s.listeners() {
			if !slices.ContainsFunc(out, func(x listener) bool { return x.port == l.port }) {
				out = append(out, listener{port: l.port, proto: l.proto})
			}
		}
	}
	slices.SortFunc(out, func(a, b listener) int { return a.port - b.port })
	return out
}
