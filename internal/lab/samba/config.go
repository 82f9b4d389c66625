package samba

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// provision creates the forest with samba-tool. No DNS backend: the DC
// serves no DNS, so port 53 stays free and no query leaves the machine.
func provision(ctx context.Context, dir, password string) error {
	out, err := os.Create(filepath.Join(dir, "provision.log"))
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, "samba-tool", "domain", "provision",
		"--targetdir="+dir, "--realm="+Realm, "--domain="+Domain, "--server-role=dc",
		"--dns-backend=NONE", "--adminpass="+password, "--host-ip=127.0.0.1", "--host-name=dc01",
		"--option=interfaces=lo", "--option=bind interfaces only=yes")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("samba-tool domain provision: %w", err)
	}
	return nil
}

// configure writes the TLS files and krb5.conf, and edits the provisioned
// smb.conf.
func (d *DC) configure(o Options) error {
	tlsDir := filepath.Join(d.Dir, "tls")
	if err := os.MkdirAll(filepath.Join(d.Dir, "run"), 0o755); err != nil {
		return err
	}
	cert, caPEM := o.Cert, o.CAPEM
	if cert != nil && len(caPEM) == 0 {
		return errors.New("samba tier: a certificate in Options.Cert needs Options.CAPEM, the CA that issued it")
	}
	if cert == nil {
		c, pem, err := makeCert()
		if err != nil {
			return err
		}
		cert, caPEM = &c, pem
	}
	if err := d.writeTLS(tlsDir, cert, caPEM); err != nil {
		return err
	}
	d.Krb5Conf = filepath.Join(d.Dir, "krb5.conf")
	// udp_preference_limit = 1: Samba's tickets carry a PAC and outgrow UDP.
	krb5 := fmt.Sprintf(`[libdefaults]
	default_realm = %[1]s
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	udp_preference_limit = 1

[realms]
	%[1]s = {
		kdc = 127.0.0.1:88
	}

[domain_realm]
	.contoso.local = %[1]s
	contoso.local = %[1]s
`, Realm)
	if err := os.WriteFile(d.Krb5Conf, []byte(krb5), 0o644); err != nil {
		return err
	}
	return editSMBConf(filepath.Join(d.Dir, "etc", "smb.conf"), map[string]string{
		// provision copies the host's resolver here; blank, nothing is forwarded
		"dns forwarder": "",
		"log file":      filepath.Join(d.Dir, "log.%m"),
		// no dns, cldap, rpc, smb, drepl or dnsupdate: only what exdiag talks to
		"server services": "ldap, kdc",
		// lets Administrator add attributeSchema and classSchema objects
		"dsdb:schema update allowed": "true",
		// the default, yes, refuses GSSAPI without sign or seal even over
		// TLS, and go-ldap offers neither; AD accepts it over TLS
		"ldap server require strong auth": "allow_sasl_over_tls",
		// Samba's self-made certificate has only a CN, which Go does not
		// accept as a host name: give it one with names
		"tls enabled":  "yes",
		"tls keyfile":  filepath.Join(tlsDir, "key.pem"),
		"tls certfile": filepath.Join(tlsDir, "cert.pem"),
		"tls cafile":   filepath.Join(tlsDir, "ca.pem"),
		// keep sockets and the pid file in the directory, away from a system Samba
		"pid directory":              filepath.Join(d.Dir, "run"),
		"ncalrpc dir":                filepath.Join(d.Dir, "run", "ncalrpc"),
		"winbindd socket directory":  filepath.Join(d.Dir, "run", "winbindd"),
		"ntp signd socket directory": filepath.Join(d.Dir, "run", "ntp_signd"),
	})
}

// editSMBConf sets keys in [global], replacing what provision wrote.
func editSMBConf(path string, set map[string]string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if k, _, ok := strings.Cut(line, "="); ok {
			if _, replaced := set[strings.ToLower(strings.TrimSpace(k))]; replaced {
				continue
			}
		}
		out = append(out, line)
		if strings.TrimSpace(line) == "[global]" {
			for _, k := range slices.Sorted(maps.Keys(set)) {
				out = append(out, "\t"+k+" = "+set[k])
			}
		}
	}
	return os.WriteFile(path, []byte(strings.Join(out, "\n")), 0o644)
}

// schemaFile finds the schema LDIF: the given path, or
// testdata/samba/exchange-schema.ldif in the module holding the working
// directory (go test runs in the package's directory).
func schemaFile(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "testdata", "samba", "exchange-schema.ldif"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("samba tier: no go.mod above the working directory: set Options.Schema")
		}
		dir = parent
	}
}
