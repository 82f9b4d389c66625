package ad

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/exdiag/exdiag/internal/catalog"
	"github.com/exdiag/exdiag/internal/inventory"
	"github.com/go-ldap/ldap/v3"
)

// Stats describes the directory work Read did.
type Stats struct {
	DC       string // host:port that answered
	Searches int    // search operations (a fixed handful, whatever the size of the org)
	Pages    int    // search requests, one per page
	Entries  int
	Duration time.Duration
}

// query is one of the fixed searches Read runs under the Exchange container
// (or, for SCPs, the whole configuration naming context).
type query struct {
	what, filter string
	inConfigNC   bool
	// under is prefixed to the configuration naming context as the base
	// (with inConfigNC); a base that does not exist gives no entries.
	under string
	attrs []string
}

var queries = []query{
	{what: "Exchange servers", filter: "(objectClass=msExchExchangeServer)", attrs: serverAttrs},
	{what: "virtual directories", filter: "(&(objectClass=msExchVirtualDirectory)(!(objectClass=container)))", attrs: vdirAttrs},
	// The AD sites (CN=<site>,CN=Sites) come with the SCPs: both live in
	// the configuration naming context, and one search keeps the count fixed.
	{what: "Autodiscover SCPs and AD sites", inConfigNC: true,
		filter: "(|(&(objectClass=serviceConnectionPoint)(|(keywords=" + scpPointerKeyword + ")(keywords=" + scpURLKeyword + ")))(objectClass=site))",
		attrs:  scpAttrs},
	{what: "POP3, IMAP4 and SMTP settings", filter: "(|(objectClass=protocolCfgPOPServer)(objectClass=protocolCfgIMAPServer)(objectClass=msExchSmtpReceiveConnector)(objectClass=msExchRoutingSMTPConnector))",
		attrs: mailAttrs},
	{what: "Outlook providers, accepted domains, federation trusts and the Auth Configuration",
		filter: "(|(objectClass=msExchAutoDiscoverConfig)(objectClass=msExchAcceptedDomain)(objectClass=msExchFedTrust)(objectClass=msExchAuthAuthConfig))",
		attrs:  providerAttrs},
	// An enterprise CA publishes its CRLs here for ldap:/// distribution points.
	{what: "certificate revocation lists", inConfigNC: true, under: "CN=Public Key Services,CN=Services,",
		filter: "(objectClass=cRLDistributionPoint)", attrs: crlAttrs},
}

// readTimeouts bounds the searches of one read, all pages of all of them,
// to this many --timeout: a DC that answers every page just in time cannot
// keep exdiag waiting for hours.
const readTimeouts = 10

// Read connects to a domain controller, binds, and reads the Exchange
// organisation with a fixed number of paged searches. It never writes.
func Read(ctx context.Context, o ConnectOptions, f Filter) (*inventory.Org, Stats, error) {
	start := time.Now()
	var st Stats
	s, root, err := open(ctx, o)
	if err != nil {
		st.Duration = time.Since(start)
		return nil, st, err
	}
	defer s.close()
	st.DC = s.target.addr()
	st.Searches, st.Pages = 1, 1 // the RootDSE, read by reach
	dctx, cancel := context.WithTimeout(ctx, readTimeouts*o.timeout())
	defer cancel()
	defer context.AfterFunc(dctx, func() { s.conn.Close() })()
	org, err := discover(dctx, newSearcher(s, o.timeout(), &st), root, f)
	if err != nil {
		err = s.explain(err)
	}
	st.Duration = time.Since(start)
	return org, st, err
}

func discover(ctx context.Context, s *searcher, root Entry, f Filter) (*inventory.Org, error) {
	fail := func(op string, err error) error {
		var tooLarge *messageTooLarge
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return &Error{Op: op, Err: ctx.Err(), Hint: fmt.Sprintf("the DC did not finish within %d × --timeout: raise --timeout, or try another DC with --ldap-url", readTimeouts)}
		case ctx.Err() != nil:
			return &Error{Op: op, Err: ctx.Err()}
		case errors.As(err, &tooLarge), errors.Is(err, errMalformed), errors.Is(err, errTooMuchData):
			return &Error{Op: op, Err: err, Hint: "no domain controller answers this way: check that --ldap-url names one, or try another DC"}
		}
		return failure(op, err, ldapHint)
	}
	configNC := root.First("configurationNamingContext")
	exchange := "CN=Microsoft Exchange,CN=Services," + configNC
	op := "read the Exchange organization under " + exchange
	all, err := s.search(ctx, exchange, ldap.ScopeSingleLevel, "(objectClass=msExchOrganizationContainer)", orgAttrs)
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		return nil, &Error{Op: op, Err: errors.New("the Exchange container does not exist"),
			Hint: "Exchange was never installed in this forest, or this account cannot see the configuration: bind as a domain user"}
	case err != nil:
		return nil, fail(op, err)
	case len(all) == 0:
		return nil, &Error{Op: op, Err: errNoOrg, Hint: "this account may not read the Exchange organization: bind as a domain user"}
	}
	var notes []inventory.Note
	for _, q := range queries {
		base := exchange
		if q.inConfigNC {
			base = q.under + configNC
		}
		entries, err := s.search(ctx, base, ldap.ScopeWholeSubtree, q.filter, q.attrs)
		if q.under != "" && ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			continue // no enterprise CA in this forest
		}
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights) {
			notes = append(notes, inventory.Note{Code: string(catalog.LDAPUnreadable),
				Message: fmt.Sprintf("this account may not read the %s (%v): they are unknown, not missing", q.what, err),
				Source:  inventory.Source{Origin: inventory.OriginLDAP, DN: base}})
			all = append(all, entries...)
			continue
		}
		if err != nil {
			return nil, fail("search the "+q.what+" under "+base, err)
		}
		all = append(all, entries...)
	}
	org, err := FromEntries(all, inventory.OriginLDAP, f)
	if err != nil {
		return nil, err
	}
	org.ConfigNC = configNC
	org.Notes = append(notes, org.Notes...)
	return org, nil
}
