package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGenerated checks that lib/nn/kernel_gen_amd64.s is the generator's
// output: after changing the generator, run go generate in lib/nn.
func TestGenerated(t *testing.T) {
	const path = "../../lib/nn/kernel_gen_amd64.s"
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, generate()) {
		t.Fatalf("%s is not asmgen's output: run go generate in lib/nn", path)
	}
}
