package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/exdiag/exdiag/internal/probe"
	"github.com/exdiag/exdiag/internal/remedy"
	"github.com/exdiag/exdiag/internal/report"
	"github.com/exdiag/exdiag/internal/safetext"
	"github.com/exdiag/exdiag/internal/term"
)

// CheckOptions are the dependencies and flags of `exdiag check`.
type CheckOptions struct {
	IO        *term.IO
	Now       func() time.Time
	Dialer    probe.Dialer
	SystemDNS func() ([]string, []string, error)
	Version   string

	Dir        DirectoryOptions
	URLs       []string
	DNSServers []string
	// ExternalDNSServers resolve the Autodiscover names clients outside
	// the domain try (--external-dns-server); empty means DNSServers.
	ExternalDNSServers []string
	DNSSearch          []string
	AsOf               string
	Resolve            []string
	ConnectTo          []string
	CAFiles            []string
	WarnDays           int
	Expect             []string
	Concurrency        int
	Timeout            time.Duration
	TargetHost         string
	Format             string
	Color              string
	FailOn             string
	Stats              bool
	Verbose            bool
	Script             string
	Force              bool
	// NoRevocation skips CRL and OCSP fetches (--no-revocation).
	NoRevocation bool

	// progress is the run's progress line, held while a password is asked.
	progress *term.Progress
}

const checkLong = `Check the certificate, name and DNS of every Exchange URL.

Each URL is resolved at the DNS servers in use, connected to (SNI = the URL's
host), and the certificate it serves is judged: names (RFC 6125), expiry,
trust, self-signed, legacy TLS. URL schemes: https (443), smtp (STARTTLS, 25),
imaps (993), imap (STARTTLS, 143), pop3s (995), pop3 (STARTTLS, 110); a bare
host name means https://HOST/.

URLs come from the arguments and --url; without any, from Active Directory.

Exit codes (the same in every --format but nagios, which uses the
monitoring-plugin codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN):
  0    checks ran; no finding at or above --fail-on
  1    findings at or above --fail-on
  2    usage error (bad flag or value, a URL that cannot be parsed)
  3    could not run at all (e.g. unreadable --ca-file, --script file exists)
  130  interrupted (Ctrl+C)
An unreachable endpoint is a finding, not exit code 3; so is a URL read
from the directory that cannot be parsed.`

const checkExample = `  exdiag check mail.contoso.com owa.contoso.com
  exdiag check --url https://mail.contoso.com/owa --url ex01.contoso.local
  exdiag check --url mail.contoso.com --dns-server 10.0.0.10 --ca-file corp-root.pem
  exdiag check --url mail.contoso.com --resolve mail.contoso.com:443:10.0.0.21 --expect-thumbprint 3BFBD8DF...
  exdiag check --url smtp://ex01.contoso.com --format json --fail-on warning`

