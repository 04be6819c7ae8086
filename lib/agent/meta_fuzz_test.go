package agent

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/lib/format"
)

// FuzzPolicyMeta checks that no values of a policy file's architecture
// keys make Load panic or allocate a network the file does not hold: the
// sizes are checked against the tensors first (nn.CheckMLP), so a claim
// of 10^12 hidden units or actions is an error.
func FuzzPolicyMeta(f *testing.F) {
	e := makeEnv(f, "CartPole-v1")
	p := New(Config{Hidden: []int{8}, Activation: "tanh", Init: InitOrthogonal}, e.ObservationSpace(), e.ActionSpace(), rand.New(rand.NewPCG(1, 2)))
	path := filepath.Join(f.TempDir(), "p.arrow")
	if err := p.Save(path, nil); err != nil {
		f.Fatal(err)
	}
	w, err := format.ReadWeights(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("8", "4", "2", "0")
	f.Add("1000000000000", "4", "2", "0")
	f.Add("4096,4096,4096", "4", "2", "0")
	f.Add("8", "1000000000000", "2", "0")
	f.Add("8", "4", "4000", "0")
	f.Add("", "4", "2", "-5")
	f.Fuzz(func(t *testing.T, hidden, obs, n, start string) {
		m := w.Meta.Clone()
		m[MetaHidden], m[MetaObsDim], m[MetaActN], m[MetaActStart] = hidden, obs, n, start
		q, err := fromMeta(m, w.Tensors)
		if err == nil && (q.obsDim != 4 || q.nAct != 2) {
			t.Fatalf("metadata obs %q, actions %q accepted for a file of 4 and 2", obs, n)
		}
	})
}
