package remedy

import (
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/inventory"
)

// This file is the one home of "which form of a command works on which
// Exchange version" (real-exchange.md §2; the table that tests every
// printed command against the cmdlet reference is testdata/cmdlets).

// target is the Exchange server a command acts on.
type target struct {
	name    string
	fqdn    string
	version inventory.Version
}

// target describes the server named name; a name the inventory lacks (or
// "", for URLs given with --url) has an unknown version.
func (r *remedier) target(name string) target {
	t := target{name: name}
	if s := r.server(name); s != nil {
		t.fqdn, t.version = s.FQDN, s.Version
	}
	return t
}

func (t target) product() string { return t.version.Product() }

// modern is Exchange 2013 or later: one server role with the front end.
func (t target) modern() bool { return t.version.Major >= 15 }

// remote reports whether the certificate cmdlets (Get-, New-, Enable-,
// Import-ExchangeCertificate) take -Server: from Exchange 2010 on. Exchange
// 2007's run only in the shell on the server itself (the Exchange 2007
// article on self-signed certificates; TechNet aa998327). A server of
// unknown version gets the local form, which works on every version.
func (t target) remote() bool { return t.version.Major >= 14 }

// where says where t's commands run, for a fix's comment.
func (t target) where(address string) string {
	switch {
	case t.name == "":
		return "on the Exchange server answering at " + address
	case t.remote():
		return "on " + t.name
	}
	return "in the Exchange Management Shell on " + t.name + " (Exchange " + orUnknown(t.product()) + ": these cmdlets run only on the server itself)"
}

func orUnknown(p string) string {
	if p == "" {
		return "version unknown"
	}
	return p
}

// certCommand starts a certificate cmdlet for t: with -Server when t takes
// it.
func (t target) certCommand(cmdlet string) *command {
	c := newCommand(cmdlet)
	if t.remote() && t.name != "" {
		c.arg("Server", t.name)
	}
	return c
}

// fix is a step acting on t: Local when it must be typed on t itself.
func (t target) fix(comment string, c *command) diag.Fix {
	return diag.Fix{Comment: comment, Shell: "powershell", Command: c.String(), Server: t.name, Local: !t.remote() && t.name != ""}
}

// onServer runs a block of commands on t. Invoke-Command reaches a server
// whose Windows has PowerShell remoting on, which is the default only from
// Windows Server 2012 (about_Remote_Troubleshooting), the oldest Windows
// Exchange 2016 supports; on older versions the block is typed on the
// server (a Local fix). testdata/cmdlets/NOTES.md, section a.
func (t target) onServer(comment, block string) diag.Fix {
	if !t.version.AtLeast(15, 1, 0) {
		return diag.Fix{Comment: "on " + t.name + ", in an elevated PowerShell: " + comment, Shell: "powershell", Command: block, Server: t.name, Local: true}
	}
	host := t.fqdn
	if host == "" {
		host = t.name
	}
	c := newCommand("Invoke-Command").arg("ComputerName", host).raw("-ScriptBlock { " + block + " }")
	return diag.Fix{Comment: comment, Shell: "powershell", Command: c.String(), Server: t.name}
}

// recycleAutodiscover recycles MSExchangeAutodiscoverAppPool on t, in a form
// that runs on every Windows release t's version supports: Restart-WebAppPool
// from Exchange 2016 (Windows Server 2012 and later load WebAdministration on
// their own); Import-Module WebAdministration first on 2013, which also runs
// on Windows Server 2008 R2; appcmd on 2010, whose Windows Server 2008 has
// IIS 7 but no WebAdministration module; iisreset on 2007, which may run on
// IIS 6 (Windows Server 2003), where neither exists.
func (t target) recycleAutodiscover() diag.Fix {
	comment := "recycle the Autodiscover application pool, so Autodiscover hands out the new URLs (KB 940726)"
	switch {
	case t.version.AtLeast(15, 1, 0):
		return t.onServer(comment, "Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool'")
	case t.modern():
		return t.onServer(comment, "Import-Module WebAdministration; Restart-WebAppPool -Name 'MSExchangeAutodiscoverAppPool'")
	case t.remote():
		return t.onServer(comment, `& "$env:windir\system32\inetsrv\appcmd.exe" recycle apppool /apppool.name:MSExchangeAutodiscoverAppPool`)
	}
	return t.onServer("restart IIS, which recycles the Autodiscover application pool (KB 940726); it briefly interrupts "+
		"Outlook Web Access and Outlook Anywhere. On IIS 7 (Windows Server 2008), "+
		"appcmd recycle apppool /apppool.name:MSExchangeAutodiscoverAppPool recycles only that pool", "iisreset /noforce")
}

// mailServices are the Windows services of POP3 or IMAP4 on t: the back-end
// services (MSExchangePOP3BE, MSExchangeIMAP4BE) exist from Exchange 2013
// (learn.microsoft.com, Enable and configure POP3 on an Exchange server).
func (t target) mailServices(protocol inventory.Service) []string {
	name := "MSExchangePOP3"
	if protocol == inventory.ServiceIMAP4 {
		name = "MSExchangeIMAP4"
	}
	if t.modern() {
		return []string{name, name + "BE"}
	}
	return []string{name}
}

// restartMail restarts the POP3 or IMAP4 services of t, which read their
// settings only when they start.
func (t target) restartMail(protocol inventory.Service) diag.Fix {
	names := t.mailServices(protocol)
	c := newCommand("Restart-Service").list("Name", names)
	return t.onServer("restart "+strings.Join(names, " and ")+", which read their settings only when they start", c.String())
}
