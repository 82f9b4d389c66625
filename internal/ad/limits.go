package ad

import "strings"

// What one read of the directory may cost, whatever the directory or the
// file holds. Each bound turns hostile or broken input into a note or an
// error, never into unbounded memory or time.
const (
	// maxValueBytes bounds one attribute value; longer values are left
	// out with a directory-value-unsafe note rather than carried into
	// reports.
	maxValueBytes = 64 << 10
	// maxObjectBytes bounds what is kept of one object (the values of the
	// attributes exdiag reads), and so one LDAP message: the rest of a
	// larger message is measured as it arrives and left out.
	maxObjectBytes = 1 << 20
	// maxKeptBytes bounds what one LDAP read keeps of all the objects.
	maxKeptBytes = 128 << 20
	// maxEntries bounds the entries one read keeps, from LDAP or LDIF.
	maxEntries = 200_000
	// maxLDIFBytes bounds the file read by ReadLDIF and ReadLDIFOrg.
	maxLDIFBytes = 512 << 20
	// maxCRLBytes bounds a CRL an enterprise CA publishes in the directory
	// (certificateRevocationList, for ldap:/// distribution points). CRLs
	// run to megabytes, so this one attribute has its own bound, outside
	// maxValueBytes and maxObjectBytes; a larger CRL is left unread, which
	// the revocation check reports for that distribution point.
	maxCRLBytes = 16 << 20
)

// bulky reports an attribute whose values are bounded by maxCRLBytes
// instead of maxValueBytes, and do not count towards maxObjectBytes.
func bulky(attr string) bool {
	base, _, _ := strings.Cut(attr, ";")
	return strings.EqualFold(base, "certificateRevocationList")
}

// valueLimit is the largest value of attr that is kept.
func valueLimit(attr string) int64 {
	if bulky(attr) {
		return maxCRLBytes
	}
	return maxValueBytes
}
