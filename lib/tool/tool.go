package tool

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"
)

// Version is the dynago version recorded in every output file.
const Version = "0.1.0"

// UsageError marks an error in how a tool was called: exit code 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Reported is an error that has been reported already (a command run
// in-process printed its own one-line error): Run exits with Code and
// prints nothing more.
type Reported struct{ Code int }

func (e *Reported) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// Usagef returns a UsageError with a formatted message. Flag errors should
// name the flag and its allowed range: Usagef("--horizon %d: must be in [1, 1000]", h).
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// App returns a tool's command: its name, a one-line purpose (usage), its
// synopsis, its description (the --help text, with examples), its action
// and its flags. Run and Main add the conventions every tool shares.
func App(name, usage, synopsis, description string, action cli.ActionFunc, flags ...cli.Flag) *cli.App {
	return &cli.App{Name: name, Usage: usage, UsageText: synopsis, Description: description, Action: action, Flags: flags}
}

// Main runs app on os.Args with the standard streams and returns the exit
// code for main to exit with.
//
// Unless the user sets GOGC or GOMEMLIMIT, the garbage collector runs only
// when the heap nears GCMemoryLimit: the tools are short-lived processes
// that a run starts about a thousand times, and collecting their small
// heaps costs as much CPU as their work (docs/RESULTS.md, "lib/tool's
// garbage collector").
func Main(app *cli.App) int {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(GCMemoryLimit)
	}
	return Run(app, os.Args, os.Stdout, os.Stderr)
}

// GCMemoryLimit is the heap size at which Main's tools start collecting.
const GCMemoryLimit = 1 << 30

// Run runs app with args (args[0] is the program name) and returns the exit
// code. It never exits the process and recovers from panics, reporting them
// as failures, so no input produces a stack trace.
func Run(app *cli.App, args []string, stdout, stderr io.Writer) (code int) {
	name := app.Name
	// urfave/cli prints the whole help to Writer before returning a
	// missing-required-flag error; hold Writer's output until a command's
	// action is about to run, and drop it on that error.
	g := &gate{w: stdout}
	openGate(app, g)
	app.Writer = g
	app.ErrWriter = stderr
	app.ExitErrHandler = func(*cli.Context, error) {}
	if app.Metadata == nil {
		app.Metadata = map[string]any{}
	}
	app.Metadata["args"] = args
	app.HideHelpCommand = true
	app.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
		return &UsageError{err}
	}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "%s: internal error: %v\n", name, r)
			code = 1
		}
	}()
	err := app.Run(args)
	g.release(err == nil || !isFlagError(err))
	if err == nil {
		return 0
	}
	var rep *Reported
	if errors.As(err, &rep) {
		return rep.Code
	}
	msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
	fmt.Fprintf(stderr, "%s: %s\n", name, msg)
	var ue *UsageError
	if errors.As(err, &ue) || isFlagError(err) {
		return 2
	}
	return 1
}

// gate buffers writes until released, then passes them through.
type gate struct {
	w    io.Writer
	buf  bytes.Buffer
	open bool
}

func (g *gate) Write(p []byte) (int, error) {
	if g.open {
		return g.w.Write(p)
	}
	return g.buf.Write(p)
}

// release writes (keep) or drops what was held and opens the gate.
func (g *gate) release(keep bool) {
	if !g.open && keep && g.buf.Len() > 0 {
		g.w.Write(g.buf.Bytes())
	}
	g.buf.Reset()
	g.open = true
}

// openGate makes every leaf command (the app itself when it has no
// commands) release the gate in its Before hook, which runs after
// urfave/cli has checked the required flags.
func openGate(app *cli.App, g *gate) {
	wrap := func(before cli.BeforeFunc) cli.BeforeFunc {
		return func(c *cli.Context) error {
			g.release(true)
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
	if len(app.Commands) == 0 {
		app.Before = wrap(app.Before)
		return
	}
	var walk func(cmds []*cli.Command)
	walk = func(cmds []*cli.Command) {
		for _, c := range cmds {
			if len(c.Subcommands) == 0 {
				c.Before = wrap(c.Before)
			} else {
				walk(c.Subcommands)
			}
		}
	}
	walk(app.Commands)
}

// isFlagError recognises urfave/cli's own errors about flags that do not go
// through OnUsageError (required flags).
func isFlagError(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "Required flag") || strings.HasPrefix(s, "Required flags")
}

// Provenance returns the metadata recorded in every output file: tool name,
// version and the full argument list (as a single space-joined string with
// shell-style quoting of arguments that need it).
func Provenance(c *cli.Context) map[string]string {
	args := c.App.Name
	if a, ok := c.App.Metadata["args"].([]string); ok && len(a) > 0 {
		for _, x := range a[1:] {
			args += " " + Quote(x)
		}
	}
	return map[string]string{"tool": c.App.Name, "tool_version": Version, "args": args}
}

// QuoteAll quotes each of words with Quote.
func QuoteAll(words []string) []string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return q
}

// Quote quotes s as one word for sh: as it is when it holds only
// characters no shell treats specially, else in single quotes.
func Quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
