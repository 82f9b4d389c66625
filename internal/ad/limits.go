package ad

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
)
