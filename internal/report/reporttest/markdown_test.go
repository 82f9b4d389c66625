package reporttest

import (
	"strings"
	"testing"
)

// The checker itself must catch what it is for: rows the renderer pads or
// cuts, long cells, long code lines.
func TestCheckMarkdownCatches(t *testing.T) {
	lim := MarkdownLimits{Cell: 20, Code: 30}
	good := "| a | b |\n| --- | --- |\n| 1 | \\| 2 |\n| | x |\n\n```\nshort\n```\n"
	if st, p := CheckMarkdown(good, lim); len(p) != 0 || st.Tables != 1 || st.Rows != 3 || st.CodeBlocks != 1 {
		t.Errorf("good document: %+v %q", st, p)
	}
	for name, md := range map[string]string{
		"short row":  "| a | b |\n| --- | --- |\n| 1 |\n",
		"long row":   "| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n",
		"raw pipe":   "| a | b |\n| --- | --- |\n| 1 | x|y |\n",
		"long cell":  "| a | b |\n| --- | --- |\n| 1 | " + strings.Repeat("x", 21) + " |\n",
		"long code":  "```\n" + strings.Repeat("y", 31) + "\n```\n",
		"long in ps": "```powershell\n# " + strings.Repeat("z", 29) + "\n```\n",
	} {
		if _, p := CheckMarkdown(md, lim); len(p) == 0 {
			t.Errorf("%s: no problem found in %q", name, md)
		}
	}
}
