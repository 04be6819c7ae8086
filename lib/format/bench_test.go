package format

import (
	"path/filepath"
	"testing"
)

// A CartPole-sized episode (obs_dim 4, discrete) and a larger buffer with a
// continuous action, as written by collect and read by train.
var benchCases = []struct {
	name           string
	rows, obs, act int
	discrete       bool
}{
	{"500rows_obs4_discrete", 500, 4, 1, true},
	{"10000rows_obs17_act6", 10000, 17, 6, false},
}

func BenchmarkWriteTransitions(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			x := sample(bc.rows, bc.obs, bc.act, bc.discrete, true)
			p := filepath.Join(b.TempDir(), "t.arrow")
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteTransitions(p, x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadTransitions(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			p := filepath.Join(b.TempDir(), "t.arrow")
			if err := WriteTransitions(p, sample(bc.rows, bc.obs, bc.act, bc.discrete, true)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadTransitions(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
