package ad

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
)

// Generators of large LDIF files for the memory tests and benchmarks: each
// writes at least size bytes (of UTF-8 text before any re-encoding).

const genNC = "CN=Configuration,DC=contoso,DC=com"

var genServers = "CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services," + genNC

// countingWriter counts what reaches w.
type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ldifdeWriter writes records the way ldifde does: CRLF line ends when
// crlf, lines longer than 78 characters folded, base64 for binary values.
type ldifdeWriter struct {
	w    io.Writer
	eol  string
	guid uint64
}

func (l *ldifdeWriter) line(s string) {
	for len(s) > 78 {
		fmt.Fprint(l.w, s[:78], l.eol)
		s = " " + s[78:]
	}
	fmt.Fprint(l.w, s, l.eol)
}

func (l *ldifdeWriter) record(dn string, attrs ...string) {
	l.line("dn: " + dn)
	l.line("changetype: add")
	for i := 0; i+1 < len(attrs); i += 2 {
		l.line(attrs[i] + ": " + attrs[i+1])
	}
	// What every AD object carries in an export, none of it read by exdiag.
	l.guid++
	guid := make([]byte, 16)
	for i := range guid {
		guid[i] = byte(l.guid >> (8 * (i % 8)))
	}
	rdn, _, _ := strings.Cut(dn, ",")
	for _, a := range []string{
		"distinguishedName: " + dn, "instanceType: 4", "whenCreated: 20230114093512.0Z", "whenChanged: 20240611120355.0Z",
		fmt.Sprintf("uSNCreated: %d", 12000+l.guid), fmt.Sprintf("uSNChanged: %d", 48000+l.guid), "showInAdvancedViewOnly: TRUE",
		"name: " + strings.TrimPrefix(rdn, "CN="), "objectGUID:: " + base64.StdEncoding.EncodeToString(guid),
		"systemFlags: 1073741824", "dSCorePropagationData: 20240611120355.0Z", "dSCorePropagationData: 16010101000000.0Z",
		"msExchVersion: 1126140425011200",
	} {
		l.line(a)
	}
	fmt.Fprint(l.w, l.eol)
}

