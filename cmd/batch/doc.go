// Command batch runs dynago tool invocations in one process. See
// `batch --help`.
package main
