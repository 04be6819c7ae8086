// Package nn is dynago's neural-network layer: small multilayer perceptrons
// with hand-written backward passes, the distribution heads and losses that
// PPO and probabilistic dynamics models need, the Adam optimiser, and
// export of parameters and optimiser state to weights files. It sits under
// lib/ppo, lib/dynamics and the planners, and is their hot path, so it is
// written for speed: no allocation per call once buffers exist.
//
// # Networks and buffers
//
// NewMLP(sizes, act) builds Dense layers sizes[0]→sizes[1]→…; act (ReLU or
// Tanh) follows every hidden layer and the output is linear. Weights start
// at zero; call InitOrthogonal (torch.nn.init.orthogonal_ with a gain, zero
// biases) or InitPyTorch (nn.Linear's default, U(±1/√fan_in) for weights
// and biases).
//
// All data is float64, row-major. A batch of inputs is one slice of
// batch×In values, row i at x[i*In:(i+1)*In]; outputs are batch×Out. Layer
// l's weight W has shape [Out, In] as in PyTorch, so y = x Wᵀ + b.
//
// # Tapes and ownership
//
// A Tape holds one forward pass's activations and the buffers of its
// backward pass. Tape.Forward(x, batch) copies x and returns a slice owned
// by the tape, valid until that tape's next Forward; Tape.Backward(dout)
// takes dL/d(output) for that forward pass, adds dL/dW and dL/db into each
// Param's Grad, and returns dL/dx, owned by the tape until its next
// Backward. Neither keeps or modifies the caller's slices. Buffers grow to
// the largest batch a tape has seen and are reused, so after the first call
// at a batch size Forward and Backward do not allocate.
//
// MLP.Forward and MLP.Backward use the network's own tape. Use further
// tapes (MLP.NewTape) when one network is evaluated in several places at
// once, for example at batch 1 while acting and at the minibatch size while
// training, or on several goroutines during planning. Tapes of one network
// may run Forward concurrently; Backward writes the shared gradients, so
// Backward calls, ZeroGrad and optimiser steps must not overlap.
//
// # Heads and losses
//
// Categorical (a row of logits), DiagGaussian (mean from a network,
// state-independent log-std Param) and MSE give values and gradients;
// Softplus and Sigmoid are the overflow-safe functions every loss uses (the
// dynamics model's Gaussian likelihood and termination head are in
// lib/dynamics). Every gradient function adds scale × gradient into its
// destination, so the terms of a loss are accumulated without temporaries;
// clear the destination first. Gradients with respect to Params (log-std)
// go into Param.Grad.
//
// # Optimisation
//
// Adam follows torch.optim.Adam operation by operation. Parameters are
// grouped (AddGroup), each group with its own hyperparameters and step
// count; set Group.LR between steps to anneal. ClipGradNorm is
// torch.nn.utils.clip_grad_norm_. Step and ClipGradNorm do not allocate.
//
// # Saving and resuming
//
// Export turns parameters and their Adam state into format.Tensors named
// prefix+param name, with ".adam_m" and ".adam_v" for the moments and
// prefix+"adam_step."+group for each group's step count; Import checks
// names and shapes and restores them. A run saved and resumed this way
// continues bit for bit as if it had not stopped.
//
// # Determinism
//
// Randomness enters only through a *rand.Rand (math/rand/v2) passed by the
// caller: initialisation and sampling. The same seed gives the same
// weights and samples, and every computation here is sequential with a
// fixed order of operations, so results are reproducible bit for bit on
// one machine and build. Callers' bugs (mismatched lengths, backward
// before forward) panic with an "nn:" prefix; problems with input data
// (a weights file that does not match) are errors.
//
// # Speed
//
// The dense layers' products, transposes and bias sums, the tanh
// activation and its gradient, and the Adam update have AVX2/FMA kernels
// (kernel_amd64.s by hand; kernel_gen_amd64.s, the register-blocked
// products and tanh, written by internal/asmgen through go generate), used
// when the CPU has them; the build tags purego and noasm (as for gonum)
// turn them off. Each kernel performs the same IEEE operations in the same
// order as its Go counterpart (kernel.go, tanh.go, adam.go, mlp.go), so
// results do not depend on which one runs: TestGemmNTBits, TestSmallKBits,
// TestTanhVector, TestTanhGradBits and TestAdamStepBits check this bit for
// bit, and TestGoFallbackBits switches the kernels off on a machine that
// has them and requires the Go code's bits. tanh is this package's own,
// within 4 ulps of math.Tanh. A row's outputs have the same bits whatever
// the batch it is evaluated in.
//
// # Same bits on every build
//
// Go may fuse x*y + z into one fused multiply-add where the target has
// one (GOAMD64=v3, arm64), which rounds once where the kernels and a v1
// build round twice. Every product that meets an addition is therefore
// written float64(x*y) (an explicit conversion rounds and stops the
// fusion), and a fused multiply-add that is meant is written math.FMA,
// which is exact on every machine. .ci/run runs the bit tests under
// GOAMD64=v1, GOAMD64=v3 and -tags purego and cross-builds for arm64.
package nn
