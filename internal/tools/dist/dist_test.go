package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// stage lays out what make dist's builds leave: one folder per platform
// holding the binary, and the extra files elsewhere.
func stage(t *testing.T) (dir string, extras []string) {
	t.Helper()
	dir = t.TempDir()
	for folder, exe := range map[string]string{"exdiag_v1.2.3_linux_amd64": "exdiag", "exdiag_v1.2.3_windows_arm64": "exdiag.exe"} {
		if err := os.MkdirAll(filepath.Join(dir, folder), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, folder, exe), []byte("binary of "+folder), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	src := t.TempDir()
	for _, name := range []string{"README.md", "LICENSE"} {
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, []byte("text of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		extras = append(extras, p)
	}
	return dir, extras
}

func TestPackIsReproducible(t *testing.T) {
	epoch := time.Unix(1767225600, 0).UTC() // 2026-01-01
	var sums []string
	for range 2 {
		dir, extras := stage(t)
		if err := run(dir, extras, epoch); err != nil {
			t.Fatal(err)
		}
		sumsFile, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, string(sumsFile))
		checkDir(t, dir, string(sumsFile))
	}
	if sums[0] != sums[1] {
		t.Errorf("two runs gave different archives:\n%s\n%s", sums[0], sums[1])
	}
}

// checkDir checks that dir holds exactly the two archives and SHA256SUMS,
// that the sums match, and what each archive holds.
func checkDir(t *testing.T, dir, sums string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := []string{"SHA256SUMS", "exdiag_v1.2.3_linux_amd64.tar.gz", "exdiag_v1.2.3_windows_arm64.zip"}
	if !slices.Equal(names, want) {
		t.Fatalf("dist holds %v, want %v", names, want)
	}
	var lines []string
	for _, name := range want[1:] {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		sum := sha256.Sum256(data)
		lines = append(lines, hex.EncodeToString(sum[:])+"  "+name)
	}
	if got := strings.Join(lines, "\n") + "\n"; sums != got {
		t.Errorf("SHA256SUMS:\n%s\nwant:\n%s", sums, got)
	}
	epoch := time.Unix(1767225600, 0).UTC()
	linux := "exdiag_v1.2.3_linux_amd64/"
	wantMembers := []string{linux + " dir", linux + "LICENSE 644 text of LICENSE", linux + "README.md 644 text of README.md",
		linux + "exdiag 755 binary of exdiag_v1.2.3_linux_amd64"}
	if got := tarMembers(t, filepath.Join(dir, want[1]), epoch); !slices.Equal(got, wantMembers) {
		t.Errorf("tar members:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantMembers, "\n"))
	}
	win := "exdiag_v1.2.3_windows_arm64/"
	wantMembers = []string{win + " dir", win + "LICENSE 644 text of LICENSE", win + "README.md 644 text of README.md",
		win + "exdiag.exe 755 binary of exdiag_v1.2.3_windows_arm64"}
	if got := zipMembers(t, filepath.Join(dir, want[2]), epoch); !slices.Equal(got, wantMembers) {
		t.Errorf("zip members:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantMembers, "\n"))
	}
}

// tarMembers lists "name mode content" per member, and fails on a member
// with another time or an owner.
func tarMembers(t *testing.T, path string, epoch time.Time) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if !gz.ModTime.IsZero() || gz.Name != "" {
		t.Errorf("gzip header carries time %v, name %q", gz.ModTime, gz.Name)
	}
	var out []string
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if !h.ModTime.Equal(epoch) || h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: time %v, owner %d/%d %q/%q", h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		out = append(out, member(h.Name, h.FileInfo().Mode(), tr))
	}
}

func zipMembers(t *testing.T, path string, epoch time.Time) []string {
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		if !f.Modified.Equal(epoch) {
			t.Errorf("%s: time %v", f.Name, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, member(f.Name, f.Mode(), rc))
		rc.Close()
	}
	return out
}

func member(name string, mode os.FileMode, r io.Reader) string {
	if mode.IsDir() {
		return name + " dir"
	}
	var b bytes.Buffer
	io.Copy(&b, r)
	return fmt.Sprintf("%s %o %s", name, mode.Perm(), b.String())
}

func TestRunRefusesWhatItCannotPack(t *testing.T) {
	dir, extras := stage(t)
	for name, tc := range map[string]struct {
		dir    string
		extras []string
		want   string
	}{
		"empty folder":  {t.TempDir(), nil, "no exdiag_VERSION_OS_ARCH folder"},
		"missing extra": {dir, append(extras, filepath.Join(dir, "NOTICE")), "NOTICE: not a regular file"},
	} {
		if err := run(tc.dir, tc.extras, time.Unix(0, 0)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "exdiag_linux"), 0o755)
	if err := run(bad, nil, time.Unix(0, 0)); err == nil || !strings.Contains(err.Error(), "exdiag_VERSION_OS_ARCH") {
		t.Errorf("badly named folder: %v", err)
	}
	noBinary := t.TempDir()
	os.MkdirAll(filepath.Join(noBinary, "exdiag_v1_linux_amd64"), 0o755)
	if err := run(noBinary, nil, time.Unix(0, 0)); err == nil || !strings.Contains(err.Error(), "no exdiag in it") {
		t.Errorf("folder without its binary: %v", err)
	}
	if _, err := sourceDateEpoch("yesterday"); err == nil {
		t.Error("SOURCE_DATE_EPOCH=yesterday accepted")
	}
}
