// Command imagine rolls the current policy through a learned dynamics
// model from real start states and writes imagined transitions. See
// `imagine --help`.
package main
