package lab

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/go-ldap/ldap/v3"
)

// LDAPAttr is one attribute of a lab directory entry.
type LDAPAttr struct {
	Name   string // returned with this spelling, as AD returns its schema casing
	Values []string
}

// LDAPEntry is one object of the lab directory. The lab keeps its own type,
// so that it does not depend on the package that reads directories.
type LDAPEntry struct {
	DN    string
	Attrs []LDAPAttr
}

func (e *LDAPEntry) values(name string) []string {
	if i := strings.IndexByte(name, ';'); i > 0 {
		name = name[:i]
	}
	var out []string
	for _, a := range e.Attrs {
		if strings.EqualFold(a.Name, name) {
			out = append(out, a.Values...)
		}
	}
	return out
}

// LDAPSpec describes a lab domain controller.
type LDAPSpec struct {
	// Addr is the plain LDAP listener; empty picks a free 127.0.0.1 port.
	Addr string
	// LDAPSAddr is the LDAPS listener, started when TLS is set; empty picks
	// a free 127.0.0.1 port.
	LDAPSAddr string
	Entries   []LDAPEntry
	// ConfigNC and DefaultNC fill the RootDSE (configurationNamingContext,
	// defaultNamingContext, rootDomainNamingContext); DNSHostName names the DC.
	ConfigNC, DefaultNC, DNSHostName string
	// Users maps bind names (DOMAIN\user, user@domain, DNs: every form that
	// should work) to passwords. Names compare case-insensitively.
	Users map[string]string
	// AllowAnonymous lets unbound connections search; the RootDSE is
	// always readable, as in AD.
	AllowAnonymous bool
	// RequireTLSForBind answers simple and NTLM binds without TLS with
	// strongAuthRequired, as AD and Samba do when LDAP signing is required.
	RequireTLSForBind bool
	// TLS enables StartTLS and the LDAPS listener.
	TLS *tls.Config
	// MaxPageSize caps each page and unpaged results, like AD's
	// MaxPageSize; 0 means 1000.
	MaxPageSize int
	// RepeatCookie makes paged searches return the first page and the same
	// cookie forever, to test clients against a broken server.
	RepeatCookie bool
	// NTLM answers Microsoft's NTLM bind (sicily, what --auth ntlm sends)
	// on both listeners, checking NTLMv2 responses against Users'
	// passwords; see ldapbind.go. Without it the sicily choices are
	// answered authMethodNotSupported.
	NTLM bool
	// EchoPassword quotes the password of a refused simple bind in the
	// diagnostic message, as some LDAP proxies and appliances do: exdiag
	// must never print it.
	EchoPassword bool
}

// LDAPServer is a running lab domain controller: an LDAP server of the
// lab's own (ldaplistener.go and the files beside it) that answers what
// exdiag, go-ldap and Windows' LDAP client send a DC, and nothing more. It
// refuses and records every write: the reader under test must never send
// one.
type LDAPServer struct {
	spec    LDAPSpec
	entries []ldapEntry
	rootDSE LDAPEntry
	ntlm    *ntlmServer // spec.NTLM
	plain   net.Listener
	secure  net.Listener // LDAPS: TLS starts on each accepted connection

	mu         sync.Mutex
	searches   int
	binds      []string
	violations []string
	// conns are the connections being served; closed stops new ones, so
	// that wg.Add never runs while Close waits.
	conns  map[*ldapConn]bool
	closed bool
	wg     sync.WaitGroup
}

type ldapEntry struct {
	LDAPEntry
	dn *ldap.DN
}

// StartLDAP starts the listeners and returns once they accept connections.
func StartLDAP(spec LDAPSpec) (*LDAPServer, error) {
	s, err := newLDAPServer(spec)
	if err != nil {
		return nil, err
	}
	if s.plain, err = s.listen(s.spec.Addr, false); err != nil {
		return nil, err
	}
	if s.spec.TLS != nil {
		if s.secure, err = s.listen(s.spec.LDAPSAddr, true); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// newLDAPServer makes the server's directory, before it listens.
func newLDAPServer(spec LDAPSpec) (*LDAPServer, error) {
	if spec.MaxPageSize <= 0 {
		spec.MaxPageSize = 1000
	}
	if spec.DefaultNC == "" {
		spec.DefaultNC = strings.TrimPrefix(spec.ConfigNC, "CN=Configuration,")
	}
	s := &LDAPServer{spec: spec, rootDSE: rootDSE(spec), conns: map[*ldapConn]bool{}}
	for _, e := range spec.Entries {
		dn, err := ldap.ParseDN(e.DN)
		if err != nil {
			return nil, fmt.Errorf("lab ldap: entry %q: %w", e.DN, err)
		}
		s.entries = append(s.entries, ldapEntry{e, dn})
	}
	if spec.NTLM {
		s.ntlm = ntlmFor(spec)
	}
	return s, nil
}

// Addr is the plain LDAP (and StartTLS) address, host:port.
func (s *LDAPServer) Addr() string { return s.plain.Addr().String() }

// LDAPSAddr is the LDAPS address, or "" without TLS.
func (s *LDAPServer) LDAPSAddr() string {
	if s.secure == nil {
		return ""
	}
	return s.secure.Addr().String()
}

// Searches counts search requests (each page is one).
func (s *LDAPServer) Searches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.searches
}

// Binds lists the names of successful binds, simple or NTLM, in order.
func (s *LDAPServer) Binds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.binds...)
}

// Violations lists the write operations clients attempted. A test or a lab
// run must fail when it is not empty.
func (s *LDAPServer) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

func (s *LDAPServer) violation(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

func (s *LDAPServer) countSearch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.searches++
}

func (s *LDAPServer) bound(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.binds = append(s.binds, name)
}

func rootDSE(spec LDAPSpec) LDAPEntry {
	ext := []string{"1.3.6.1.4.1.4203.1.11.3"}
	if spec.TLS != nil {
		ext = append(ext, "1.3.6.1.4.1.1466.20037")
	}
	schema := "CN=Schema," + spec.ConfigNC
	return LDAPEntry{DN: "", Attrs: []LDAPAttr{
		{"configurationNamingContext", []string{spec.ConfigNC}},
		{"defaultNamingContext", []string{spec.DefaultNC}},
		{"rootDomainNamingContext", []string{spec.DefaultNC}},
		{"schemaNamingContext", []string{schema}},
		{"namingContexts", []string{spec.DefaultNC, spec.ConfigNC, schema}},
		{"dnsHostName", []string{spec.DNSHostName}},
		{"supportedLDAPVersion", []string{"3", "2"}},
		// paged results, server-side sort, SD flags, show deleted
		{"supportedControl", []string{"1.2.840.113556.1.4.319", "1.2.840.113556.1.4.473", "1.2.840.113556.1.4.801", "1.2.840.113556.1.4.417"}},
		{"supportedExtension", ext},
		{"supportedSASLMechanisms", []string{"GSSAPI", "GSS-SPNEGO", "EXTERNAL", "DIGEST-MD5"}},
	}}
}
