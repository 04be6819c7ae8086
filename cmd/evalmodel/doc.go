// Command evalmodel measures a dynamics model on held-out real transitions
// and writes the errors as a metrics file. See `evalmodel --help`.
package main