// NewCmdCheck builds `exdiag check`.
func NewCmdCheck(f *Factory) *cobra.Command {
	opts := &CheckOptions{IO: f.IO, Now: f.Now, Dialer: f.Dialer, SystemDNS: f.SystemDNS, Version: f.Version}
	cmd := &cobra.Command{
		Use:     "check [URL...]",
		Short:   "Check the certificate, name and DNS of every Exchange URL",
		Long:    checkLong,
		Example: checkExample,
		Args:    cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && (opts.Dir.LDIF != "" || opts.Dir.LDAPURL != "" || len(opts.Dir.Servers) > 0) {
				return usageErrorf("give URLs to check, or where to read them (--ldif, --ldap-url, --server), not both",
					"URL arguments and --ldif, --ldap-url or --server exclude each other")
			}
			opts.URLs = append(opts.URLs, args...)
			if err := opts.validate(); err != nil {
				return err
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&opts.URLs, "url", nil, "URL or host name to check (repeatable); without it, URLs are read from Active Directory")
	fl.StringVar(&opts.Dir.LDAPURL, "ldap-url", "", "domain controller `ldap://HOST[:PORT]` (StartTLS) or ldaps://HOST[:PORT] (default: found through DNS)")
	fl.StringVar(&opts.Dir.Domain, "domain", "", "AD DNS `DOMAIN` to find a domain controller in (default: this machine's domain)")
	fl.StringVar(&opts.Dir.Auth, "auth", "negotiate", "bind with `MODE`: negotiate, kerberos, ntlm, simple or anonymous")
	fl.StringVar(&opts.Dir.User, "user", "", "bind as `USER` (DOMAIN\\user, user@domain or a DN); the password comes from a prompt, --password-stdin or EXDIAG_PASSWORD")
	fl.BoolVar(&opts.Dir.PasswordStdin, "password-stdin", false, "read the bind password from the first line of standard input")
	fl.BoolVar(&opts.Dir.AllowInsecureBind, "allow-insecure-bind", false, "allow a bind that sends a password over an unencrypted connection")
	fl.BoolVar(&opts.Dir.NoStartTLS, "no-starttls", false, "with an ldap:// URL, do not upgrade the connection with StartTLS")
	fl.StringVar(&opts.Dir.LDIF, "ldif", "", "read Exchange's configuration from an ldifde export `FILE` instead of the directory")
	fl.StringArrayVar(&opts.Dir.Servers, "server", nil, "check only the URLs of Exchange server `NAME` (repeatable)")
	fl.BoolVar(&opts.Dir.NoInternal, "no-internal", false, "skip InternalUrls and the Autodiscover SCP")
	fl.BoolVar(&opts.Dir.NoExternal, "no-external", false, "skip ExternalUrls and the Autodiscover URLs clients outside the domain try")
	fl.StringArrayVar(&opts.DNSServers, "dns-server", nil, "DNS server `ADDR[:PORT]` to resolve with (repeatable; default: the system's)")
	fl.StringArrayVar(&opts.ExternalDNSServers, "external-dns-server", nil, "DNS server `ADDR[:PORT]` clients outside the domain use, e.g. a public resolver, for their Autodiscover lookups (repeatable; default: those of --dns-server)")
	fl.StringArrayVar(&opts.DNSSearch, "dns-search", nil, "DNS `SUFFIX` appended to single-label names such as https://EX07/ (repeatable; default: the system's search list)")
	fl.StringVar(&opts.AsOf, "as-of", "", "judge certificate validity and expiry as of `TIME` (RFC 3339 or YYYY-MM-DD) instead of now")
	fl.StringArrayVar(&opts.Resolve, "resolve", nil, "connect to `HOST:PORT:ADDR` instead of resolving HOST, as curl does (repeatable)")
	fl.StringArrayVar(&opts.ConnectTo, "connect-to", nil, "connect to `HOST:PORT:CONNECT_HOST:CONNECT_PORT` instead, as curl does (repeatable)")
	fl.StringArrayVar(&opts.CAFiles, "ca-file", nil, "PEM `FILE` of extra trusted roots, e.g. the enterprise CA (repeatable)")
	fl.IntVar(&opts.WarnDays, "warn-days", 30, "warn when a certificate expires within `DAYS`")
	fl.StringArrayVar(&opts.Expect, "expect-thumbprint", nil, "SHA-1 `THUMBPRINT` every endpoint must serve, as Get-ExchangeCertificate prints it (repeatable)")
	// 32 measured best with make bench on 2 cores (1000 servers): TLS phase
	// 1.74 s at 32, 1.99 s at 8 (CPU idle while waiting), 2.09 s at 128 (the
	// handshake crypto contends, and memory grows by a third). A server
	// that never answers holds its connection until --timeout, so D dead
	// endpoints cost about ceil(D/N) timeouts (make bench measures it).
	fl.IntVar(&opts.Concurrency, "concurrency", probe.DefaultConcurrency, "at most `N` network exchanges in progress at once: connections (dial, STARTTLS and TLS handshake), DNS lookups, CRL, OCSP and AIA fetches; a server that never answers holds its place until --timeout")
	fl.DurationVar(&opts.Timeout, "timeout", 5*time.Second, "deadline for each DNS query and each connection")
	fl.StringVar(&opts.TargetHost, "target-host", "", "host `NAME` fixes move URLs to (default: chosen from the certificate served)")
	fl.StringVar(&opts.Format, "format", "text", "output `FORMAT`: "+report.FormatNames)
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "also list every URL, the directory objects (with DNs), the fix explanations, endpoints and certificates")
	fl.StringVar(&opts.Color, "color", "auto", "colour text output: auto, always or never (NO_COLOR is honoured)")
	fl.StringVar(&opts.FailOn, "fail-on", "error", "exit 1 when a finding is at or above `LEVEL`: error, warning or never")
	fl.BoolVar(&opts.Stats, "stats", false, "print the time and counts of each phase to stderr")
	fl.StringVar(&opts.Script, "script", "", "also write every fix as a commented PowerShell script to `FILE`, to review and schedule")
	fl.BoolVar(&opts.Force, "force", false, "let --script overwrite an existing file")
	fl.BoolVar(&opts.NoRevocation, "no-revocation", false, "do not fetch CRLs and OCSP answers (air-gapped runs): revocation is then not judged")
	registerCheckCompletions(cmd)
	cmd.MarkFlagsMutuallyExclusive("url", "ldif")
	cmd.MarkFlagsMutuallyExclusive("url", "ldap-url")
	cmd.MarkFlagsMutuallyExclusive("ldif", "ldap-url")
	cmd.MarkFlagsMutuallyExclusive("url", "server")
	return cmd
}

