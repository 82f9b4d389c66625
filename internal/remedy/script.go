package remedy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/exdiag/exdiag/internal/diag"
	"github.com/exdiag/exdiag/internal/safetext"
)

// A script's commands run in this order: DNS records before the URLs that
// move clients to the new names, certificates after, and the Autodiscover
// application pool recycled last, so it serves the URLs just set.
type section int

const (
	sectionDNS section = iota
	sectionSettings
	sectionCertificates
	sectionRecycles
	sectionNone // findings without any command, listed last
	sectionCount
)

var sectionHeadings = [sectionNone][2]string{
	{"1. DNS records", "Run on a DNS server of each zone, or where the DnsServer PowerShell module is installed."},
	{"2. URLs and settings", "Run in the Exchange Management Shell as an Exchange administrator."},
	{"3. Certificates", "Run in the Exchange Management Shell as an Exchange administrator."},
	{"4. Application pool recycles", "Each runs on the server it names (Invoke-Command), from a PowerShell with administrator rights there."},
}

// sectionOf sorts a command by its cmdlet.
func sectionOf(cmd string) section {
	switch {
	case strings.HasPrefix(cmd, "Add-DnsServerResourceRecord"):
		return sectionDNS
	case strings.Contains(cmd, "MSExchangeAutodiscoverAppPool"), strings.HasPrefix(cmd, "iisreset"):
		return sectionRecycles
	case strings.HasPrefix(cmd, "Set-"), strings.Contains(cmd, "Restart-Service"):
		return sectionSettings
	}
	return sectionCertificates
}

// step is one command (with the findings it fixes), or one manual step.
type step struct {
	command string // "" for a manual step
	// local commands run only on server itself: the script shows them to
	// type there, commented out.
	local  bool
	server string
	// refused is a command left out because it is unsafe in a script.
	refused  string
	comments []string
	// owner is the index of the finding that prints the step; also are
	// the other findings' fixes with the same command.
	owner int
	also  []dup
}

// entry is what one finding contributes to one section: its own steps, and
// steps of its that another finding already printed (dups).
type entry struct {
	steps []*step
	dups  []dup
}

// dup is a fix of finding whose command another finding's step holds.
type dup struct {
	finding int
	comment string
	owner   *step
}

// Script returns every fix of rep as a PowerShell script to review and
// schedule: a header saying what was found, when and where, then the
// commands by section (DNS, URLs and settings, certificates, application
// pool recycles), each finding's comment above its commands. A command two
// findings share appears once. Findings without a command come last.
//
// Only comment lines and the exact Fix.Command strings appear in it: every
// text from the report is sanitised into single comment lines, and a
// command that is not Safe is left out (it cannot come from this package,
// whose commands quote every value).
//
// The script starts with a UTF-8 byte order mark: Windows PowerShell 5.1
// reads a .ps1 file without one in the system's ANSI code page, which
// would turn non-ASCII characters (an IDN, a Japanese organisation name, a
// typographic quote that Quote doubled) into other characters, and so
// change what a command does. PowerShell 7 reads the BOM just as well.
// Lines end in LF, which every PowerShell version accepts.
//
// tool is exdiag's version, for the header.
func Script(rep *diag.Report, tool string) string {
	s := &scriptWriter{rep: rep}
	s.plan()
	s.header(tool)
	for sec := range sectionNone {
		s.section(sec)
	}
	s.noCommand()
	return "\ufeff" + s.b.String()
}

type scriptWriter struct {
	rep *diag.Report
	b   strings.Builder
	// entries[section][finding] is what a finding contributes to a section.
	entries [sectionCount][]entry
	// shown maps the findings whose full comment was printed to the
	// number of the section it was printed in.
	shown map[int]string
}

// plan sorts every fix into its section and merges the same command
// across findings.
func (s *scriptWriter) plan() {
	n := len(s.rep.Findings)
	for sec := range s.entries {
		s.entries[sec] = make([]entry, n)
	}
	s.shown = map[int]string{}
	byCommand := map[string]*step{}
	for i, f := range s.rep.Findings {
		secs := fixSections(f.Fix)
		for j, fx := range f.Fix {
			e := &s.entries[secs[j]][i]
			if !scriptSafe(fx.Command) {
				e.steps = append(e.steps, &step{refused: fx.Command, comments: []string{fx.Comment}, owner: i})
				continue
			}
			key := fx.Server + "\x00" + fx.Command
			st, ok := byCommand[key]
			switch {
			case !ok:
				st = &step{command: fx.Command, comments: []string{fx.Comment}, owner: i, local: fx.Local, server: fx.Server}
				byCommand[key] = st
				e.steps = append(e.steps, st)
			case st.owner == i:
				if !slices.Contains(st.comments, fx.Comment) {
					st.comments = append(st.comments, fx.Comment)
				}
			default:
				d := dup{finding: i, comment: fx.Comment, owner: st}
				st.also = append(st.also, d)
				e.dups = append(e.dups, d)
			}
		}
	}
}

