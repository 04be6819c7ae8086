// Package markdown writes the text outputs of the analysis step: result
// tables (Markdown and CSV), Markdown reports with their figures, and the
// number formats they share. It knows nothing about runs or statistics
// beyond stats.Interval; lib/analysis and lib/estimate compute,
// cmd/report and cmd/aggregate compose.
//
// # Writing as a set
//
// Nothing is written while a report or table is built. Figures are drawn
// into memory when added (figure.Render), and Files collects every output
// (report, figures, tables) with its bytes; Files.Write writes them only
// once everything has been computed, and all or nothing: each to a
// temporary name first, then renamed into place, the renamed ones put
// back if one fails. A failure while computing or writing therefore
// leaves the destination as it was: no partial report, table or figure,
// and no report beside figures of another run. Two outputs on one path
// are a caller bug (panic).
//
//	r := markdown.NewReport("Level 1", "runs/l1/report.md")
//	sec := r.Section("Sample efficiency")
//	sec.Answer("How much sooner does Dyna-PPO reach 80%?", "2,000 steps sooner, 95% CI [1,000, 3,000].")
//	err := sec.Figure("curves", "IQM return against real steps.", drawFunc)
//	err = r.Write() // fig/curves.png, fig/curves.svg, then report.md
//
// # Numbers
//
// Num, CI, Pct and Steps format numbers the same way in every table and
// sentence: integers without a decimal point, three significant digits
// for small values, thousands separated in step counts ("12,500").
package markdown