func (o *CheckOptions) validate() error {
	if _, err := report.ParseFormat(o.Format); err != nil {
		return usageErrorf("use --format "+report.FormatNames, "%s", err)
	}
	if _, err := term.ParseColorMode(o.Color); err != nil {
		return usageErrorf("use --color auto, always or never", "%s", err)
	}
	if _, _, err := parseFailOn(o.FailOn); err != nil {
		return err
	}
	if _, err := o.clock(); err != nil {
		return err
	}
	if o.WarnDays < 0 {
		return usageErrorf("", "--warn-days %d is negative", o.WarnDays)
	}
	if o.Timeout <= 0 {
		return usageErrorf("e.g. --timeout 5s", "--timeout %s must be positive", o.Timeout)
	}
	if o.Concurrency < 1 {
		return usageErrorf("", "--concurrency %d must be at least 1", o.Concurrency)
	}
	for _, u := range o.URLs {
		// A typo on the command line is the user's to fix, not a finding:
		// CI must tell it from a broken certificate.
		if _, err := probe.ParseTarget(u); err != nil {
			return usageErrorf(urlHint, "%q is not a URL exdiag can check: %s", safetext.MaskURLPassword(u), strings.TrimPrefix(err.Error(), probe.ErrBadURL.Error()+": "))
		}
	}
	if o.TargetHost != "" && (!safetext.HostName(o.TargetHost) || !strings.Contains(o.TargetHost, ".")) {
		return usageErrorf("give a fully qualified DNS name the certificate covers, e.g. --target-host mail.contoso.com", "--target-host %q is not a DNS host name", o.TargetHost)
	}
	for _, s := range o.ExternalDNSServers {
		if _, err := normalizeDNSServer("external-dns-server", s); err != nil {
			return err
		}
	}
	for _, t := range o.Expect {
		if diag.NormalizeThumbprint(t) == "" {
			return usageErrorf("a thumbprint is 40 hex digits; spaces and colons are ignored", "--expect-thumbprint %q is not a SHA-1 thumbprint", t)
		}
	}
	return o.Dir.validate()
}

// urlHint says what --url and URL arguments accept.
const urlHint = "give a host name (mail.contoso.com) or a URL: https://HOST[:PORT]/PATH, smtp://HOST[:PORT] (STARTTLS), imaps://, imap://, pop3s:// or pop3://"

// domainOf turns a configuration naming context into the AD DNS domain:
// CN=Configuration,DC=contoso,DC=local is contoso.local.
func domainOf(configNC string) string {
	var labels []string
	for _, rdn := range strings.Split(configNC, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(rdn), "="); ok && strings.EqualFold(k, "DC") {
			labels = append(labels, strings.ToLower(v))
		}
	}
	return strings.Join(labels, ".")
}

// clock is the time findings are judged at: --as-of, or the factory's clock.
func (o *CheckOptions) clock() (func() time.Time, error) {
	if o.AsOf == "" {
		return o.Now, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, o.AsOf); err == nil {
			return func() time.Time { return t }, nil
		}
	}
	return nil, usageErrorf("e.g. --as-of 2026-12-31 or --as-of 2026-12-31T08:00:00Z", "--as-of %q is not a date", o.AsOf)
}

// parseFailOn reads --fail-on: the lowest severity that fails the run, or
// never=true.
func parseFailOn(s string) (diag.Severity, bool, error) {
	if s == "never" {
		return diag.Error, true, nil
	}
	sev, err := diag.ParseSeverity(s)
	if err != nil || sev == diag.Info {
		return 0, false, usageErrorf("use --fail-on error, warning or never", "unknown --fail-on %q", s)
	}
	return sev, false, nil
}

