// Package app is the evalmodel command: flags, checking them, reading the
// files and writing what lib/modeleval computes as a metrics file.
package app
