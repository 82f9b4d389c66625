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

// derived are attributes the DC computes itself, which Load leaves out:
//   - objectCategory: Samba sets it from the class's defaultObjectCategory
//     (the same CN=ms-Exch-…,CN=Schema value the scenario gives, where
//     the schema file names the class alike);
//   - name: the RDN value, kept in step by the DC;
//   - distinguishedName, objectGUID, whenCreated, whenChanged, uSNCreated,
//     uSNChanged, instanceType: in ldifde exports, owned by the DC.
var derived = []string{"objectCategory", "name", "distinguishedName", "objectGUID",
	"whenCreated", "whenChanged", "uSNCreated", "uSNChanged", "instanceType"}

// Load adds the entries as Administrator, parents before children. Entries
// that already exist are left as they are. The first entry the DC refuses
// stops the load.
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
			if slices.ContainsFunc(derived, func(n string) bool { return strings.EqualFold(n, a.Name) }) {
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
		case exists(c, it.e.DN):
			st.Existed++
		default:
			return st, fmt.Errorf("load %q: %w", it.e.DN, err)
		}
	}
	return st, nil
}

func exists(c *ldap.Conn, dn string) bool {
	_, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	return err == nil
}
