package ad

import "strings"

// What exdiag reads of each kind of object. The LDAP searches ask for
// exactly these attributes and keep only them; the LDIF reader keeps only
// them, of only these classes. TestReadAttrsSuffice checks that the
// conversion needs nothing else.
var (
	rootDSEAttrs = []string{"configurationNamingContext"}
	orgAttrs     = []string{"objectClass"}
	serverAttrs  = []string{"objectClass", "cn", "serialNumber", "msExchCurrentServerRoles", "networkAddress", "msExchServerSite", "msExchServerInternalTLSCert"}
	vdirAttrs    = []string{"objectClass", "msExchInternalHostName", "msExchExternalHostName"}
	scpAttrs     = []string{"objectClass", "keywords", "serviceBindingInformation"}
	mailAttrs    = []string{"objectClass", "msExchPopImapX509CertificateName", "msExchPOPIMAPExternalConnectionSettings", "msExchPOPIMAPInternalConnectionSettings", "msExchSecureBindings", "msExchServerBindings", "msExchSMTPReceiveConnectorFQDN", "msExchSmtpReceiveBindings", "msExchSmtpTLSCertificate", "msExchSmtpReceiveEnabled", "msExchSmtpReceiveRole",
		"msExchSMTPSendConnectorFQDN", "msExchSmtpSendTlsDomain", "msExchSmtpSendEnabled", "msExchSmtpSmartHost", "msExchSourceBridgeheadServersDN"}
	providerAttrs = []string{"objectClass", "cn", "msExchAutoDiscoverCertPrincipalName", "msExchAutoDiscoverServer", "msExchAcceptedDomainName", "msExchAcceptedDomainFlags",
		"msExchFedOrgCertificate", "msExchFedOrgNextCertificate", "msExchFedOrgPrevCertificate", "msExchAuthCertificateThumbprint"}
	crlAttrs = []string{"objectClass", "certificateRevocationList"}
)

// readClasses are the object classes the conversion reads; an
// Autodiscover SCP counts only with one of the Exchange keywords.
var readClasses = []string{
	"msExchOrganizationContainer", "msExchExchangeServer", "msExchVirtualDirectory", "msExchAutoDiscoverConfig",
	"protocolCfgPOPServer", "protocolCfgIMAPServer", "msExchSmtpReceiveConnector", "msExchAcceptedDomain", "cRLDistributionPoint",
	"msExchRoutingSMTPConnector", "site", "msExchFedTrust", "msExchAuthAuthConfig",
}

// readAttrs holds every attribute of the lists above, in lower case.
var readAttrs = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range [][]string{orgAttrs, serverAttrs, vdirAttrs, scpAttrs, mailAttrs, providerAttrs, crlAttrs} {
		for _, a := range l {
			m[strings.ToLower(a)] = true
		}
	}
	return m
}()

// isRead reports whether the conversion reads anything of e.
func isRead(e *Entry) bool {
	for _, c := range readClasses {
		if e.IsA(c) {
			return true
		}
	}
	if !e.IsA("serviceConnectionPoint") {
		return false
	}
	for _, a := range e.Attrs {
		if !strings.EqualFold(a.Name, "keywords") {
			continue
		}
		for _, k := range a.Values {
			if strings.EqualFold(k, scpURLKeyword) || strings.EqualFold(k, scpPointerKeyword) {
				return true
			}
		}
	}
	return false
}
