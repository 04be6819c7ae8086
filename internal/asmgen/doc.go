// Command asmgen writes lib/nn/kernel_gen_amd64.s: the dot-product kernels
// of gemmNT at four register-block shapes and the vector tanh, whose
// bodies are the same few instructions repeated over blocks and lanes and
// so are better generated than typed. Run it with go generate ./lib/nn (the directive is in lib/nn/kernel_amd64.go);
// TestGenerated checks that the file in the tree is its output.
//
// Both keep the rounding of the Go code they replace (kernel.go's
// dotLanes, tanh.go's tanh), operation for operation; lib/nn's tests
// compare their results with the Go code bit for bit.
package main
