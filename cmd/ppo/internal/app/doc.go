// Package app is the ppo command: flags, their overlay on a ppo.Preset, and
// one ppo.Trainer update between reading and writing files.
package app
