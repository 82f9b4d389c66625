package lab

// The virtual directory kinds setup creates: object class, name and path
// (exchange-ad.md §3.2). Internal holds the path until on() places it.
var (
	ews              = VDir{Class: "msExchWebServicesVirtualDirectory", CN: "EWS (Default Web Site)", Internal: "/EWS/Exchange.asmx"}
	oab              = VDir{Class: "msExchOABVirtualDirectory", CN: "OAB (Default Web Site)", Internal: "/OAB"}
	owa              = VDir{Class: "msExchOWAVirtualDirectory", CN: "owa (Default Web Site)", Internal: "/owa"}
	ecp              = VDir{Class: "msExchECPVirtualDirectory", CN: "ecp (Default Web Site)", Internal: "/ecp"}
	eas              = VDir{Class: "msExchMobileVirtualDirectory", CN: "Microsoft-Server-ActiveSync (Default Web Site)", Internal: "/Microsoft-Server-ActiveSync"}
	mapi             = VDir{Class: "msExchMapiVirtualDirectory", CN: "mapi (Default Web Site)", Internal: "/mapi"}
	um               = VDir{Class: "msExchUMVirtualDirectory", CN: "UnifiedMessaging (Default Web Site)", Internal: "/UnifiedMessaging/Service.asmx"}
	rpc              = VDir{Class: "msExchRpcHttpVirtualDirectory", CN: "Rpc (Default Web Site)", Internal: "/rpc"}
	powershell       = VDir{Class: "msExchPowerShellVirtualDirectory", CN: "PowerShell (Default Web Site)", Internal: "/powershell"}
	autodiscoverVDir = VDir{Class: "msExchAutodiscoverVirtualDirectory", CN: "Autodiscover (Default Web Site)"}
)

var vdirKinds = []VDir{ews, oab, owa, ecp, eas, mapi, um, rpc, powershell, autodiscoverVDir}

// vdirKind is the kind of a virtual directory class.
func vdirKind(class string) VDir {
	for _, k := range vdirKinds {
		if k.Class == class {
			return k
		}
	}
	return VDir{Class: class}
}

// on places a vdir kind at internal and external base URLs ("" for none).
func on(kind VDir, internal, external string) VDir {
	path := kind.Internal
	kind.Internal, kind.External = "", ""
	if internal != "" {
		kind.Internal = internal + path
	}
	if external != "" {
		kind.External = external + path
	}
	return kind
}
