package catalog

// noteEntries cover the directory reader's notes (inventory.Note):
// what exdiag could not turn into endpoints to check.
var noteEntries = []Entry{
	{
		Code: LDAPUnreadable, Severity: Warning, Note: true,
		Title: "part of the Exchange configuration could not be read",
		Means: text(
			"The account exdiag bound with could not read some of the Exchange objects it looks for: the servers, a server's virtual directories, the Outlook providers, or a whole search was refused. What it could not read is unknown, not missing: exdiag cannot check URLs it cannot see.",
		),
		UserSees: text(
			"Nothing by itself. But if Authenticated Users cannot read the Autodiscover SCP objects, domain-joined Outlook cannot read them either and has to find Autodiscover through DNS.",
		),
		Why: text(
			"Any domain user can normally read Exchange's configuration, so this usually means an anonymous or local-account bind, a bind to the wrong forest, or read permissions removed from the configuration partition.",
		),
		Fix: text(
			"Run exdiag as an ordinary domain user or an Exchange administrator (--user, or a domain logon), and compare with the cmdlets the message names:",
			"  Get-ExchangeServer",
			"  Get-OwaVirtualDirectory -Server EX01",
			"  Get-OutlookProvider",
			"",
			"If permissions were changed, give Authenticated Users read access to the Exchange configuration objects again, the Autodiscover SCP objects above all.",
		),
	},
	{
		Code: DirectoryValueUnsafe, Severity: Error, Note: true,
		Title: "a directory value was unusable and was skipped",
		Means: text(
			"A value read from Active Directory could not be used safely, and exdiag skipped it: an entry whose DN does not parse, a value larger than exdiag's limit, or a POP3 or IMAP4 connection setting that is not HOST:PORT:SSL or HOST:PORT:TLS. exdiag never puts such a value into a command.",
		),
		UserSees: text(
			"It depends on the value. Clients usually ignore a malformed URL or connection setting, so whatever it configures does not work for them.",
		),
		Why: text(
			"A value written by hand (ADSI Edit, a script) with a mistake, a paste that brought line breaks or other characters along, or a value crafted on purpose by someone who can write to the configuration partition.",
		),
		Fix: text(
			"Look at the object and attribute the message names, with the matching Get- cmdlet or ADSI Edit, and write a clean value with the matching Set- cmdlet, for example:",
			"  Set-PopSettings -Server EX01 -ExternalConnectionSettings mail.contoso.com:995:SSL",
			"",
			"(-ExternalConnectionSettings exists from Exchange 2013 on.) If nobody knows how the value got there, treat it as a security incident: someone could write to Exchange's configuration.",
		),
	},
	{
		Code: ServerVersionUnknown, Severity: Info, Note: true,
		Title: "an Exchange server's version could not be read",
		Means: text(
			"The server object's serialNumber does not hold a version exdiag can read (such as \"Version 15.2 (Build 32562.17)\"), so exdiag does not know which Exchange version the server runs.",
		),
		UserSees: text(
			"Nothing.",
		),
		Why: text(
			"An unusual or damaged serialNumber value, or a server object left behind by a setup that did not finish.",
		),
		Fix: text(
			"exdiag needs the version to pick version-specific cmdlets. Without it, it writes Set-ClientAccessServer, which Exchange 2016 and later still accept next to their Set-ClientAccessService, and Set-UMVirtualDirectory for UM URLs, which only Exchange 2007 has. Check the version before running those commands:",
			"  Get-ExchangeServer | Format-Table Name,AdminDisplayVersion",
		),
	},
	{
		Code: ServerFQDNUnknown, Severity: Info, Note: true,
		Title: "an Exchange server's DNS name is not in the directory",
		Means: text(
			"The server object has no ncacn_ip_tcp: entry in networkAddress, where Exchange keeps the server's fully qualified domain name. exdiag cannot connect to that server by itself, and cannot find its address to suggest DNS records.",
		),
		UserSees: text(
			"Nothing by itself.",
		),
		Why: text(
			"Often a server removed without uninstalling Exchange, or an object left by a setup that did not finish.",
		),
		Fix: text(
			"Check whether the server still exists:",
			"  Get-ExchangeServer EX01 | Format-List Name,Fqdn,AdminDisplayVersion",
			"",
			"Remove a server that is gone the supported way (uninstall Exchange, or follow Microsoft's guidance for a server that cannot be recovered), not by deleting objects by hand.",
		),
	},
	{
		Code: SCPPointer, Severity: Info, Note: true,
		Title: "an Autodiscover SCP points Outlook to another directory",
		Means: text(
			"An SCP object with the pointer keyword (67661d7F-8FC4-4fa7-BFAC-E1D7794C1F68) holds an LDAP:// address instead of a URL: domain-joined Outlook follows it to another forest's directory (possibly only for the email domains it lists) and looks for the Autodiscover URL there. Export-AutoDiscoverConfig creates these for cross-forest setups. exdiag does not follow it.",
		),
		UserSees: text(
			"Nothing while the other forest answers. When it is gone or unreachable, Outlook can fail to find Autodiscover for the users it applies to, or find it only slowly.",
		),
		Why: text(
			"A resource forest or a cross-forest migration, for which Export-AutoDiscoverConfig was run.",
		),
		Fix: text(
			"Check the other directory as well:",
			"  exdiag check --ldap-url ldap://dc01.fabrikam.com",
			"",
			"If that forest no longer exists, remove the pointer object the message names (ADSI Edit, configuration partition), so Outlook stops following it.",
		),
	},
	{
		Code: SCPEmpty, Severity: Warning, Note: true, Clients: []Client{OutlookWindows},
		Title: "an Autodiscover SCP has no URL",
		Means: text(
			"An Autodiscover SCP object exists but its URL (serviceBindingInformation) is empty: it points nowhere.",
		),
		UserSees: text(
			"Outlook ignores it. When it is the only SCP, or the only one for the user's Active Directory site, domain-joined Outlook falls back to finding Autodiscover through DNS, which may be slower or end on the external name.",
		),
		Why: text(
			"The URL was cleared (Set-ClientAccessServer -AutoDiscoverServiceInternalUri $null), or the object is left over from a removed server.",
		),
		Fix: text(
			"Give it a URL on a name the certificate covers (Set-ClientAccessServer on Exchange 2007 to 2013, Set-ClientAccessService on 2016 and later):",
			"  Set-ClientAccessServer -Identity EX01 -AutoDiscoverServiceInternalUri https://mail.contoso.com/Autodiscover/Autodiscover.xml",
			"",
			"If the server no longer exists, remove it the supported way instead.",
		),
		KB: []string{kb940726},
	},
	{
		Code: MultipleOrganizations, Severity: Info, Note: true,
		Title: "the directory holds more than one Exchange organization",
		Means: text(
			"exdiag found more than one organization under CN=Microsoft Exchange,CN=Services in the configuration partition, and read all of them. A forest normally holds exactly one.",
		),
		UserSees: text(
			"Nothing by itself. URLs of a leftover organization show up as findings against servers that may no longer exist.",
		),
		Why: text(
			"A leftover from a failed or test installation, or a restored copy of the configuration partition.",
		),
		Fix: text(
			"Find the live organization, and limit the check to its servers with --server:",
			"  Get-OrganizationConfig | Format-List Name",
			"  exdiag check --server EX01 --server EX02",
			"",
			"Remove a stale organization only with Microsoft support's guidance.",
		),
	},
}
