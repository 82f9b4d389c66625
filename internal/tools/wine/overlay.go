package wine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// patch replaces one piece of a GOROOT source file for the test builds.
type patch struct {
	file     string // under GOROOT/src
	old, new string // old must occur exactly once
	why      string
}

// patches bridge what Wine 8.0 does not implement and Go's standard
// library relies on. They go into test builds only, through -overlay.
var patches = []patch{
	{
		file: "net/fd_windows.go",
		old: "windows.SIO_UDP_NETRESET, (*byte)(unsafe.Pointer(&flag)), size, nil, 0, &ret, nil, 0)\n" +
			"\t\tif err != nil {",
		new: "windows.SIO_UDP_NETRESET, (*byte)(unsafe.Pointer(&flag)), size, nil, 0, &ret, nil, 0)\n" +
			"\t\tif err != nil && err != syscall.Errno(10045) { // WSAEOPNOTSUPP: Wine 8.0 (exdiag test overlay)",
		why: "Wine 8.0 answers the SIO_UDP_NETRESET ioctl (go.dev/issue/68614) with WSAEOPNOTSUPP, so no UDP socket opens",
	},
	{
		file: "internal/syscall/windows/at_windows.go",
		old:  "\t\tSTATUS_NOT_SUPPORTED:     // the file system doesn't support FILE_DISPOSITION_INFORMATION_EX or one of the flags\n",
		new: "\t\tSTATUS_NOT_SUPPORTED, // the file system doesn't support FILE_DISPOSITION_INFORMATION_EX or one of the flags\n" +
			"\t\tNTStatus(0xC0000002): // STATUS_NOT_IMPLEMENTED: Wine 8.0 (exdiag test overlay)\n",
		why: "Wine 8.0 answers FileDispositionInformationEx with STATUS_NOT_IMPLEMENTED, so os.RemoveAll of a folder fails",
	},
}

// writeOverlay writes the patched copies of the files into dir and an
// overlay file for `go build -overlay`. It fails, naming the file and the
// Go version, when a patch no longer applies: the patch must then be
// redone for that version (or dropped, if Go or Wine no longer need it).
func writeOverlay(goroot, goversion, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	replace := map[string]string{}
	for _, p := range patches {
		src := filepath.Join(goroot, "src", filepath.FromSlash(p.file))
		data, err := os.ReadFile(src)
		if err != nil {
			return "", fmt.Errorf("wine tier: overlay for %s: %w", goversion, err)
		}
		if n := strings.Count(string(data), p.old); n != 1 {
			return "", fmt.Errorf("wine tier: the patch of %s no longer applies to %s (the text it replaces occurs %d times, want once): "+
				"redo it in internal/tools/wine/overlay.go for this Go version; it exists because %s", src, goversion, n, p.why)
		}
		dst := filepath.Join(dir, strings.ReplaceAll(p.file, "/", "_"))
		if err := os.WriteFile(dst, []byte(strings.Replace(string(data), p.old, p.new, 1)), 0o644); err != nil {
			return "", err
		}
		replace[src] = dst
	}
	data, err := json.MarshalIndent(map[string]any{"Replace": replace}, "", "\t")
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(dir, "overlay.json")
	return overlay, os.WriteFile(overlay, data, 0o644)
}
