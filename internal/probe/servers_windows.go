package probe

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

var siteLocal = netip.MustParsePrefix("fec0::/10")

// SystemDNS returns the DNS servers (ip:port) and search suffixes of the
// network adapters that are up, as the Windows DNS client uses them.
// Unlike the Go runtime, adapters without a gateway count: VPN adapters
// often have none yet carry the corporate DNS servers.
func SystemDNS() (servers []string, search []string, err error) {
	aas, err := adapterAddresses()
	if err != nil {
		return nil, nil, fmt.Errorf("list network adapters: %w", err)
	}
	for aa := aas; aa != nil; aa = aa.Next {
		if aa.OperStatus != windows.IfOperStatusUp {
			continue
		}
		for d := aa.FirstDnsServerAddress; d != nil; d = d.Next {
			a, ok := netip.AddrFromSlice(d.Address.IP())
			// fec0::/10 are the deprecated site-local anycast addresses
			// Windows lists when no IPv6 DNS server is set (RFC 3879).
			if !ok || siteLocal.Contains(a) {
				continue
			}
			s := netip.AddrPortFrom(a.Unmap(), 53).String()
			if !slices.Contains(servers, s) {
				servers = append(servers, s)
			}
		}
		add := func(s string) {
			if s = strings.ToLower(strings.Trim(s, ".")); s != "" && !slices.Contains(search, s) {
				search = append(search, s)
			}
		}
		if aa.DnsSuffix != nil {
			add(windows.UTF16PtrToString(aa.DnsSuffix))
		}
		for s := aa.FirstDnsSuffix; s != nil; s = s.Next {
			add(windows.UTF16ToString(s.String[:]))
		}
	}
	return servers, search, nil
}

// adapterAddresses calls GetAdaptersAddresses with a buffer that grows
// until the list fits.
func adapterAddresses() (*windows.IpAdapterAddresses, error) {
	size := uint32(15000)
	for range 4 {
		buf := make([]byte, size)
		aa := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0]))
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC,
			windows.GAA_FLAG_SKIP_ANYCAST|windows.GAA_FLAG_SKIP_MULTICAST, 0, aa, &size)
		if err == nil {
			return aa, nil
		}
		if err != windows.ERROR_BUFFER_OVERFLOW {
			return nil, err
		}
	}
	return nil, windows.ERROR_BUFFER_OVERFLOW
}
