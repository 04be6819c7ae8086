// Command fitmodel trains a learned dynamics model (lib/dynamics) on the
// newest real transitions. See `fitmodel --help`.
package main
