// Command run runs one training run of PPO, Dyna-PPO or ensemble MPC as a
// loop of dynago's tools. See `run --help`.
package main
