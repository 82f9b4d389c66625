package lab

import (
	"bytes"
	"testing"
)

// The lab's certificates must be byte-identical on every run: the demo's
// thumbprints and the golden files depend on it.
func TestLabPKIIsDeterministic(t *testing.T) {
	a, err := NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewPKI()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Root.Cert.Raw, b.Root.Cert.Raw) || !bytes.Equal(a.Issuing.Cert.Raw, b.Issuing.Cert.Raw) {
		t.Fatal("lab CA certificates differ between runs")
	}
	la, err := a.Leaf("mail.contoso.com", []string{"mail.contoso.com"}, Clock, Clock.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	lb, _ := b.Leaf("mail.contoso.com", []string{"mail.contoso.com"}, Clock, Clock.AddDate(1, 0, 0))
	if !bytes.Equal(la.Leaf.Raw, lb.Leaf.Raw) {
		t.Fatal("lab leaf certificates differ between runs")
	}
	sa, _ := a.ExchangeDefault("EX03", "ex03.contoso.local", Clock.AddDate(-1, -1, 0), 1)
	sb, _ := b.ExchangeDefault("EX03", "ex03.contoso.local", Clock.AddDate(-1, -1, 0), 1)
	if !bytes.Equal(sa.Leaf.Raw, sb.Leaf.Raw) {
		t.Fatal("lab self-signed certificates differ between runs")
	}
}
