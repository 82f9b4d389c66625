package cli

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/exdiag/exdiag/internal/lab"
	"github.com/exdiag/exdiag/internal/remedy"
	"github.com/exdiag/exdiag/internal/report"
)

// LabOptions are the flags of `exdiag demo` and `exdiag lab`.
type LabOptions struct {
	Scenario string
	// Check flags passed through by demo.
	Format, Color, FailOn string
	Verbose               bool
}

func addScenarioFlag(cmd *cobra.Command, o *LabOptions) {
	cmd.Flags().StringVar(&o.Scenario, "scenario", "all", "lab `SCENARIO`: "+strings.Join(lab.Scenarios(), ", ")+" (demo also: hostile)")
}

// NewCmdDemo builds `exdiag demo`: start the lab, run the real check
// against it with public flags only, print the report, stop.
func NewCmdDemo(f *Factory) *cobra.Command {
	o := &LabOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run exdiag against a simulated Exchange organisation on loopback",
		Long: `Start the embedded lab (a domain controller, a DNS server and Exchange servers
on loopback, with certificates from a lab CA), run the real "exdiag check"
against it, print the report, and stop. The lab's clock is fixed, so the
report is the same on every run. Exit codes are those of check.

Scenarios:
` + scenarioList(hostileScenario),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			extra := []string{"--format", o.Format, "--color", o.Color, "--fail-on", o.FailOn}
			if o.Verbose {
				extra = append(extra, "--verbose")
			}
			if o.Scenario == "hostile" {
				return demoHostile(cmd.Context(), f, extra)
			}
			l, err := startLab(o.Scenario)
			if err != nil {
				return err
			}
			args := append(l.CheckArgs(), extra...)
			err = runCheckIn(cmd.Context(), f, args, lab.LabPassword+"\n")
			if cerr := l.Close(); cerr != nil && err == nil {
				err = runError(cerr)
			}
			return err
		},
	}
	addScenarioFlag(cmd, o)
	cmd.Flags().StringVar(&o.Format, "format", "text", "output `FORMAT`: "+report.FormatNames)
	cmd.Flags().BoolVarP(&o.Verbose, "verbose", "v", false, "also list every URL, the directory objects, endpoints and certificates")
	cmd.Flags().StringVar(&o.Color, "color", "auto", "colour text output: auto, always or never")
	cmd.Flags().StringVar(&o.FailOn, "fail-on", "error", "exit 1 when a finding is at or above `LEVEL`: error, warning or never")
	return cmd
}

// demoHostile runs check against the hostile endpoints: servers that
// misbehave in every way the hardening tests know, each giving a finding
// within --timeout.
func demoHostile(ctx context.Context, f *Factory, extra []string) error {
	h, err := lab.StartHostile(nil)
	if err != nil {
		return runError(err)
	}
	defer h.Close()
	return runCheckIn(ctx, f, append(append(h.CheckArgs(), "--timeout", "2s"), extra...), "")
}

// runCheckIn runs `exdiag check args...` in-process with stdin replaced.
func runCheckIn(ctx context.Context, f *Factory, args []string, stdin string) error {
	g := *f
	g.IO = f.IO.WithInput(strings.NewReader(stdin))
	cmd := NewCmdCheck(&g)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErrorf("", "%s", err) })
	return cmd.ExecuteContext(ctx)
}

func startLab(name string) (*lab.Lab, error) {
	if _, err := lab.Load(name); err != nil {
		return nil, usageErrorf("use --scenario "+strings.Join(lab.Scenarios(), ", "), "%s", err)
	}
	l, err := lab.Start(name)
	if err != nil {
		return nil, runError(err)
	}
	return l, nil
}

func scenarioList(extra ...[2]string) string {
	rows := make([][2]string, 0, len(lab.Scenarios())+len(extra))
	for _, n := range lab.Scenarios() {
		s, _ := lab.Load(n)
		rows = append(rows, [2]string{n, s.Description})
	}
	rows = append(rows, extra...)
	width := 0
	for _, r := range rows {
		width = max(width, len(r[0]))
	}
	var b strings.Builder
	indent := strings.Repeat(" ", 2+width+2)
	for _, r := range rows {
		lines := explainWrap(r[1], indent, 80)
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r[0], strings.TrimPrefix(lines[0], indent))
		for _, l := range lines[1:] {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// hostileScenario is demo's own scenario: no directory, only endpoints.
var hostileScenario = [2]string{"hostile", "servers that misbehave in every way exdiag knows (silent, trickling, garbage, resets, 1 MB chains, 5,000 SANs, MD5, RSA-1024, TLS 1.0, broken STARTTLS, dead DNS)"}

// NewCmdLab builds `exdiag lab`: keep the lab running and say how to point
// exdiag (and ldapsearch) at it.
func NewCmdLab(f *Factory) *cobra.Command {
	o := &LabOptions{}
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Keep a simulated Exchange organisation running on loopback to explore",
		Long:  "Start the embedded lab and keep it running until interrupted (Ctrl+C), printing\nthe exdiag check command and an ldapsearch command that point at it.\n\nScenarios:\n" + scenarioList(),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := startLab(o.Scenario)
			if err != nil {
				return err
			}
			out := f.IO.Out
			fmt.Fprintf(out, "exdiag lab: scenario %s is running; stop it with Ctrl+C\n  %s\n\n", l.Scenario.Name, l.Scenario.Description)
			fmt.Fprintf(out, "Check it (the lab's clock is %s, hence --as-of):\n  %s\n\n", lab.Clock.Format("2006-01-02"), labCheckCommand(l))
			fmt.Fprintf(out, "Or from its ldifde export:\n  %s\n\n", shellJoin(append([]string{"exdiag", "check", "--ldif", l.LDIFFile()}, l.NetworkArgs()...)))
			fmt.Fprintf(out, "Read its directory:\n  %s\n", ldapsearchCommand(l))
			<-cmd.Context().Done()
			fmt.Fprintln(f.IO.ErrOut, "exdiag lab: stopping")
			if err := l.Close(); err != nil {
				return runError(err)
			}
			return nil
		},
	}
	addScenarioFlag(cmd, o)
	return cmd
}

func labCheckCommand(l *lab.Lab) string {
	cmd := shellJoin(append([]string{"exdiag", "check"}, l.CheckArgs()...))
	pw, _ := remedy.Quote(lab.LabPassword)
	if runtime.GOOS == "windows" {
		return pw + " | " + cmd
	}
	return "printf '%s\\n' " + pw + " | " + cmd
}

func ldapsearchCommand(l *lab.Lab) string {
	o := l.Scenario.Org
	args := []string{"ldapsearch", "-H", "ldaps://" + l.LDAP.LDAPSAddr(), "-x", "-D", lab.LabUser, "-w", lab.LabPassword,
		"-b", "CN=Microsoft Exchange,CN=Services," + o.ConfigNC(), "(objectClass=msExchVirtualDirectory)", "msExchInternalHostName", "msExchExternalHostName"}
	return "LDAPTLS_CACERT=" + shellQuote(l.CAFile()) + " " + shellJoin(args)
}

// shellJoin quotes arguments for a POSIX shell or PowerShell: single quotes
// work in both; a single quote inside is doubled for PowerShell and closed
// and reopened for sh.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !isPlain(r) }) {
		return s
	}
	if runtime.GOOS == "windows" {
		q, _ := remedy.Quote(s)
		return q
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func isPlain(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || slices.Contains([]rune("-_./:=@,+"), r))
}
