package cli

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/term"
)

// DirectoryOptions are the flags that say where Exchange's configuration
// is read from when no --url is given.
type DirectoryOptions struct {
	LDAPURL           string
	Domain            string
	Auth              string
	User              string
	PasswordStdin     bool
	AllowInsecureBind bool
	NoStartTLS        bool
	LDIF              string
	Servers           []string
	NoInternal        bool
	NoExternal        bool
}

func (d *DirectoryOptions) validate() error {
	if _, err := ad.ParseAuth(d.Auth); err != nil {
		return usageErrorf("use --auth negotiate, kerberos, ntlm, simple or anonymous", "%s", err)
	}
	if d.NoInternal && d.NoExternal {
		return usageErrorf("drop one of them", "--no-internal and --no-external together leave nothing to check")
	}
	if d.LDAPURL != "" {
		l := strings.ToLower(d.LDAPURL)
		if !strings.HasPrefix(l, "ldap://") && !strings.HasPrefix(l, "ldaps://") {
			return usageErrorf("e.g. --ldap-url ldaps://dc01.contoso.com", "--ldap-url %q must start with ldap:// or ldaps://", d.LDAPURL)
		}
	}
	return nil
}

// readOrg reads the organisation from --ldif, or from the directory.
func (o *CheckOptions) readOrg(ctx context.Context, dnsServers []string, roots *x509.CertPool) (*inventory.Org, ad.Stats, error) {
	d := &o.Dir
	filter := ad.Filter{Servers: d.Servers, NoInternal: d.NoInternal, NoExternal: d.NoExternal}
	if d.LDIF != "" {
		f, err := os.Open(d.LDIF)
		if err != nil {
			return nil, ad.Stats{}, runError(fmt.Errorf("read --ldif: %w", err), `export the configuration with: ldifde -f exchange.ldf -d "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"`)
		}
		defer f.Close()
		org, stats, err := ad.ReadLDIFOrg(f, filter)
		var ae *ad.Error
		switch {
		case errors.As(err, &ae):
			return nil, stats, directoryError(err)
		case err != nil:
			return nil, stats, runError(fmt.Errorf("--ldif %s: %w", d.LDIF, err), "give the file ldifde wrote, unedited")
		}
		return org, stats, nil
	}
	auth, _ := ad.ParseAuth(d.Auth)
	co := ad.ConnectOptions{
		URL: d.LDAPURL, Domain: d.Domain, DNSServers: dnsServers, NoStartTLS: d.NoStartTLS,
		Auth: auth, User: d.User, AllowInsecureBind: d.AllowInsecureBind,
		Roots: roots, Timeout: o.Timeout, Dialer: o.Dialer,
	}
	pw, err := o.password()
	if err != nil {
		return nil, ad.Stats{}, err
	}
	co.Password = pw
	// A DC or proxy may quote the password back in an error: it is removed
	// from all output from here on.
	o.IO.Redact(pw)
	if o.IO.StdinTTY() || o.IO.StderrTTY() {
		co.PasswordPrompt = o.progress.Prompting(func(prompt string) (string, error) {
			pw, err := o.IO.ReadPassword(prompt)
			o.IO.Redact(pw)
			return pw, err
		})
	}
	org, stats, err := ad.Read(ctx, co, filter)
	if err != nil {
		return nil, stats, directoryError(err)
	}
	if o.IO.StderrTTY() {
		defer o.progress.Hold()() // a line of its own, not after the progress line
		fmt.Fprintf(o.IO.ErrOut, "exdiag: read %s of %s from %s (%s, %s)\n", count(len(org.Endpoints), "URL"),
			count(len(org.Servers), "server"), stats.DC, count(stats.Searches, "search"), count(stats.Pages, "page"))
	}
	return org, stats, nil
}

// password reads --password-stdin or EXDIAG_PASSWORD. The value is never
// printed, logged, or put into an error.
func (o *CheckOptions) password() (string, error) {
	if o.Dir.PasswordStdin {
		line, err := bufio.NewReader(o.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return "", usageErrorf("pipe the password in, e.g. Get-Content pw.txt | exdiag check --user CONTOSO\\helpdesk --password-stdin", "--password-stdin: nothing to read on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	return o.IO.Getenv("EXDIAG_PASSWORD"), nil
}

// directoryError turns a reader error into exit code 3 with its hint.
func directoryError(err error) error {
	var ae *ad.Error
	if errors.As(err, &ae) {
		hints := []string{}
		if ae.Hint != "" {
			hints = append(hints, ae.Hint)
		}
		if errors.Is(err, term.ErrNoTerminal) {
			hints = append(hints, "give the password with --password-stdin or EXDIAG_PASSWORD, or use integrated login (--auth negotiate without --user)")
		}
		return runError(err, hints...)
	}
	return runError(err)
}

// count writes "1 server", "2 servers", "3 searches".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "ch") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
