// Package level1 composes the Level-1 report: does Dyna-PPO learn the
// runs' environment in fewer real steps than PPO, is there an early
// penalty while the model learns, at what model error does Dyna-PPO pull
// ahead, how fast does the k-step model error grow, and what return does
// every variant in the directory (CEM MPC too) reach at fixed real-step
// budgets. The environment comes from the runs' settings: its return
// bounds (env.ReturnBoundsOf) set the normalised scale the threshold and
// the aggregate scores are defined on, and its solved return
// (env.ReturnThresholdOf) the target counted at each budget. Every number
// comes from the runs through lib/analysis and lib/estimate; nothing is
// written by hand.
//
// Each section is computed first, into a result that holds every number
// and figure input (computeSooner's SoonerResult, computeEarly's
// EarlyResult, computeCross's CrossResult, computeGrowth's GrowthResult,
// computeBudgets' BudgetsResult, computeOverall's OverallResult), and
// then rendered from it.
package level1
