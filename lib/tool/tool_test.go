package tool

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func testApp() *cli.App {
	return App("demo", "a demo tool", "", "", func(c *cli.Context) error {
		switch {
		case c.Int("n") < 0:
			return Usagef("--n %d: must be >= 0", c.Int("n"))
		case c.Int("n") == 13:
			return errors.New("read x.arrow: truncated\nmore")
		case c.Int("n") == 99:
			panic("boom")
		}
		_, err := c.App.Writer.Write([]byte("data " + c.String("out") + "\n"))
		return err
	},
		&cli.StringFlag{Name: "out", Required: true},
		&cli.IntFlag{Name: "n"},
	)
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // exact
		stderrHas  string
		stderrLine bool // stderr is exactly one line
	}{
		{"ok", []string{"--out", "f"}, 0, "data f\n", "", false},
		{"missing required flag", []string{"--n", "1"}, 2, "", `Required flag "out" not set`, true},
		{"unknown flag", []string{"--bogus"}, 2, "", "bogus", true},
		{"usage error from action", []string{"--out", "f", "--n", "-1"}, 2, "", "demo: --n -1: must be >= 0", true},
		{"runtime error on one line", []string{"--out", "f", "--n", "13"}, 1, "", "demo: read x.arrow: truncated; more", true},
		{"panic becomes an error", []string{"--out", "f", "--n", "99"}, 1, "", "demo: internal error: boom", true},
		{"help goes to stdout", []string{"--help"}, 0, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(testApp(), append([]string{"demo"}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if tc.name == "help goes to stdout" {
				if !strings.Contains(stdout.String(), "a demo tool") {
					t.Errorf("help not on stdout: %q", stdout.String())
				}
			} else if stdout.String() != tc.stdout {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderrHas) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tc.stderrHas)
			}
			if tc.stderrLine && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr.String())
			}
		})
	}
}

func TestProvenance(t *testing.T) {
	var got map[string]string
	app := &cli.App{Name: "demo", Flags: []cli.Flag{&cli.StringFlag{Name: "out"}},
		Action: func(c *cli.Context) error { got = Provenance(c); return nil }}
	var stdout, stderr bytes.Buffer
	if code := Run(app, []string{"demo", "--out", "a b.arrow"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := map[string]string{"tool": "demo", "tool_version": Version, "args": "demo --out 'a b.arrow'"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestSameEnv(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"CartPole-v1", "CartPole-v1", true},
		{"CartPole-v1", "", true},
		{"", "Pendulum-v1", true},
		{"CartPole-v1", "gym:CartPole-v1", false},
		{"CartPole-v1", "Acrobot-v1", false},
		{`gym:ToyReach-v0{"goal":0.2,"a":1}`, `gym:ToyReach-v0{ "a": 1, "goal": 0.2 }`, true},
		{`gym:ToyReach-v0{}`, `gym:ToyReach-v0`, true},
		{`gym:ToyReach-v0{"goal":0.2}`, `gym:ToyReach-v0`, false},
		{`gym:ToyReach-v0{"goal":0.2}`, `gym:ToyReach-v0{"goal":0.3}`, false},
	} {
		err := SameEnv("data t.arrow", c.a, "model m.arrow", c.b)
		if (err == nil) != c.same {
			t.Errorf("SameEnv(%q, %q) = %v, want same %v", c.a, c.b, err, c.same)
		}
		if err != nil && (!strings.Contains(err.Error(), "data t.arrow") || !strings.Contains(err.Error(), "model m.arrow")) {
			t.Errorf("SameEnv(%q, %q): %v does not name both inputs", c.a, c.b, err)
		}
	}
}
