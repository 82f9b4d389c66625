package lab

import (
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/jimlambrt/gldap"
)

// Diagnostic messages as AD (and Samba, for the TLS one) word them.
const (
	msgInvalidCredentials = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563"
	msgBindRequired       = "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563"
	msgTLSRequired        = "BindSimple: Transport encryption required."
	msgNoTLS              = "00000000: LdapErr: DSID-0C091209, comment: Error initializing SSL/TLS, data 0, v4563"
	msgReadOnly           = "the lab directory is read-only: exdiag must never write"
)

func (l *ldapListener) mux() *gldap.Mux {
	m, _ := gldap.NewMux()
	_ = m.Bind(l.bind)
	_ = m.Search(l.search)
	_ = m.ExtendedOperation(l.startTLS, gldap.ExtendedOperationStartTLS)
	_ = m.ExtendedOperation(l.passwordModify, gldap.ExtendedOperationPasswordModify)
	_ = m.Add(l.write("add", gldap.ApplicationAddResponse))
	_ = m.Modify(l.write("modify", gldap.ApplicationModifyResponse))
	_ = m.Delete(l.write("delete", gldap.ApplicationDelResponse))
	_ = m.DefaultRoute(func(w *gldap.ResponseWriter, r *gldap.Request) {
		_ = w.Write(r.NewResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform), gldap.WithDiagnosticMessage("not supported by the lab")))
	})
	return m
}

func (l *ldapListener) bind(w *gldap.ResponseWriter, r *gldap.Request) {
	resp := r.NewBindResponse(gldap.WithResponseCode(gldap.ResultInvalidCredentials))
	defer func() { _ = w.Write(resp) }()
	m, err := r.GetSimpleBindMessage()
	if err != nil {
		resp.SetResultCode(gldap.ResultAuthMethodNotSupported)
		return
	}
	id, spec := r.ConnectionID(), l.srv.spec
	l.update(id, func(c *ldapConn) { c.bound = false })
	pw := string(m.Password)
	switch {
	case pw == "":
		// AD takes a name with an empty password for an anonymous bind.
		resp.SetResultCode(gldap.ResultSuccess)
	case spec.RequireTLSForBind && !l.conn(id).tls:
		resp.SetResultCode(gldap.ResultStrongAuthRequired)
		resp.SetDiagnosticMessage(msgTLSRequired)
	case l.srv.checkPassword(m.UserName, pw):
		resp.SetResultCode(gldap.ResultSuccess)
		l.update(id, func(c *ldapConn) { c.bound = true })
		l.srv.mu.Lock()
		l.srv.binds = append(l.srv.binds, m.UserName)
		l.srv.mu.Unlock()
	case spec.EchoPassword:
		resp.SetDiagnosticMessage(fmt.Sprintf("bind refused for %s with password %s (%q)", m.UserName, pw, pw))
	default:
		resp.SetDiagnosticMessage(msgInvalidCredentials)
	}
}

func (s *LDAPServer) checkPassword(user, pw string) bool {
	for name, want := range s.spec.Users {
		if strings.EqualFold(name, user) && want == pw {
			return true
		}
	}
	return false
}

func (l *ldapListener) startTLS(w *gldap.ResponseWriter, r *gldap.Request) {
	id, cfg := r.ConnectionID(), l.srv.spec.TLS
	if cfg == nil || l.conn(id).tls {
		_ = w.Write(r.NewExtendedResponse(gldap.WithResponseCode(gldap.ResultUnavailable)))
		return
	}
	resp := r.NewExtendedResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	resp.SetResponseName(gldap.ExtendedOperationStartTLS)
	if err := w.Write(resp); err != nil {
		return
	}
	if err := r.StartTLS(cfg); err == nil {
		l.update(id, func(c *ldapConn) { c.tls = true })
	}
}

