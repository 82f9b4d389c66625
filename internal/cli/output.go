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

// writeScript writes the fixes as a PowerShell script, never over an
// existing file unless --force: a reviewed change must not be clobbered.
func (o *CheckOptions) writeScript(rep *diag.Report) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if o.Force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(o.Script, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return runError(fmt.Errorf("--script %s already exists", o.Script), "choose another file name, or add --force to overwrite it")
	}
	if err != nil {
		return runError(fmt.Errorf("--script: %w", err))
	}
	_, werr := f.WriteString(remedy.Script(rep, o.Version))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return runError(fmt.Errorf("--script %s: %w", o.Script, werr))
	}
	return nil
}

// render writes the report and turns findings into the exit code.
func (o *CheckOptions) render(rep *diag.Report) error {
	format, _ := report.ParseFormat(o.Format)
	mode, _ := term.ParseColorMode(o.Color)
	failOn, never, _ := parseFailOn(o.FailOn)
	ropts := report.Options{
		Format: format, Palette: term.NewPalette(format == report.Text && o.IO.StdoutColor(mode)), ToolVersion: o.Version,
		FailOn: failOn, FailNever: never, WarnDays: o.WarnDays,
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
