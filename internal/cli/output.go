package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/remedy"
	"github.com/exdiag/exdiag/internal/report"
	"github.com/exdiag/exdiag/internal/term"
)

// scriptFile is --script's file, opened before any network work so that a
// run never ends unable to write it. It is never written over unless
// --force: a reviewed change must not be clobbered.
type scriptFile struct {
	f       *os.File
	name    string
	created bool // removed again when the run ends without writing it
	written bool
}

// openScript opens --script's file, or returns nil without --script.
func (o *CheckOptions) openScript() (*scriptFile, error) {
	if o.Script == "" {
		return nil, nil
	}
	f, err := os.OpenFile(o.Script, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	created := err == nil
	if errors.Is(err, fs.ErrExist) && o.Force {
		f, err = os.OpenFile(o.Script, os.O_WRONLY, 0)
	}
	if errors.Is(err, fs.ErrExist) {
		return nil, runError(fmt.Errorf("--script %s already exists", o.Script), "choose another file name, or add --force to overwrite it")
	}
	if err != nil {
		return nil, runError(fmt.Errorf("--script: %w", err), "give a file in a folder you can write to")
	}
	return &scriptFile{f: f, name: o.Script, created: created}, nil
}

// write replaces the file's content with the fixes as a PowerShell script.
func (s *scriptFile) write(rep *diag.Report, version string) error {
	if s == nil {
		return nil
	}
	s.written = true
	err := s.f.Truncate(0)
	if err == nil {
		_, err = s.f.WriteString(remedy.Script(rep, version))
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return runError(fmt.Errorf("--script %s: %w", s.name, err))
	}
	return nil
}

// abandon closes a file the run did not write, and removes it if the run
// created it.
func (s *scriptFile) abandon() {
	if s == nil || s.written {
		return
	}
	s.f.Close()
	if s.created {
		os.Remove(s.name)
	}
}

// render writes the report and turns findings into the exit code.
func (o *CheckOptions) render(rep *diag.Report) error {
	format, _ := report.ParseFormat(o.Format)
	mode, _ := term.ParseColorMode(o.Color)
	failOn, never, _ := parseFailOn(o.FailOn)
	ropts := report.Options{
		Format: format, Palette: term.NewPalette(format == report.Text && o.IO.StdoutColor(mode)), ToolVersion: o.Version,
		FailOn: failOn, FailNever: never, WarnDays: o.WarnDays, Verbose: o.Verbose, Width: o.IO.StdoutWidth(),
	}
	if err := report.Render(o.IO.Out, rep, ropts); err != nil {
		return runError(fmt.Errorf("write report: %w", err))
	}
	if format == report.Nagios {
		// Monitoring reads the plugin status, not exdiag's exit codes.
		if st := report.NagiosStatus(rep, ropts); st != report.NagiosOK {
			return &silentExit{code: st, why: fmt.Sprintf("nagios status %d", st)}
		}
		return nil
	}
	if never {
		return nil
	}
	n := 0
	for _, f := range rep.Findings {
		if f.Severity >= failOn {
			n++
		}
	}
	if n > 0 {
		return findingsExit(n)
	}
	return nil
}
