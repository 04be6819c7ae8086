package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/internal/toolset"
	"github.com/dynago/dynago/lib/tool"
)

// Usage is the command's description; its example is run by a test.
const Usage = `Reads dynago tool command lines, one per line, from FILE (standard
input when no FILE or "-" is given) and runs them in order in this one
process, exactly as the separate tools would run them: same arguments,
same files, same bytes. It stops at the first command that fails, whose
one-line error the tool has printed, and exits with that command's code.
A command naming FILE itself (which it could overwrite) is refused before
any command runs.
Running a list of commands in one batch saves a process start per
command (bin/run calls the tools in its own process the same way).

A line is a tool name and its arguments, split like a shell splits words
(single and double quotes group, backslash escapes); blank lines and lines
starting with # are skipped. Tools: ` + "collect, concat, evalmodel, fitmodel, imagine, inspect, ppo" + `: the
tools of a training loop. aggregate and report, which draw figures, are
left out: linking the plotting libraries would add their initialisation,
about a millisecond, to every batch.

Example:

   printf '%s\n' \
      'ppo --init --env CartPole-v1 --seed 0 --out p.arrow' \
      'collect --env CartPole-v1 --policy p.arrow --steps 200 --seed 0 --out t.arrow' \
      'ppo --policy p.arrow --data t.arrow --out p1.arrow --metrics m.arrow --seed 1 --real-steps 200' \
      | batch`

// tools are the commands batch can run.
var tools = toolset.Batch()

// New returns the batch command.
func New() *cli.App {
	return tool.App("batch", "run dynago tool command lines in one process", "batch [FILE]", Usage, run)
}

func run(c *cli.Context) error {
	if c.Args().Len() > 1 {
		return tool.Usagef("want at most one FILE, got %d arguments", c.Args().Len())
	}
	name := c.Args().First()
	var in io.Reader = os.Stdin
	if name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	} else {
		name = "standard input"
	}
	cmds, err := parse(in, name)
	if err != nil {
		return err
	}
	if in != os.Stdin {
		// A command that names the list itself would replace it (as
		// --out) or read a list as data: refuse before running any.
		for _, cmd := range cmds {
			for _, a := range cmd.args[1:] {
				_, v, ok := strings.Cut(a, "=") // --out=FILE
				if !ok {
					v = a
				}
				if err := tool.CheckPaths([]tool.Path{{Flag: fmt.Sprintf("%s:%d", name, cmd.line), Path: v}},
					[]tool.Path{{Flag: "the batch FILE", Path: name}}); err != nil {
					return err
				}
			}
		}
	}
	for _, cmd := range cmds {
		if code := tool.Run(tools[cmd.args[0]](), cmd.args, c.App.Writer, c.App.ErrWriter); code != 0 {
			return &tool.Reported{Code: code} // the command printed its error
		}
	}
	return nil
}

type command struct {
	line int // in the input, for parse errors
	args []string
}

// parse reads every command line first, so a bad line anywhere fails
// before any command runs.
func parse(r io.Reader, name string) ([]command, error) {
	var cmds []command
	err := lines(r, name, func(n int, args []string, err error) error {
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		cmds = append(cmds, command{line: n, args: args})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return cmds, nil
}

// lines calls fn with the number and words of every command line of r
// (blank lines and # comments skipped), or with the error that makes a
// line no command: bad quoting or an unknown tool. It stops at fn's first
// error and returns it; an error reading r (named name) is returned too.
func lines(r io.Reader, name string, fn func(n int, args []string, err error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args, err := Split(line)
		if err == nil {
			if _, ok := tools[args[0]]; !ok {
				err = fmt.Errorf("unknown tool %q", args[0])
			}
		}
		if err := fn(n, args, err); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// Split splits a command line into words as a POSIX shell does for
// quoting: single quotes keep everything literally, double quotes keep
// everything but backslash-escaped " \ $ and `, and an unquoted backslash
// escapes the next character. No expansion of any kind happens.
func Split(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
	)
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case ch == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			in = true
		case ch == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated double quote")
			}
			in = true
		case ch == '\\':
			if i+1 == len(s) {
				return nil, errors.New("backslash at the end of the line")
			}
			i++
			cur.WriteByte(s[i])
			in = true
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
