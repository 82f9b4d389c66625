package samba

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/exdiag/exdiag/internal/ad"
	"github.com/go-ldap/ldap/v3"
)

// LoadStats counts what Load did.
type LoadStats struct {
	Added   int
	Existed int // already in a fresh forest (CN=Configuration, CN=Sites, …)
}

// refused are attributes Samba will not take on an add, which Load leaves
// out (all else is sent as the scenario gives it):
//   - objectCategory naming a class the mini schema lacks fails with
//     constraintViolation ("Referenced object not found"). Samba sets it
//     from the class's defaultObjectCategory, which for the classes in
//     testdata/samba/exchange-schema.ldif is the scenario's own value.
//   - objectGUID (in ldifde exports): unwillingToPerform, the DC makes it.
var refused = []string{"objectCategory", "objectGUID"}

// Load adds the entries as Administrator, parents before children. Entries
// that already exist are left as they are. The first entry the DC refuses
// stops the load. Clear removes what Load added.
func (d *DC) Load(entries []ad.Entry) (LoadStats, error) {
	var st LoadStats
	type item struct {
		e     ad.Entry
		depth int
	}
	items := make([]item, 0, len(entries))
	for _, e := range entries {
		dn, err := ldap.ParseDN(e.DN)
		if err != nil {
			return st, fmt.Errorf("load %q: %w", e.DN, err)
		}
		items = append(items, item{e, len(dn.RDNs)})
	}
	slices.SortStableFunc(items, func(a, b item) int { return cmp.Compare(a.depth, b.depth) })
	c, err := d.adminConn()
	if err != nil {
		return st, err
	}
	defer c.Close()
	for _, it := range items {
		req := ldap.NewAddRequest(it.e.DN, nil)
		for _, a := range it.e.Attrs {
			if slices.ContainsFunc(refused, func(n string) bool { return strings.EqualFold(n, a.Name) }) {
				continue
			}
			req.Attribute(a.Name, a.Values)
		}
		// Adding an object of a system-only class (CN=Configuration,
		// CN=Sites, …) fails with unwillingToPerform rather than
		// entryAlreadyExists, so the test is whether it is there.
		switch err := c.Add(req); {
		case err == nil:
			st.Added++
			d.added = append(d.added, it.e.DN)
		case exists(c, it.e.DN):
			st.Existed++
		default:
			return st, fmt.Errorf("load %q: %w", it.e.DN, err)
		}
	}
	return st, nil
}

// Clear deletes what Load added, children first, so that the DC can take
// another scenario without a new start.
func (d *DC) Clear() error {
	c, err := d.adminConn()
	if err != nil {
		return err
	}
	defer c.Close()
	for len(d.added) > 0 {
		dn := d.added[len(d.added)-1]
		if err := c.Del(ldap.NewDelRequest(dn, nil)); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return fmt.Errorf("clear %q: %w", dn, err)
		}
		d.added = d.added[:len(d.added)-1]
	}
	return nil
}

func exists(c *ldap.Conn, dn string) bool {
	_, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	return err == nil
}
