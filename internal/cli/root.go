// Package cli wires exdiag's commands: flags, options structs, exit codes.
// No cobra type leaves this package.
package cli

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/exdiag/exdiag/internal/report"
	"github.com/exdiag/exdiag/internal/safetext"
	"github.com/exdiag/exdiag/internal/term"
)

// Main runs exdiag with the process's arguments and returns its exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The first Ctrl+C ends the run cleanly (exit 130, saying what was
	// done); a second one, with the default handler back, ends it at once.
	context.AfterFunc(ctx, stop)
	if len(os.Args) > 1 {
		cobra.MousetrapHelpText = ""
	} else {
		cobra.MousetrapHelpText = "exdiag is a command-line tool.\nOpen PowerShell and run: exdiag check"
	}
	return Run(ctx, NewFactory(term.System(), buildVersion()), os.Args[1:])
}

// Run executes one exdiag command line against f and returns the exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	defer f.IO.Flush()
	root := NewCmdRoot(f)
	root.SetArgs(args)
	_, err := root.ExecuteContextC(ctx)
	var ec exitCoder
	if err != nil && !errors.As(err, &ec) {
		// cobra's own errors: unknown command, bad flag, wrong arguments.
		err = usageErrorf("run 'exdiag --help' for usage", "%s", strings.TrimPrefix(err.Error(), "Error: "))
	}
	var ee *exitError
	// Ctrl+C keeps exit 130: it is no plugin status, and no one monitors it.
	if errors.As(err, &ee) && ee.code != ExitInterrupted && nagiosRequested(args) {
		// A monitoring system shows stdout and reads 3 as UNKNOWN.
		report.WriteNagiosUnknown(f.IO.Out, safetext.Escape(err.Error()))
		printError(f.IO.ErrOut, err)
		return report.NagiosUnknown
	}
	return printError(f.IO.ErrOut, err)
}

// nagiosRequested reports --format nagios among args.
func nagiosRequested(args []string) bool {
	for i, a := range args {
		if a == "--format=nagios" || a == "--format" && i+1 < len(args) && args[i+1] == "nagios" {
			return true
		}
	}
	return false
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "exdiag",
		Short: "Find why Outlook says the security certificate name is invalid",
		Long: `exdiag reads the URLs Exchange publishes in Active Directory (the Autodiscover
SCP, virtual directory InternalUrl/ExternalUrl, Outlook Anywhere host names, the
EXPR CertPrincipalName), connects to each, and reports every certificate name,
expiry, trust and DNS problem an Outlook client would hit, with the Exchange
Management Shell command that fixes it.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: true},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageErrorf("run 'exdiag --help' for usage", "%s", err)
	})
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.AddCommand(NewCmdCheck(f), NewCmdDemo(f), NewCmdLab(f), NewCmdExplain(f), NewCmdVersion(f), NewCmdCompletion(f))
	return root
}
