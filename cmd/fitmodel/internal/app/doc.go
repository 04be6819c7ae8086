// Package app is the fitmodel command: flags, the replay buffer, fitting
// and the metrics it writes.
package app
