// Command collect records real transitions of a Gymnasium environment,
// with uniform random actions or a policy, and evaluates policies. See
// `collect --help`.
package main
