package ad

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// How reach tries the DCs of a domain. Windows' locator pings the DCs the
// SRV records give one after another, waiting a tenth of a second for an
// answer after each, and takes the first that answers ("Windows 2000 DNS"
// white paper, IP/DNS DC Locator Algorithm).
const (
	reachParallel = 4                      // attempts at once
	reachStagger  = 100 * time.Millisecond // between the starts of two attempts
	reachTimeouts = 2                      // the whole search ends within this many --timeout
)

// reach connects to the first of targets (in priority and weight order)
// that answers as a domain controller: attempts start reachStagger apart,
// or as soon as one fails, at most reachParallel at once; each has one
// --timeout for the connection, TLS and the RootDSE, all of them
// reachTimeouts × --timeout. The first good answer wins and the other
// attempts are stopped. It returns the session and the DC's RootDSE.
func reach(ctx context.Context, o ConnectOptions, targets []target) (*session, Entry, error) {
	deadline := time.Now().Add(reachTimeouts * o.timeout())
	rctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	type result struct {
		i    int
		s    *session
		root Entry
		err  error
	}
	results := make(chan result, len(targets))
	errs := make([]error, len(targets))
	next, running := 0, 0
	start := func() {
		i := next
		next++
		running++
		go func() {
			actx, done := context.WithTimeout(rctx, o.timeout())
			defer done()
			s, root, err := ping(actx, o, targets[i])
			results <- result{i, s, root, err}
		}()
	}
	start()
	stagger := time.NewTimer(reachStagger)
	defer stagger.Stop()
	var won *result
	// A context's Err follows its deadline only once a timer has run: the
	// clock says sooner that no attempt may start.
	more := func() bool {
		return won == nil && next < len(targets) && rctx.Err() == nil && time.Now().Before(deadline)
	}
	for running > 0 {
		select {
		case r := <-results:
			running--
			switch {
			case r.err == nil && won == nil:
				won = &r
				cancel()
			case r.err == nil:
				r.s.close()
			default:
				errs[r.i] = r.err
				if more() {
					start()
					stagger.Reset(reachStagger)
				}
			}
		case <-stagger.C:
			if more() && running < reachParallel {
				start()
			}
			stagger.Reset(reachStagger)
		}
	}
	if won != nil {
		return won.s, won.root, nil
	}
	return nil, Entry{}, reachFailure(errs, next, o.timeout())
}

// reachFailure is the first DC's failure, the others summed up in the hint.
func reachFailure(errs []error, tried int, timeout time.Duration) error {
	var first error
	for _, err := range errs {
		if err != nil {
			first = err
			break
		}
	}
	var e *Error
	if len(errs) > 1 && errors.As(first, &e) {
		more := fmt.Sprintf("(the %d other DCs found failed too)", len(errs)-1)
		if tried < len(errs) {
			more = fmt.Sprintf("(%d of the %d DCs found were tried within %s; none answered)", tried, len(errs), reachTimeouts*timeout)
		}
		e.Hint = strings.TrimSpace(e.Hint + " " + more)
	}
	return first
}

// ping is one attempt of reach: connect, and read the RootDSE as an LDAP
// ping would, within ctx. Only a domain controller answers with a
// configuration naming context.
func ping(ctx context.Context, o ConnectOptions, t target) (*session, Entry, error) {
	s, err := connect(ctx, o, t)
	if err != nil {
		return nil, Entry{}, err
	}
	stop := context.AfterFunc(ctx, func() { s.conn.Close() })
	root, err := newSearcher(s, o.timeout(), &Stats{}).base("", rootDSEAttrs)
	op := "read the RootDSE of " + t.addr()
	switch {
	case !stop():
		s.conn.Close()
		return nil, Entry{}, &Error{Op: op, Err: ctx.Err(), Hint: netHint(ctx.Err())}
	case err != nil:
		s.conn.Close()
		return nil, Entry{}, s.explain(failure(op, err, ldapHint))
	case root.First("configurationNamingContext") == "":
		s.conn.Close()
		return nil, Entry{}, &Error{Op: op, Err: errors.New("no configurationNamingContext"),
			Hint: "this is not an Active Directory domain controller: give a DC in --ldap-url"}
	}
	return s, root, nil
}
