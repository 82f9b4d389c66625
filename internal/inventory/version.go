package inventory

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is an Exchange product version as stored in a server's
// serialNumber ("Version 15.2 (Build 32562.17)").
type Version struct {
	Major, Minor, Build, Revision int
}

// Product names the Exchange release a version belongs to: "2007", "2010",
// "2013", "2016", "2019", "SE", or "" when unknown.
func (v Version) Product() string {
	switch {
	case v.Major == 8:
		return "2007"
	case v.Major == 14:
		return "2010"
	case v.Major == 15 && v.Minor == 0:
		return "2013"
	case v.Major == 15 && v.Minor == 1:
		return "2016"
	case v.Major == 15 && v.Minor == 2 && v.Build >= 2562:
		return "SE"
	case v.Major == 15 && v.Minor == 2:
		return "2019"
	}
	return ""
}

// AtLeast reports whether v is a known version at or after major.minor.build
// (Exchange 2013 SP1 is 15.0.847).
func (v Version) AtLeast(major, minor, build int) bool {
	if !v.Known() {
		return false
	}
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Build >= build
}

// Known reports whether the version was parsed.
func (v Version) Known() bool { return v.Major != 0 }

// String formats the version as Exchange's build numbers are written (15.2.2562.17).
func (v Version) String() string {
	if !v.Known() {
		return "unknown"
	}
	return fmt.Sprintf("%d.%d.%d.%d", v.Major, v.Minor, v.Build, v.Revision)
}

var (
	serialVersionRE = regexp.MustCompile(`(?i)version\s+(\d{1,4})\.(\d{1,4})`)
	serialBuildRE   = regexp.MustCompile(`(?i)build\s+(\d{1,9})(?:\.(\d{1,9}))?`)
)

// ParseSerialNumber reads the serialNumber attribute of an Exchange server
// object. Exchange writes the build plus 30000 (older versions: plus 10000)
// and sometimes a zero-padded revision ("Build 31118.007").
func ParseSerialNumber(s string) (Version, error) {
	vm := serialVersionRE.FindStringSubmatch(s)
	if vm == nil {
		return Version{}, fmt.Errorf("serialNumber %q has no \"Version N.N\"", s)
	}
	var v Version
	v.Major, _ = strconv.Atoi(vm[1])
	v.Minor, _ = strconv.Atoi(vm[2])
	if bm := serialBuildRE.FindStringSubmatch(s); bm != nil {
		v.Build, _ = strconv.Atoi(bm[1])
		if bm[2] != "" {
			v.Revision, _ = strconv.Atoi(bm[2])
		}
		if v.Major >= 8 {
			switch {
			case v.Build >= 30000:
				v.Build -= 30000
			case v.Build >= 10000:
				v.Build -= 10000
			}
		}
	}
	return v, nil
}

// Roles is the msExchCurrentServerRoles bit field.
type Roles int

// Role bits (msExchCurrentServerRoles).
const (
	RoleCafe              Roles = 1
	RoleMailbox           Roles = 2
	RoleClientAccess      Roles = 4
	RoleUnifiedMessaging  Roles = 16
	RoleHubTransport      Roles = 32
	RoleEdge              Roles = 64
	RoleFrontendTransport Roles = 16384
)

// Has reports whether every bit of r2 is set.
func (r Roles) Has(r2 Roles) bool { return r&r2 == r2 }