// genRealistic writes an ldifde export of a large organisation: per server,
// the server object, its virtual directories, SCP, POP3/IMAP4 settings and
// receive connectors (what exdiag reads), and mailbox databases, policies
// and containers (what it does not), with the housekeeping attributes of
// every AD object.
func genRealistic(w io.Writer, size int64, crlf bool) {
	cw := &countingWriter{w: bufio.NewWriter(w)}
	defer cw.w.Flush()
	l := &ldifdeWriter{w: cw, eol: "\n"}
	if crlf {
		l.eol = "\r\n"
	}
	l.line("version: 1")
	fmt.Fprint(cw, l.eol)
	l.record("CN=Contoso,CN=Microsoft Exchange,CN=Services,"+genNC, "objectClass", "top", "objectClass", "container", "objectClass", "msExchOrganizationContainer", "cn", "Contoso")
	vdirs := []struct{ cn, class, path string }{
		{"EWS", "msExchWebServicesVirtualDirectory", "/EWS/Exchange.asmx"}, {"OAB", "msExchOABVirtualDirectory", "/OAB"},
		{"owa", "msExchOWAVirtualDirectory", "/owa"}, {"ecp", "msExchECPVirtualDirectory", "/ecp"},
		{"Microsoft-Server-ActiveSync", "msExchMobileVirtualDirectory", "/Microsoft-Server-ActiveSync"},
		{"Autodiscover", "msExchAutodiscoverVirtualDirectory", "/Autodiscover/Autodiscover.xml"},
		{"mapi", "msExchMapiVirtualDirectory", "/mapi"}, {"Rpc", "msExchRpcHttpVirtualDirectory", "/rpc"},
		{"PowerShell", "msExchPowerShellVirtualDirectory", "/powershell"},
	}
	for i := 0; cw.n < size; i++ {
		name := fmt.Sprintf("EX%05d", i)
		fqdn := strings.ToLower(name) + ".contoso.com"
		srv := "CN=" + name + "," + genServers
		l.record(srv, "objectClass", "top", "objectClass", "server", "objectClass", "msExchExchangeServer", "cn", name,
			"serialNumber", "Version 15.2 (Build 1544.4)", "versionNumber", "1942061571", "msExchCurrentServerRoles", "16422",
			"networkAddress", "ncacn_vns_spp:"+name, "networkAddress", "netbios:"+name, "networkAddress", "ncacn_ip_tcp:"+fqdn,
			"networkAddress", "ncalrpc:"+name, "msExchServerSite", "CN=Default-First-Site-Name,CN=Sites,"+genNC,
			"legacyExchangeDN", "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn="+name,
			"msExchProductID", "00000-00000-00000-00000", "msExchInstallPath", `C:\Program Files\Microsoft\Exchange Server\V15`,
			"msExchDataPath", `C:\Program Files\Microsoft\Exchange Server\V15\Mailbox`, "msExchComponentStates", "1:2:133112345678901234:Monitoring")
		l.record("CN=Protocols,"+srv, "objectClass", "top", "objectClass", "protocolCfgSharedServer", "cn", "Protocols")
		l.record("CN=HTTP,CN=Protocols,"+srv, "objectClass", "top", "objectClass", "msExchProtocolCfgHTTPContainer", "cn", "HTTP")
		for _, site := range []string{"Default Web Site", "Exchange Back End"} {
			for _, v := range vdirs {
				cn := v.cn + " (" + site + ")"
				l.record("CN="+cn+",CN=HTTP,CN=Protocols,"+srv,
					"objectClass", "top", "objectClass", "msExchVirtualDirectory", "objectClass", v.class, "cn", cn,
					"msExchInternalHostName", "https://"+fqdn+v.path, "msExchExternalHostName", "https://mail.contoso.com"+v.path,
					"msExchMetabasePath", "IIS://"+fqdn+"/W3SVC/1/ROOT/"+v.cn, "msExchInternalAuthenticationMethods", "1",
					"msExchInternalAuthenticationMethods", "2", "msExchExternalAuthenticationMethods", "1",
					"msExchDefaultDomain", "contoso.com", "msExchWebSiteName", site, "adminDisplayName", cn,
					"objectCategory", "CN=ms-Exch-Virtual-Directory,CN=Schema,"+genNC)
			}
		}
		l.record("CN="+name+",CN=Autodiscover,CN=Protocols,"+srv, "objectClass", "top", "objectClass", "serviceConnectionPoint", "cn", name,
			"keywords", "77378F46-2C66-4aa9-A6A6-3E7A48B19596", "keywords", "Site=Default-First-Site-Name",
			"serviceBindingInformation", "https://"+fqdn+"/Autodiscover/Autodiscover.xml", "serviceDNSName", name, "serviceClassName", "ms-Exchange-AutoDiscover-Service")
		for _, rc := range []string{"Default", "Client Proxy", "Default Frontend", "Outbound Proxy Frontend", "Client Frontend"} {
			l.record("CN="+rc+" "+name+",CN=SMTP Receive Connectors,CN=Protocols,"+srv, "objectClass", "top", "objectClass", "msExchSmtpReceiveConnector",
				"cn", rc+" "+name, "msExchSMTPReceiveConnectorFQDN", fqdn, "msExchSmtpReceiveBindings", "0.0.0.0:2525", "msExchSmtpReceiveBindings", "[::]:2525",
				"msExchSmtpReceiveEnabled", "TRUE", "msExchSmtpReceiveMaxMessageSize", "37748736", "msExchSmtpReceiveRemoteIPRanges", "0.0.0.0-255.255.255.255")
		}
		for _, p := range []struct{ cn, class, port string }{{"POP3", "protocolCfgPOPServer", "995"}, {"IMAP4", "protocolCfgIMAPServer", "993"}} {
			l.record("CN=1,CN="+p.cn+",CN=Protocols,"+srv, "objectClass", "top", "objectClass", p.class, "cn", "1",
				"msExchPOPIMAPInternalConnectionSettings", fqdn+":"+p.port+":SSL", "msExchSecureBindings", "[::]:"+p.port, "msExchSecureBindings", "0.0.0.0:"+p.port)
		}
		for d := range 4 {
			db := fmt.Sprintf("DB%05d-%d", i, d)
			l.record("CN="+db+",CN=Databases,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,"+genNC,
				"objectClass", "top", "objectClass", "msExchMDB", "objectClass", "msExchPrivateMDB", "cn", db,
				"msExchOwningServer", srv, "msExchEDBFile", `D:\Databases\`+db+`\`+db+".edb", "msExchESEParamLogFilePath", `E:\Logs\`+db,
				"msExchDatabaseCreated", "TRUE", "msExchMailboxRetentionPeriod", "2592000", "deletedItemRetention", "1209600",
				"mDBStorageQuota", "1992294", "mDBOverQuotaLimit", "2097152", "msExchHomePublicMDB", "CN=Public Folder Database,"+genNC)
		}
	}
}

// genBlank writes a file that is mostly blank lines around one record.
func genBlank(w io.Writer, size int64) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	bw.WriteString("version: 1\n\ndn: CN=Contoso,CN=Microsoft Exchange,CN=Services," + genNC + "\nobjectClass: msExchOrganizationContainer\n\n")
	for n := int64(0); n < size; n += 2 {
		bw.WriteString("\r\n")
	}
}

// genManyAttrs writes one entry with n distinct attribute names.
func genManyAttrs(w io.Writer, n int) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	bw.WriteString("dn: CN=Contoso,CN=Microsoft Exchange,CN=Services," + genNC + "\nobjectClass: msExchOrganizationContainer\n")
	for i := range n {
		fmt.Fprintf(bw, "attr%06d: value-%06d\n", i, i)
	}
}

// utf16Writer re-encodes UTF-8 text as ldifde -u writes it: a byte order
// mark, then UTF-16LE.
type utf16Writer struct {
	w       io.Writer
	started bool
	buf     []byte
}

func (u *utf16Writer) Write(p []byte) (int, error) {
	u.buf = u.buf[:0]
	if !u.started {
		u.buf = append(u.buf, 0xFF, 0xFE)
		u.started = true
	}
	// The generators write ASCII, so no character is split between writes.
	for _, r := range string(p) {
		for _, c := range utf16.Encode([]rune{r}) {
			u.buf = append(u.buf, byte(c), byte(c>>8))
		}
	}
	_, err := u.w.Write(u.buf)
	return len(p), err
}
