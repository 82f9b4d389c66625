package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// completionShells are the shells `exdiag completion` writes a script for.
var completionShells = []string{"powershell", "bash", "zsh", "fish"}

const completionLong = `Write the tab-completion script for SHELL to standard output.

Completion covers commands, flags and flag values (--format, --color,
--fail-on, --auth).

PowerShell (Windows PowerShell 5.1 and PowerShell 7), for the current session:
  exdiag completion powershell | Out-String | Invoke-Expression
and for every session, add that line to your profile:
  Add-Content $PROFILE 'exdiag completion powershell | Out-String | Invoke-Expression'
Create the profile first if Test-Path $PROFILE says False:
  New-Item -Type File -Force $PROFILE
and if PowerShell then says running scripts is disabled on this system:
  Set-ExecutionPolicy -Scope CurrentUser RemoteSigned

Bash (needs the bash-completion package):
  source <(exdiag completion bash)
  exdiag completion bash > /etc/bash_completion.d/exdiag        # Linux, every user

Zsh:
  source <(exdiag completion zsh)
  exdiag completion zsh > "${fpath[1]}/_exdiag"                 # every session

Fish:
  exdiag completion fish | source
  exdiag completion fish > ~/.config/fish/completions/exdiag.fish`

// NewCmdCompletion builds `exdiag completion SHELL`.
func NewCmdCompletion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:                   "completion powershell|bash|zsh|fish",
		Short:                 "Write the tab-completion script for PowerShell, bash, zsh or fish",
		Long:                  completionLong,
		DisableFlagsInUseLine: true,
		ValidArgs:             completionShells,
		Args: func(_ *cobra.Command, args []string) error {
			hint := "use exdiag completion powershell, bash, zsh or fish"
			switch {
			case len(args) != 1:
				return usageErrorf(hint, "completion takes one shell name, got %d arguments", len(args))
			case !slices.Contains(completionShells, strings.ToLower(args[0])):
				return usageErrorf(hint, "unknown shell %q", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, w := cmd.Root(), f.IO.Out
			var err error
			switch strings.ToLower(args[0]) {
			case "powershell":
				err = root.GenPowerShellCompletionWithDesc(w)
			case "bash":
				err = root.GenBashCompletionV2(w, true)
			case "zsh":
				err = root.GenZshCompletion(w)
			case "fish":
				err = root.GenFishCompletion(w, true)
			}
			if err != nil {
				return runError(fmt.Errorf("write completion script: %w", err))
			}
			return nil
		},
	}
}

// checkFlagValues are the values the shells offer for check's enumerated
// flags, with the description PowerShell, zsh and fish show beside each.
var checkFlagValues = map[string][]string{
	"format": {
		"text\tfor a terminal or a plain-text ticket (default)",
		"markdown\tfor a helpdesk ticket",
		"json\tfor scripts (schema exdiag.report/v1)",
		"junit\tJUnit XML for Azure DevOps, Jenkins and GitLab test views",
		"nagios\tmonitoring plugin output for Nagios, Icinga and Naemon",
	},
	"color": {"auto\tcolour when writing to a terminal (default)", "always\talways colour", "never\tnever colour"},
	"fail-on": {
		"error\texit 1 on errors (default)",
		"warning\texit 1 on warnings and errors",
		"never\texit 0 whatever is found",
	},
	"auth": {
		"negotiate\tthe signed-in user's Kerberos ticket; with --user, a password bind (default)",
		"kerberos\tKerberos",
		"ntlm\tNTLM",
		"simple\tLDAP simple bind with --user's password",
		"anonymous\tno bind",
	},
}

// registerCheckCompletions offers the values of check's enumerated flags
// to tab completion. NewCmdCheck calls it once the flags are defined.
func registerCheckCompletions(cmd *cobra.Command) {
	for _, name := range []string{"format", "color", "fail-on", "auth"} {
		if cmd.Flags().Lookup(name) == nil {
			continue
		}
		// The error only reports an unknown flag or a second registration.
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(checkFlagValues[name], cobra.ShellCompDirectiveNoFileComp))
	}
}
