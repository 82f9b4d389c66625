package probe

import (
	"crypto/x509"
	"net/netip"
	"time"

	"github.com/exdiag/exdiag/internal/inventory"
)

// Observations is everything the prober saw, keyed so that diag can join
// each endpoint to the DNS answer for its host and the handshake it used.
type Observations struct {
	// Endpoints has one entry per input endpoint, in input order.
	Endpoints []EndpointObservation
	// DNS holds one lookup per distinct host name (Target.Host).
	DNS map[string]*DNSResult
	// Handshakes holds one TLS observation per distinct HandshakeKey.
	Handshakes map[HandshakeKey]*Handshake
	// Servers are the per-server probes of shared names (PlanServerProbes).
	Servers []ServerObservation
	// Autodiscover holds the Autodiscover DNS records of accepted domains.
	Autodiscover map[string]*AutodiscoverDNS
	// DNSServers are the servers asked, as ip:port.
	DNSServers []string
	// Outside is what the Autodiscover URLs clients outside the domain try
	// (OutsideEndpoints) showed, observed with the DNS servers such clients
	// use (--external-dns-server); nil when not probed.
	Outside *Observations
	// Revocation says, per certificate of the chains observed (CertKey),
	// where its revocation status is published and what each source said.
	Revocation map[string]*CertRevocation
	// Stats count the work done, for the summary and the benchmark.
	Stats Stats
	// Local is the first exchange that failed because this machine ran out
	// of a resource (a *LocalError), after retries: the observations are
	// then incomplete through no fault of the servers.
	Local error
}

// Stats counts the prober's work.
type Stats struct {
	DNSLookups int
	// DNSAnswers counts the queries a DNS server answered with anything but
	// REFUSED: none at all, with lookups made, means no server is usable.
	DNSAnswers int
	Handshakes int
	DNSTime    time.Duration
	TLSTime    time.Duration
	// Fetches counts the HTTP fetches of CRLs, OCSP answers and AIA
	// certificates, each URL once; FetchTime is that phase's duration.
	Fetches   int
	FetchTime time.Duration
}

// EndpointObservation ties one input endpoint to its observations.
type EndpointObservation struct {
	// Endpoint is the input endpoint, shared with the caller's slice
	// rather than copied: 65,000 endpoints of a large organisation are
	// 12 MB.
	Endpoint *inventory.Endpoint
	Target   Target
	// ParseErr is set when the URL could not be parsed; nothing else is.
	ParseErr error
	// Pin says how the connect address was chosen when not from DNS:
	// "resolve" (--resolve) or "connect-to" (--connect-to); "" otherwise.
	Pin string
	// Handshake is the key of the handshake made for this endpoint; the zero
	// key when none was attempted (plain http, bad URL, no address).
	Handshake HandshakeKey
}

// HandshakeKey identifies one TLS handshake: exdiag makes exactly one per
// distinct (address, SNI, protocol), however many URLs share it.
type HandshakeKey struct {
	Address  string // ip:port connected to
	SNI      string
	StartTLS StartTLS
}

// Zero reports whether no handshake was attempted.
func (k HandshakeKey) Zero() bool { return k == HandshakeKey{} }

// ErrorKind classifies why a connection produced no certificate.
type ErrorKind string

// Error kinds. "unreachable" kinds fail before any byte is exchanged.
const (
	ErrRefused         ErrorKind = "refused"          // connection refused
	ErrConnectTimeout  ErrorKind = "connect-timeout"  // no TCP answer within --timeout
	ErrUnreachable     ErrorKind = "unreachable"      // no route, host down, other dial errors
	ErrTimeout         ErrorKind = "timeout"          // connected, but the exchange did not finish within --timeout
	ErrReset           ErrorKind = "reset"            // connection reset or closed mid-exchange
	ErrHandshake       ErrorKind = "handshake"        // TLS alert or protocol failure
	ErrPlaintext       ErrorKind = "plaintext"        // the server answered in clear text where TLS was expected
	ErrStartTLSMissing ErrorKind = "starttls-missing" // the server did not offer STARTTLS
	ErrStartTLSFailed  ErrorKind = "starttls-failed"  // the server refused the STARTTLS command
	ErrProtocol        ErrorKind = "protocol"         // garbage where SMTP/IMAP/POP3 was expected
	ErrLocal           ErrorKind = "local"            // this machine ran out of descriptors, buffers or ports: no verdict on the server
	// After the server sent its certificate:
	ErrClientCert  ErrorKind = "client-certificate"  // the server demanded a client certificate
	ErrServerProof ErrorKind = "server-proof-failed" // the server could not prove it holds the certificate's key
)

