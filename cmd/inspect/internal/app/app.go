package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "inspect [options] [FILE...]"

// example is the worked example in the help text; TestHelpExample runs it
// on testdata/episode.arrow and compares the output.
const example = `   $ inspect --format csv --head 3 --columns episode,step,obs,action,logp episode.arrow
   episode,step,obs,action,logp
   0,0,[0.01 -0.02 0.03 0.04],1,
   0,1,[0.02 0.17 0.03 -0.25],0,-0.69
   0,2,[0.03 -0.02 0.03 0.05],1,-0.7
`

// description is the --help text.
const description = `Inspect prints each FILE (any Arrow IPC file or stream, not only dynago's):
in table format (the default) its schema, schema metadata, row count and
rows as an aligned table, lists as [a b c] and null as null. CSV and JSON
print only the rows, for piping: CSV with a header line and null as an empty
field, JSON as one object per row (JSON lines) with lists as arrays.

With no FILE, or FILE "-", it reads standard input, which may be either the
Arrow IPC file or stream format.

Example: the first three steps of an episode, as CSV (logp is null in the
first row):

` + example

// New returns the inspect command.
func New() *cli.App { return newApp(memory.DefaultAllocator) }

// newApp returns the command line allocating Arrow memory from mem, so
// tests can check that nothing leaks.
func newApp(mem memory.Allocator) *cli.App {
	return tool.App("inspect", "print Arrow IPC files: schema, metadata and rows", synopsis, description, func(c *cli.Context) error { return run(c, mem) },
		&cli.StringFlag{Name: "format", Value: Table, Usage: "output `FORMAT`: table, csv or json"},
		&cli.IntFlag{Name: "head", Usage: "print only the first `N` rows", DefaultText: "all"},
		&cli.IntFlag{Name: "tail", Usage: "print only the last `N` rows", DefaultText: "all"},
		&cli.StringFlag{Name: "columns", Usage: "print only columns `a,b,c`, in this order"},
		&cli.BoolFlag{Name: "schema", Usage: "print only schema and metadata"},
	)
}

func run(c *cli.Context, mem memory.Allocator) error {
	o, err := options(c, mem)
	if err != nil {
		return err
	}
	files := c.Args().Slice()
	if len(files) == 0 {
		files = []string{"-"}
	}
	for i, f := range files {
		if i > 0 && o.Format == Table {
			fmt.Fprintln(c.App.Writer)
		}
		name, data, err := load(c.App.Reader, f)
		if err != nil {
			return err
		}
		if err := Inspect(c.App.Writer, name, data, o); err != nil {
			if ce := (*ColumnError)(nil); errors.As(err, &ce) {
				return &tool.UsageError{Err: ce}
			}
			return err
		}
	}
	return nil
}

// options checks the flags.
func options(c *cli.Context, mem memory.Allocator) (Options, error) {
	o := Options{Format: c.String("format"), Head: -1, Tail: -1, SchemaOnly: c.Bool("schema"), Mem: mem}
	switch o.Format {
	case Table, CSV, JSON:
	default:
		return o, tool.Usagef("--format %q: must be table, csv or json", o.Format)
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"head", &o.Head}, {"tail", &o.Tail}} {
		if c.IsSet(f.name) {
			if *f.dst = c.Int(f.name); *f.dst < 0 {
				return o, tool.Usagef("--%s %d: must be >= 0", f.name, *f.dst)
			}
		}
	}
	if o.Head >= 0 && o.Tail >= 0 {
		return o, tool.Usagef("--head and --tail: use one or the other")
	}
	if s := c.String("columns"); s != "" {
		o.Columns = strings.Split(s, ",")
	}
	return o, nil
}

// load reads a file, or standard input for "-", whole: an Arrow file needs
// random access and a pipe has none.
func load(stdin io.Reader, file string) (name string, data []byte, err error) {
	if file == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		data, err = io.ReadAll(stdin)
		name = "stdin"
	} else {
		data, err = os.ReadFile(file)
		name = file
	}
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			err = pe.Err
		}
		return name, nil, fmt.Errorf("read %s: %w", name, err)
	}
	return name, data, nil
}