func (l *ldapListener) passwordModify(w *gldap.ResponseWriter, r *gldap.Request) {
	l.srv.violation("password modify")
	resp := r.NewExtendedResponse(gldap.WithResponseCode(gldap.ResultUnwillingToPerform))
	resp.SetDiagnosticMessage(msgReadOnly)
	_ = w.Write(resp)
}

// write refuses a write operation and records it.
func (l *ldapListener) write(op string, app int) gldap.HandlerFunc {
	return func(w *gldap.ResponseWriter, r *gldap.Request) {
		dn := ""
		switch op {
		case "add":
			if m, err := r.GetAddMessage(); err == nil {
				dn = m.DN
			}
		case "modify":
			if m, err := r.GetModifyMessage(); err == nil {
				dn = m.DN
			}
		case "delete":
			if m, err := r.GetDeleteMessage(); err == nil {
				dn = m.DN
			}
		}
		l.srv.violation("%s %s", op, dn)
		_ = w.Write(r.NewResponse(gldap.WithApplicationCode(app), gldap.WithResponseCode(gldap.ResultUnwillingToPerform), gldap.WithDiagnosticMessage(msgReadOnly)))
	}
}

func (l *ldapListener) search(w *gldap.ResponseWriter, r *gldap.Request) {
	s := l.srv
	s.mu.Lock()
	s.searches++
	s.mu.Unlock()
	done := r.NewSearchDoneResponse(gldap.WithResponseCode(gldap.ResultSuccess))
	defer func() { _ = w.Write(done) }()
	m, err := r.GetSearchMessage()
	if err != nil {
		done.SetResultCode(gldap.ResultProtocolError)
		return
	}
	filter, err := ldap.CompileFilter(m.Filter)
	if err != nil {
		done.SetResultCode(gldap.ResultFilterError)
		return
	}
	if m.BaseDN == "" && m.Scope == gldap.BaseObject {
		if ldapMatch(filter, &s.rootDSE) {
			_ = w.Write(entryResponse(r, m, &s.rootDSE))
		}
		return
	}
	if c := l.conn(r.ConnectionID()); !c.bound && !s.spec.AllowAnonymous {
		done.SetResultCode(gldap.ResultOperationsError)
		done.SetDiagnosticMessage(msgBindRequired)
		return
	}
	base, err := ldap.ParseDN(m.BaseDN)
	if err != nil {
		done.SetResultCode(gldap.ResultInvalidDNSyntax)
		return
	}
	if m.BaseDN != "" && !s.exists(base) {
		done.SetResultCode(gldap.ResultNoSuchObject)
		done.SetMatchedDN(s.closest(base))
		return
	}
	// A paged search asks again for every page; the matching entries are
	// computed once per connection and search, as AD keeps a paged search's
	// state, so large organisations do not cost pages × entries.
	key := fmt.Sprintf("%d\x00%s\x00%d\x00%s", r.ConnectionID(), m.BaseDN, m.Scope, m.Filter)
	s.mu.Lock()
	hits, cached := s.pagedHits[key]
	s.mu.Unlock()
	if !cached || !hasPagingCookie(m) {
		hits = nil
		for i := range s.entries {
			e := &s.entries[i]
			if inScope(e.dn, base, int64(m.Scope)) && ldapMatch(filter, &e.LDAPEntry) {
				hits = append(hits, &e.LDAPEntry)
			}
		}
		s.mu.Lock()
		if s.pagedHits == nil {
			s.pagedHits = map[string][]*LDAPEntry{}
		}
		for k := range s.pagedHits {
			if strings.HasPrefix(k, fmt.Sprintf("%d\x00", r.ConnectionID())) {
				delete(s.pagedHits, k) // one search in progress per connection
			}
		}
		s.pagedHits[key] = hits
		s.mu.Unlock()
	}
	page, code := s.page(hits, m, done)
	done.SetResultCode(code)
	for _, e := range page {
		if err := w.Write(entryResponse(r, m, e)); err != nil {
			return
		}
	}
}