// fixSections gives each fix of one finding its section: a command's by its
// cmdlet; a manual step goes with the command before it (or, failing that,
// after it), since it belongs to that command; a finding without a command
// has all its steps in sectionNone.
func fixSections(fixes []diag.Fix) []section {
	secs := make([]section, len(fixes))
	isCmd := make([]bool, len(fixes))
	for j, fx := range fixes {
		secs[j], isCmd[j] = sectionNone, scriptSafe(fx.Command)
		if isCmd[j] {
			secs[j] = sectionOf(fx.Command)
		}
	}
	for j := range fixes {
		if isCmd[j] {
			continue
		}
		for k := j - 1; k >= 0; k-- {
			if isCmd[k] {
				secs[j] = secs[k]
				break
			}
		}
		if secs[j] != sectionNone {
			continue
		}
		for k := j + 1; k < len(fixes); k++ {
			if isCmd[k] {
				secs[j] = secs[k]
				break
			}
		}
	}
	return secs
}

// scriptSafe reports whether cmd may be a line of the script: not empty,
// one line of Safe text, not a comment, and not ending in PowerShell's
// line-continuation backtick (which would join the next line to it).
func scriptSafe(cmd string) bool {
	t := strings.TrimSpace(cmd)
	return t != "" && safetext.Clean(cmd) && !strings.HasPrefix(t, "#") && !strings.HasSuffix(t, "`")
}

func (s *scriptWriter) section(sec section) {
	used := false
	for _, e := range s.entries[sec] {
		used = used || len(e.steps) > 0 || len(e.dups) > 0
	}
	if !used {
		return
	}
	s.banner(sectionHeadings[sec][0], sectionHeadings[sec][1])
	for i, e := range s.entries[sec] {
		if len(e.steps) == 0 && len(e.dups) == 0 {
			continue
		}
		s.blank()
		s.findingComment(i, sec)
		for _, st := range e.steps {
			s.step(st)
		}
		for _, d := range e.dups {
			s.comment("#   step: ", "#         ", fmt.Sprintf("%s (the command is above, with finding %d)", d.comment, d.owner.owner+1))
		}
	}
}

func (s *scriptWriter) step(st *step) {
	switch {
	case st.refused != "":
		s.comment("# MANUAL: ", "#   ", st.comments[0]+"; exdiag left out its command, which is not safe as a line of a script (a line break, a control character, a trailing backtick or a leading #): "+st.refused)
		return
	case st.command == "":
		s.comment("# MANUAL: ", "#   ", st.comments[0])
		return
	}
	for _, c := range st.comments {
		s.comment("#   step: ", "#         ", c)
	}
	// The other findings are named, with their step when it says
	// something else (a recycle on another server).
	for _, d := range st.also {
		also := fmt.Sprintf("finding %d, %s", d.finding+1, s.name(d.finding))
		if !slices.Contains(st.comments, d.comment) {
			also += ": " + d.comment
		}
		s.comment("#   also fixes: ", "#         ", also)
	}
	if st.local {
		s.comment("# ON "+st.server+": ", "#   ", "this command runs only on "+st.server+" itself, not from here; type it there:")
		s.b.WriteString("#     " + st.command + "\n")
		return
	}
	s.b.WriteString(st.command)
	s.b.WriteByte('\n')
}

// noCommand lists the findings without any command: their manual steps,
// or a pointer to `exdiag explain`.
func (s *scriptWriter) noCommand() {
	var list []int
	for i, f := range s.rep.Findings {
		if len(f.Fix) == 0 || len(s.entries[sectionNone][i].steps) > 0 {
			list = append(list, i)
		}
	}
	if len(list) == 0 {
		return
	}
	s.banner("No command", "no command: exdiag has no command for these findings; see the manual steps, or run exdiag explain CODE.")
	for _, i := range list {
		s.blank()
		s.findingComment(i, sectionNone)
		steps := s.entries[sectionNone][i].steps
		for _, st := range steps {
			s.step(st)
		}
		if len(steps) == 0 {
			s.comment("#   ", "#   ", "no command: see exdiag explain "+string(s.rep.Findings[i].Code))
		}
	}
}

// findingComment prints the finding's comment: in full the first time,
// then as a reference.
func (s *scriptWriter) findingComment(i int, sec section) {
	f := s.rep.Findings[i]
	if first, ok := s.shown[i]; ok {
		s.comment("# ", "#   ", fmt.Sprintf("%s (finding %d, continued from section %s)", s.name(i), i+1, first))
		return
	}
	s.shown[i] = strconv.Itoa(int(sec) + 1)
	s.comment("# ", "#   ", s.name(i)+" \u2014 "+f.Message)
	if len(f.URLs) > 0 {
		s.comment("#   affects: ", "#     ", strings.Join(f.URLs, ", "))
	}
}

// name is "[ERROR] name-mismatch ex01.contoso.local".
func (s *scriptWriter) name(i int) string {
	f := s.rep.Findings[i]
	n := "[" + f.Severity.Label() + "] " + string(f.Code)
	if f.Host != "" {
		n += " " + f.Host
	}
	return n
}