// AfterCertificate reports a failure that came after the server sent its
// certificate: no client can connect, whatever the certificate.
func (k ErrorKind) AfterCertificate() bool { return k == ErrClientCert || k == ErrServerProof }

// Unreachable reports whether the kind means no connection was made at all.
func (k ErrorKind) Unreachable() bool {
	return k == ErrRefused || k == ErrConnectTimeout || k == ErrUnreachable
}

// ConnError is a failed connection or handshake, as observed.
type ConnError struct {
	Kind   ErrorKind
	Detail string // lower case, for humans: "remote error: tls: protocol version not supported"
}

func (e *ConnError) Error() string { return string(e.Kind) + ": " + e.Detail }

// Handshake is what one TLS connection showed.
type Handshake struct {
	Key HandshakeKey
	// Chain is the served chain, leaf first, exactly as sent.
	Chain []*x509.Certificate
	// Version and CipherSuite are what was negotiated (tls.VersionTLS12, ...).
	Version     uint16
	CipherSuite uint16
	Err         *ConnError
	Trust       Trust
	Duration    time.Duration
}

// TrustReason classifies a chain that does not verify.
type TrustReason string

// Trust reasons.
const (
	TrustOK               TrustReason = ""
	TrustUnknownAuthority TrustReason = "unknown-authority" // the chain ends in a root this machine does not trust
	TrustIncompleteChain  TrustReason = "incomplete-chain"  // the chain stops at a certificate whose issuer was not sent and is not trusted
	TrustWrongUsage       TrustReason = "wrong-key-usage"   // no serverAuth extended key usage
	TrustInvalid          TrustReason = "invalid"           // anything else crypto/x509 rejects
)

// Trust is the result of verifying the served chain against the system roots
// plus --ca-file, separately from the handshake. Expiry is judged on its own
// (diag), so a chain that is only expired still verifies here.
type Trust struct {
	Verified bool
	Reason   TrustReason
	Detail   string
	// Chain is the verified chain (leaf to root) when Verified.
	Chain []*x509.Certificate
	// Chains are every path crypto/x509 verified, Chain first: clients
	// pick one of them, so a served certificate on none is used by none.
	Chains [][]*x509.Certificate
	// AIA lists the caIssuers fetches made for a chain that stopped short
	// of a trusted root; CompletedByAIA says they completed it: Windows
	// clients fetch the missing intermediate, other clients fail.
	AIA            []AIAFetch
	CompletedByAIA bool
}

// DNSStatus is the outcome of looking a host name up.
type DNSStatus string

// DNS statuses.
const (
	DNSFound    DNSStatus = "found"
	DNSNXDomain DNSStatus = "nxdomain" // the name does not exist
	DNSNoData   DNSStatus = "nodata"   // the name exists but has no A, AAAA or CNAME
	DNSNoAnswer DNSStatus = "noanswer" // no server answered within --timeout
	DNSServFail DNSStatus = "servfail" // servers answered SERVFAIL or REFUSED
	DNSSkipped  DNSStatus = "skipped"  // IP literal
)

// DNSResult is one host name looked up at the DNS servers in use.
type DNSResult struct {
	Host string
	// Name is the fully qualified name that answered (after the search list
	// for single-label names), or the last one tried.
	Name   string
	Status DNSStatus
	Addrs  []netip.Addr
	// CNAMEs is the alias chain followed, in order.
	CNAMEs []string
	// Server is the server whose answer was used.
	Server string
	Detail string
}
