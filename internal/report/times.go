package report

import (
	"strings"
	"time"

	"github.com/exdiag/exdiag/internal/diag"
)

// Times as reports print them: the run's, the judgement's, and what is left
// of a certificate's validity.

// asOf is when the report judges validity: Report.AsOf, or GeneratedAt for
// a report made without it.
func asOf(rep *diag.Report) time.Time {
	if rep.AsOf.IsZero() {
		return rep.GeneratedAt
	}
	return rep.AsOf
}

// when is "checked 2026-06-01T12:00:00Z", or with --as-of "judged as of
// 2030-01-01T00:00:00Z, run 2026-06-01T12:00:00Z".
func when(rep *diag.Report) string {
	at := asOf(rep)
	if timestamp(at) == timestamp(rep.GeneratedAt) || rep.GeneratedAt.IsZero() {
		return "checked " + timestamp(at)
	}
	return "judged as of " + timestamp(at) + ", run " + timestamp(rep.GeneratedAt)
}

// timestamp formats t as RFC 3339 in UTC, to the second.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func date(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// lifetime is "(12 days left)", "(expires today)", "(expired 92 days ago)"
// or "(not valid until 2026-07-01)". Days are calendar days in UTC, so a
// certificate ending on 2026-06-13 has 12 days left on 2026-06-01 whatever
// the hour.
func lifetime(c *diag.CertInfo, now time.Time) string {
	if c.NotBefore.After(now) {
		return "(not valid until " + date(c.NotBefore) + ")"
	}
	days := diag.CalendarDays(now, c.NotAfter)
	switch {
	case c.NotAfter.Before(now) && days == 0:
		return "(expired today)"
	case c.NotAfter.Before(now):
		return "(expired " + plural(int(-days), "day") + " ago)"
	case days == 0:
		return "(expires today)"
	}
	return "(" + plural(int(days), "day") + " left)"
}

// expiry is "expires 2026-06-13 (12 days left)" or "expired 2026-03-01 (92
// days ago)".
func expiry(c *diag.CertInfo, now time.Time) string {
	if c.NotAfter.Before(now) && !c.NotBefore.After(now) {
		return "expired " + date(c.NotAfter) + " (" + strings.TrimPrefix(lifetime(c, now), "(expired ")
	}
	return "expires " + date(c.NotAfter) + " " + lifetime(c, now)
}
