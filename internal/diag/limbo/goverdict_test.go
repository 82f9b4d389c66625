package limbo_test

import (
	"crypto/x509"
)

// goVerdict is what a Go program verifying the case with crypto/x509
// says: Verify for a serverAuth path at the validation time, then
// VerifyHostname. Certificates Go cannot parse are left out of the pools,
// as CertPool.AppendCertsFromPEM leaves them out.
func goVerdict(c *limboCase) verdict {
	at, err := c.at()
	if err != nil {
		return verdict{why: err.Error()}
	}
	der, err := decodePEM(c.PeerCertificate)
	if err != nil {
		return verdict{why: err.Error()}
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return verdict{why: err.Error()}
	}
	pool := func(pems []string) *x509.CertPool {
		p := x509.NewCertPool()
		for _, s := range pems {
			p.AppendCertsFromPEM([]byte(s))
		}
		return p
	}
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots:         pool(c.TrustedCerts),
		Intermediates: pool(c.UntrustedIntermediates),
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err == nil {
		err = leaf.VerifyHostname(c.peer())
	}
	if err != nil {
		return verdict{why: err.Error()}
	}
	return verdict{accept: true}
}
