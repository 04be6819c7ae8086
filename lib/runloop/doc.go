// Package runloop runs one training run of PPO, Dyna-PPO or ensemble CEM
// MPC as a loop of dynago's tools (bin/run; make run).
//
// The run's variables are one table, Vars: each has its make name, the
// bin/run flag derived from it, the ALGOs it applies to and the tool flag
// it reaches. NewSettings checks a run's variables against it (a variable
// for another ALGO is an error) and Settings.Effective resolves unset ones
// to the tools' defaults; the result is the run's settings.json and the
// run_settings metadata of its metrics.arrow (docs/FORMATS.md).
//
// Run calls the tools in this process through their command packages
// (Options.Tools: cmd/<tool>/command's New, run with lib/tool's Run), so
// each call has exactly the arguments, files, errors and exit codes of the
// separate tool; Options.Script records the calls and file operations as a
// shell script (bin/run --print). Iteration i lives in OUT/iters/NNNNN/:
//
//	ppo:  collect → ppo
//	dyna: collect → ppo (real) → fitmodel → imagine → ppo (imagined)
//	mpc:  collect --planner cem → fitmodel
//
// Evaluations: the one labelled b real steps uses the newest policy and
// model trained on at most b real steps (docs/CONVENTIONS.md); TestEvalStep
// checks it from the files each evaluation reads. Seeds: ToolSeed and
// EvalSeed (seed.go).
//
// Resuming: an iteration is finished when it holds done; Run deletes an
// unfinished one and continues from the last finished one, giving the same
// files as an uninterrupted run (TestResume cancels runs at several points
// and compares every byte). With KeepCheckpoints, finished iterations that
// a later one supersedes are tidied (slimmed; at each evaluation the rows
// of the iterations since the last one are gathered and those iterations
// removed), so a run's disk stays bounded; the final metrics.arrow has the
// same rows in both modes.
package runloop
