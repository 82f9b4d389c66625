// Command sambatier says whether this machine runs the Samba AD DC tier
// (internal/lab/samba). `make test` runs it after the tests, so that a
// tier that skipped says so in one visible line instead of hiding behind
// the package's "ok"; with EXDIAG_REQUIRE_SAMBA=1 a machine that cannot
// run the tier fails.
package main

import (
	"fmt"
	"os"

	"github.com/exdiag/exdiag/internal/lab/samba"
)

func main() {
	p := samba.Problem()
	switch {
	case p == "":
		fmt.Println("Samba AD DC tier: this machine runs it, in a network namespace of its own")
	case samba.Required():
		fmt.Printf("FAILED: Samba AD DC tier (%s), which %s=1 requires\n", p, samba.RequireVar)
		os.Exit(1)
	default:
		fmt.Printf("SKIPPED: Samba AD DC tier (%s)\n", p)
	}
}
