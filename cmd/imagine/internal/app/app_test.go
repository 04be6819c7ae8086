package app

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/dynamics/dynamicstest"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// TestUsageExamples runs the imagine line of Usage; the other tools' lines
// are replaced by the same steps through the libraries.
func TestUsageExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	tr := dynamicstest.Random(t, "CartPole-v1", 500, 1)
	if err := format.WriteTransitions("buf.arrow", tr); err != nil {
		t.Fatal(err)
	}
	if err := dynamicstest.Fitted(t, tr, "course", 1, 1).Save("model.arrow", nil); err != nil {
		t.Fatal(err)
	}
	e, _ := env.Make("CartPole-v1")
	p := agent.New(agent.Config{Hidden: []int{8}, Activation: "tanh", Init: agent.InitOrthogonal}, e.ObservationSpace(), e.ActionSpace(), rand.New(rand.NewPCG(0, 0)))
	if err := p.Save("p.arrow", nil); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, line := range strings.Split(Usage, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "imagine" {
			continue
		}
		var out, errb bytes.Buffer
		if code := tool.Run(New(), f, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", line, code, errb.String())
		}
		ran++
	}
	if ran == 0 {
		t.Fatal("no imagine example")
	}
	im, err := format.ReadTransitions("imag.arrow")
	if err != nil {
		t.Fatal(err)
	}
	if im.Meta["imagined_steps"] != fmt.Sprint(im.Len()) {
		t.Errorf("metadata imagined_steps %q for %d rows", im.Meta["imagined_steps"], im.Len())
	}

	// The course model's termination head is untrained: --termination
	// model (the default) must be refused, not end rollouts at random.
	var out, errb bytes.Buffer
	code := tool.Run(New(), strings.Fields("imagine --model model.arrow --policy p.arrow --data buf.arrow --seed 0 --out x.arrow"), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "no trained termination head") {
		t.Errorf("--termination model with a course model: exit %d, %q; want exit 1 naming the untrained head", code, errb.String())
	}
}

func TestFlagErrors(t *testing.T) {
	base := []string{"imagine", "--model", "m", "--policy", "p", "--data", "d", "--out", "o", "--seed", "0"}
	for _, tc := range []struct{ flag, value string }{
		{"--propagation", "best"}, {"--termination", "never"}, {"--horizon", "0"},
		{"--batches", "-1"}, {"--gate-variance", "0"}, {"--noise-sigma", "-1"}, {"--reward-penalty", "-1"},
	} {
		var out, errb bytes.Buffer
		code := tool.Run(New(), append(base, tc.flag, tc.value), &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), tc.flag) {
			t.Errorf("%s %s: exit %d, %q; want exit 2 naming the flag", tc.flag, tc.value, code, errb.String())
		}
	}
}
