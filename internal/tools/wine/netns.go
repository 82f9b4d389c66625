package wine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Namespace is a network namespace: its own loopback, and its own files
// under /etc, since `ip netns exec NAME` mounts each file or folder of
// /etc/netns/NAME over its namesake in /etc. A test in it can set the
// machine's DNS domain (hosts), DNS servers (resolv.conf) and trusted
// roots (ssl), and use fixed ports, without touching the machine's.
type Namespace struct {
	Name string
	etc  string
}

// NewNamespace creates the namespace with its loopback up and files (a
// name under /etc, and its content; a name ending in / is a folder).
// It needs root.
func NewNamespace(ctx context.Context, name string, files map[string]string) (*Namespace, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("wine tier: network namespaces need root")
	}
	n := &Namespace{Name: name, etc: filepath.Join("/etc/netns", name)}
	if out, err := exec.CommandContext(ctx, "ip", "netns", "add", name).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("wine tier: ip netns add %s: %w\n%s", name, err, out)
	}
	if out, err := n.Command(ctx, "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		n.Close()
		return nil, fmt.Errorf("wine tier: loopback up in %s: %w\n%s", name, err, out)
	}
	for f, content := range files {
		p := filepath.Join(n.etc, f)
		err := os.MkdirAll(filepath.Dir(p), 0o755)
		if err == nil && strings.HasSuffix(f, "/") {
			err = os.MkdirAll(p, 0o755)
		} else if err == nil {
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// Command runs name with args inside the namespace.
func (n *Namespace) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Close deletes the namespace and its files.
func (n *Namespace) Close() error {
	out, err := exec.Command("ip", "netns", "del", n.Name).CombinedOutput()
	if rerr := os.RemoveAll(n.etc); err == nil && rerr != nil {
		return rerr
	}
	if err != nil {
		return fmt.Errorf("wine tier: ip netns del %s: %w\n%s", n.Name, err, out)
	}
	return nil
}