func checkRun(ctx context.Context, o *CheckOptions) error {
	cfg, err := o.proberConfig()
	if err != nil {
		return err
	}
	// Before any network work: a run must not end unable to write its script.
	script, err := o.openScript()
	if err != nil {
		return err
	}
	defer script.abandon()
	st := &stats{on: o.Stats, w: o.IO.ErrOut, start: time.Now()}
	format, _ := report.ParseFormat(o.Format)
	progress := term.NewProgress(o.IO.ErrOut, o.IO.StderrTTY() && (format == report.Text || format == report.Markdown || format == report.HTML))
	defer progress.Done()
	o.progress = progress
	state := &runState{}
	cfg.Progress = func(phase string, done, total int) {
		state.set(phase, done, total)
		progress.Set(phase, done, total)
	}
	var org *inventory.Org
	endpoints := make([]inventory.Endpoint, 0, len(o.URLs))
	for _, u := range o.URLs {
		endpoints = append(endpoints, inventory.Endpoint{URL: safetext.MaskURLPassword(u), Source: inventory.Source{Origin: inventory.OriginFlag, Service: inventory.ServiceURL}})
	}
	if len(o.URLs) == 0 {
		cfg.Progress("reading the directory", 0, 0)
		var ds ad.Stats
		org, ds, err = o.readOrg(ctx, cfg.DNSServers, cfg.Roots)
		if ctx.Err() != nil {
			return state.interrupted()
		}
		if err != nil {
			return err
		}
		endpoints = org.Endpoints
		state.read(len(endpoints), len(org.Servers))
		st.phase("discovery", "searches", ds.Searches, "pages", ds.Pages, "entries", ds.Entries, "servers", len(org.Servers), "urls", len(endpoints))
		cfg.DirectoryCRLs = org.CRLs
		if d := domainOf(org.ConfigNC); d != "" {
			cfg.InternalDomains = append(cfg.InternalDomains, d)
		}
	}
	cfg.NoRevocation = o.NoRevocation
	prober := probe.New(cfg)
	obs := prober.Run(ctx, endpoints, probe.PlanServerProbes(org, endpoints)...)
	if org != nil {
		if err := o.probeOutside(ctx, cfg, prober, obs, org); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return state.interrupted()
	}
	st.phaseTime("dns", obs.Stats.DNSTime, "lookups", obs.Stats.DNSLookups)
	st.phaseTime("tls", obs.Stats.TLSTime, "handshakes", obs.Stats.Handshakes)
	st.phaseTime("revocation", obs.Stats.FetchTime, "fetches", obs.Stats.Fetches)
	if obs.Local != nil && ctx.Err() == nil {
		return runError(obs.Local, localHint(obs.Local))
	}
	if obs.Stats.DNSLookups > 0 && obs.Stats.DNSAnswers == 0 && ctx.Err() == nil {
		// Every host would look missing: judging would blame the URLs for
		// the DNS server.
		return runError(fmt.Errorf("no DNS server answered (asked %s)", strings.Join(obs.DNSServers, ", ")),
			"check that the server is up and reachable, or give the one internal clients use with --dns-server ADDR")
	}
	st.reset()
	var expect []string
	for _, t := range o.Expect {
		expect = append(expect, diag.NormalizeThumbprint(t))
	}
	// The run happened now; validity is judged as of --as-of when given.
	runAt := o.Now()
	judgeAt := runAt
	if o.AsOf != "" {
		clock, _ := o.clock()
		judgeAt = clock()
	}
	rep := diag.Judge(diag.Input{Obs: obs, Org: org, Now: judgeAt, GeneratedAt: runAt, WarnDays: o.WarnDays, Expect: expect})
	// What follows needs only the DNS answers: let the handshakes and their
	// chains go, which halves the peak memory of a large organisation.
	obs.Endpoints, obs.Handshakes, obs.Servers, endpoints = nil, nil, nil, nil
	st.phase("judge", "findings", len(rep.Findings))
	if ctx.Err() != nil {
		return state.interrupted()
	}
	in := remedy.Input{Org: org, DNS: obs.DNS, DNSServers: obs.DNSServers, TargetHost: o.TargetHost, Expect: expect}
	if obs.Outside != nil && !slices.Equal(obs.Outside.DNSServers, obs.DNSServers) {
		in.PublicDNSServers = obs.Outside.DNSServers
	}
	rep = rep.WithFixes(remedy.Fixes(rep, in))
	st.phase("fixes")
	progress.Done()
	if err := script.write(rep, o.Version); err != nil {
		return err
	}
	err = o.render(rep)
	st.phase("render")
	return err
}
