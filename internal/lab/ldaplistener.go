package lab

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/jimlambrt/gldap"
)

// ldapListener is one gldap server: plain LDAP or LDAPS.
type ldapListener struct {
	srv   *LDAPServer
	tls   bool
	gs    *gldap.Server
	addr  string
	done  chan error
	mu    sync.Mutex
	conns map[int]*ldapConn
}

// ldapConn is what the server remembers about one client connection.
type ldapConn struct {
	tls   bool
	bound bool
}

// listen starts gldap on addr. gldap's Run takes an address and offers no
// listener, so a free port is found first and the rare race retried.
func (s *LDAPServer) listen(addr string, tlsConfig *tls.Config) (*ldapListener, error) {
	var lastErr error
	for range 5 {
		a := addr
		if a == "" {
			var err error
			if a, err = freeLoopbackAddr(); err != nil {
				return nil, err
			}
		}
		l, err := s.startListener(a, tlsConfig)
		if err == nil {
			return l, nil
		}
		lastErr = err
		if addr != "" {
			break
		}
	}
	return nil, fmt.Errorf("lab ldap: %w", lastErr)
}

func (s *LDAPServer) startListener(addr string, tlsConfig *tls.Config) (*ldapListener, error) {
	l := &ldapListener{srv: s, tls: tlsConfig != nil, addr: addr, done: make(chan error, 1), conns: map[int]*ldapConn{}}
	gs, err := gldap.NewServer(
		gldap.WithLogger(hclog.New(&hclog.LoggerOptions{Name: "lab-ldap", Level: hclog.Error, Output: ldapLogSink{s}})),
		gldap.WithReadTimeout(10*time.Minute),
		gldap.WithOnClose(l.forget))
	if err != nil {
		return nil, err
	}
	l.gs = gs
	if err := gs.Router(l.mux()); err != nil {
		return nil, err
	}
	var opts []gldap.Option
	if tlsConfig != nil {
		opts = append(opts, gldap.WithTLSConfig(tlsConfig))
	}
	go func() { l.done <- gs.Run(addr, opts...) }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-l.done:
			if err == nil {
				err = errors.New("server stopped")
			}
			return nil, err
		default:
		}
		if gs.Ready() {
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				return l, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	gs.Stop()
	return nil, fmt.Errorf("listener on %s did not start", addr)
}

func (l *ldapListener) stop() error {
	stopped := make(chan error, 1)
	go func() { stopped <- l.gs.Stop() }()
	select {
	case err := <-stopped:
		return err
	case <-time.After(3 * time.Second):
		return nil
	}
}

// conn returns a copy of what is known about connection id.
func (l *ldapListener) conn(id int) ldapConn {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.conns[id]; ok {
		return *c
	}
	return ldapConn{tls: l.tls}
}

// update changes what is known about connection id.
func (l *ldapListener) update(id int, f func(*ldapConn)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.conns[id]
	if !ok {
		c = &ldapConn{tls: l.tls}
		l.conns[id] = c
	}
	f(c)
}

func (l *ldapListener) forget(id int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns, id)
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("lab ldap: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// ldapLogSink takes gldap's log. gldap cannot route ModifyDN (request type
// 12): it logs the request and drops the connection, which is where the
// attempt is recorded.
type ldapLogSink struct{ s *LDAPServer }

func (k ldapLogSink) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "unhandled request type 12") {
		k.s.violation("modifyDN (connection dropped)")
	}
	return len(p), nil
}
