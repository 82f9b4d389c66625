package ad

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/windows"
)

// SSPI statuses are known by value, wrapped as go-ldap wraps them, and
// named in the hint whatever language Windows speaks.
func TestSSPIHint(t *testing.T) {
	for status, f := range sspiFailures {
		err := fmt.Errorf("error decrypting message: %w", status)
		if h := kerberosHint(err); !strings.HasPrefix(h, f.name+": ") {
			t.Errorf("hint for %#x = %q, want %s first", uintptr(status), h, f.name)
		}
	}
	err := fmt.Errorf("error decrypting message: %w", syscall.Errno(windows.SEC_E_INVALID_TOKEN))
	if h := kerberosHint(err); !strings.Contains(h, "SEC_E_INVALID_TOKEN") {
		t.Errorf("hint %q does not name SEC_E_INVALID_TOKEN", h)
	}
	if h := kerberosHint(fmt.Errorf("bind: %w", syscall.Errno(windows.ERROR_ACCESS_DENIED))); h != kerberosCheckHint {
		t.Errorf("another status got %q, want the general hint", h)
	}
}
