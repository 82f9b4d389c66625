//go:build windows

package ad

import (
	"errors"
	"os"
	"strings"

	"golang.org/x/sys/windows"
)

// MachineDomain returns the AD domain this computer is joined to
// (GetComputerNameEx ComputerNameDnsDomain). USERDNSDOMAIN, the logged-on
// user's domain, is only a fallback: it differs in multi-domain forests and
// is unset for local accounts and services.
func MachineDomain() (string, error) {
	n := uint32(256)
	for range 2 {
		buf := make([]uint16, n)
		err := windows.GetComputerNameEx(windows.ComputerNameDnsDomain, &buf[0], &n)
		if err == nil {
			if d := windows.UTF16ToString(buf[:n]); d != "" {
				return d, nil
			}
			break
		}
		if !errors.Is(err, windows.ERROR_MORE_DATA) {
			break
		}
	}
	if d := os.Getenv("USERDNSDOMAIN"); d != "" {
		return strings.ToLower(d), nil
	}
	return "", errors.New("this computer is not joined to an AD domain")
}
