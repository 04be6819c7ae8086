// Command ppo creates a policy (--init) or runs one PPO update of a policy
// on transitions files. See `ppo --help`.
package main