// page applies RFC 2696 paging (the cookie is an offset, bound to the
// request) and AD's MaxPageSize and size limit.
func (s *LDAPServer) page(hits []*LDAPEntry, m *gldap.SearchMessage, done *gldap.SearchResponseDone) ([]*LDAPEntry, int) {
	maxPage := s.spec.MaxPageSize
	var paging *gldap.ControlPaging
	for _, c := range m.Controls {
		if p, ok := c.(*gldap.ControlPaging); ok {
			paging = p
		}
	}
	code := gldap.ResultSuccess
	if paging == nil {
		if len(hits) > maxPage {
			hits, code = hits[:maxPage], gldap.ResultSizeLimitExceeded
		}
	} else {
		size := min(maxPage, int(paging.PagingSize))
		tag := fmt.Sprintf(":%08x", crc32.ChecksumIEEE([]byte(fmt.Sprint(m.BaseDN, m.Scope, m.Filter))))
		start := 0
		switch {
		case paging.PagingSize == 0: // the client abandons the search
			done.SetControls(&gldap.ControlPaging{})
			return nil, code
		case s.spec.RepeatCookie:
		case len(paging.Cookie) > 0:
			n, err := strconv.Atoi(strings.TrimSuffix(string(paging.Cookie), tag))
			if err != nil || !strings.HasSuffix(string(paging.Cookie), tag) || n > len(hits) {
				done.SetDiagnosticMessage("invalid paging cookie")
				return nil, gldap.ResultUnwillingToPerform
			}
			start = n
		}
		end := min(start+size, len(hits))
		next := &gldap.ControlPaging{}
		switch {
		case s.spec.RepeatCookie:
			next.Cookie = []byte("0" + tag)
		case end < len(hits):
			next.Cookie = []byte(strconv.Itoa(end) + tag)
		}
		done.SetControls(next)
		hits = hits[start:end]
	}
	if m.SizeLimit > 0 && int64(len(hits)) > m.SizeLimit {
		hits, code = hits[:m.SizeLimit], gldap.ResultSizeLimitExceeded
	}
	return hits, code
}

func (s *LDAPServer) exists(dn *ldap.DN) bool {
	for i := range s.entries {
		if s.entries[i].dn.EqualFold(dn) {
			return true
		}
	}
	return false
}

// closest returns the nearest existing ancestor, AD's matchedDN.
func (s *LDAPServer) closest(dn *ldap.DN) string {
	best, bestLen := "", -1
	for i := range s.entries {
		e := &s.entries[i]
		if e.dn.AncestorOfFold(dn) && len(e.dn.RDNs) > bestLen {
			best, bestLen = e.DN, len(e.dn.RDNs)
		}
	}
	return best
}

// entryResponse returns the requested attributes ("*" or none: all; "1.1":
// none) with the names as stored, whatever casing the client asked for.
func entryResponse(r *gldap.Request, m *gldap.SearchMessage, e *LDAPEntry) *gldap.SearchResponseEntry {
	resp := r.NewSearchResponseEntry(e.DN)
	all := len(m.Attributes) == 0
	for _, a := range m.Attributes {
		all = all || a == "*"
	}
	for _, a := range e.Attrs {
		want := all
		for _, q := range m.Attributes {
			if i := strings.IndexByte(q, ';'); i > 0 {
				q = q[:i]
			}
			want = want || strings.EqualFold(q, a.Name)
		}
		if !want {
			continue
		}
		if m.TypesOnly {
			resp.AddAttribute(a.Name, nil)
		} else {
			resp.AddAttribute(a.Name, a.Values)
		}
	}
	return resp
}

// hasPagingCookie reports a request for a page after the first.
func hasPagingCookie(m *gldap.SearchMessage) bool {
	for _, c := range m.Controls {
		if p, ok := c.(*gldap.ControlPaging); ok && len(p.Cookie) > 0 {
			return true
		}
	}
	return false
}
