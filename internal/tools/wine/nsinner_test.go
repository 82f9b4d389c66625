package wine

import (
	"fmt"
	"os"
)

// The namespace tests run in a second process of this test binary, inside
// the namespace TestNamespace makes; these variables tell it where things are.
const (
	nsEnv     = "EXDIAG_WINE_NETNS"  // the namespace's name
	prefixEnv = "EXDIAG_WINE_PREFIX" // a prefix of its own (its wineserver runs in the namespace)
	exeEnv    = "EXDIAG_WINE_EXE"
	testsEnv  = "EXDIAG_WINE_TESTS" // the Windows test binaries
	rootEnv   = "EXDIAG_WINE_ROOT"  // the module
)

func inNamespace() bool { return os.Getenv(nsEnv) != "" }

func prepareInNamespace() error {
	for _, k := range []string{prefixEnv, exeEnv, testsEnv, rootEnv} {
		if os.Getenv(k) == "" {
			return fmt.Errorf("wine tier: %s is not set in the namespace", k)
		}
	}
	var err error
	tier.env, err = Open(os.Getenv(prefixEnv))
	tier.exe, tier.root = os.Getenv(exeEnv), os.Getenv(rootEnv)
	return err
}

func logf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
