// Command dist packs the release: `make dist` builds one binary per platform
// into DIR/exdiag_VERSION_OS_ARCH/ and then runs
//
//	go run ./internal/tools/dist -extra README.md,LICENSE DIR
//
// which turns each such folder, with the extra files, into
// DIR/exdiag_VERSION_OS_ARCH.zip (Windows) or .tar.gz (every other OS),
// removes the folder, and writes DIR/SHA256SUMS in the format of
// sha256sum(1). Archives are byte-for-byte reproducible: entries are sorted,
// owners and permissions fixed, and every time stamp is SOURCE_DATE_EPOCH
// (https://reproducible-builds.org/specs/source-date-epoch/), which the
// Makefile sets to the commit's time.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	extra := flag.String("extra", "", "comma-separated `FILES` added to every archive beside the binary")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: dist [-extra FILES] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	epoch, err := sourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err == nil {
		err = run(flag.Arg(0), splitList(*extra), epoch)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dist: error:", err)
		os.Exit(1)
	}
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH; unset means 0 (1970), so that an
// archive never carries the time it was made.
func sourceDateEpoch(s string) (time.Time, error) {
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a count of seconds since 1970", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

func splitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// run packs every exdiag_* folder of dir and writes SHA256SUMS.
func run(dir string, extras []string, epoch time.Time) error {
	for _, e := range extras {
		if fi, err := os.Stat(e); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("-extra %s: not a regular file", e)
		}
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var archives []string
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "exdiag_") {
			continue
		}
		name, err := pack(dir, e.Name(), extras, epoch)
		if err != nil {
			return err
		}
		archives = append(archives, name)
	}
	if len(archives) == 0 {
		return fmt.Errorf("%s holds no exdiag_VERSION_OS_ARCH folder to pack: run make dist", dir)
	}
	slices.Sort(archives)
	return writeSums(dir, archives)
}

// pack writes dir/folder.zip or dir/folder.tar.gz and removes the folder.
// Inside, every file sits under folder/, as the README's install steps expect.
func pack(dir, folder string, extras []string, epoch time.Time) (string, error) {
	goos, err := osOf(folder)
	if err != nil {
		return "", err
	}
	exe := "exdiag"
	if goos == "windows" {
		exe += ".exe"
	}
	files := []file{{name: folder + "/" + exe, path: filepath.Join(dir, folder, exe), mode: 0o755}}
	for _, e := range extras {
		files = append(files, file{name: folder + "/" + filepath.Base(e), path: e, mode: 0o644})
	}
	if fi, err := os.Stat(files[0].path); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: no %s in it", filepath.Join(dir, folder), exe)
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })
	name := folder + ".tar.gz"
	write := writeTarGz
	if goos == "windows" {
		name, write = folder+".zip", writeZip
	}
	if err := write(filepath.Join(dir, name), folder+"/", files, epoch); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return name, os.RemoveAll(filepath.Join(dir, folder))
}

// osOf reads OS from exdiag_VERSION_OS_ARCH.
func osOf(folder string) (string, error) {
	parts := strings.Split(folder, "_")
	if len(parts) < 4 || slices.Contains(parts, "") {
		return "", errors.New(folder + ": want a folder named exdiag_VERSION_OS_ARCH")
	}
	return parts[len(parts)-2], nil
}

// file is one archive member: its name in the archive and where it is read from.
type file struct {
	name, path string
	mode       os.FileMode
}
