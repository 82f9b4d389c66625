package wine

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// The Go runtime (1.22+) loads bcryptprimitives.dll!ProcessPrng for its
// random numbers; Wine 8.0 has no such DLL, so every Go program dies at
// start. The shim forwards ProcessPrng to advapi32!SystemFunction036
// (RtlGenRandom): both fill a buffer and return non-zero on success, which
// is all the runtime and crypto/rand check.
const (
	shimAsm = "\t.text\n\t.globl DllMain\nDllMain:\n\tmovl $1, %eax\n\tret\n"
	shimDef = "LIBRARY bcryptprimitives.dll\nEXPORTS\n\tProcessPrng = advapi32.SystemFunction036\n"
)

// buildShim assembles and links the shim into dir with the mingw binutils.
func buildShim(dir string) (string, error) {
	as, ld := "x86_64-w64-mingw32-as", "x86_64-w64-mingw32-ld"
	for _, tool := range []string{as, ld} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("wine tier: %s missing (apt-get install binutils-mingw-w64-x86-64): %w", tool, err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	src, def := filepath.Join(dir, "shim.s"), filepath.Join(dir, "shim.def")
	obj, dll := filepath.Join(dir, "shim.o"), filepath.Join(dir, "bcryptprimitives.dll")
	if err := os.WriteFile(src, []byte(shimAsm), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(def, []byte(shimDef), 0o644); err != nil {
		return "", err
	}
	for _, args := range [][]string{
		{as, "-o", obj, src},
		{ld, "--dll", "-e", "DllMain", "--subsystem", "windows", "-o", dll, obj, def},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("wine tier: build the bcryptprimitives shim: %s: %w\n%s", args[0], err, out)
		}
	}
	return dll, nil
}
