package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/exdiag/exdiag/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the cmp sections of the scripts")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"exdiag": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs the real exdiag binary against servers on loopback
// (testdata/script/*.txtar). Each script gets its own servers; see
// scriptenv_test.go for the variables they export.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup:               setupScriptEnv,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exit": cmdExit},
	})
}

// cmdExit runs a command and asserts its exact exit code:
//
//	exit 1 exdiag check --url ...
//
// testscript's `! exec` only asserts "non-zero", and exdiag's codes 1, 2
// and 3 mean different things to CI.
func cmdExit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exit CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exit: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exit: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
