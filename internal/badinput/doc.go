// Package badinput is the bad-input corpus as a test: it builds bad files
// from valid ones (truncated, empty, random and flipped bytes, text,
// missing, a directory, another kind, another environment, metadata that
// claims more than the file holds, absurd values, zero rows) and bad flag
// sets (out of range, NaN, Inf and huge values, missing, conflicting,
// unknown environments, flags and subcommands, an output on another
// output or on an input), runs every tool on each in-process (tool.Run):
// the training-loop tools (collect, fitmodel, imagine, ppo, evalmodel,
// concat, inspect), the reports and aggregate on sets of runs with one
// metrics file spoiled, sweep on bad space files, batch on bad lists and
// report results on spoiled results directories (answers.json truncated,
// of another version, huge, a named pipe; texts that would break the
// generated block; figures outside their directory, pipes, huge or
// copied to one name; --out and --figures on the inputs or each other;
// unbalanced markers).
// It requires one line on stderr, the documented exit code (1 bad input,
// 2 usage), no panic and no output file (nor a temporary one), and that
// valid small sets of runs (one seed, one evaluation, zeros on log axes)
// give every report and table. Outside -short it also builds run, collect,
// fitmodel and ppo and runs them as processes: killed with SIGKILL at
// seeded delays (no partial --out; bin/run rerun resumes to the bytes of
// an uninterrupted run) and two at a time on one --out (one complete
// file). DYNAGO_BADINPUT_LARGE=1 (make fuzz-inputs) makes 64 random and
// 64 flipped-byte files from each valid file instead of 4. See
// docs/CONVENTIONS.md.
package badinput
