package runloop

// Seeds. Every random choice of a run flows from its SEED through these
// two functions, fixed so that a recorded run is reproduced exactly and
// new runs stay comparable with it:
//
//   - ToolSeed(seed, i, k) = seed·1,000,003 + 16·i + k is the --seed of the
//     k-th tool of iteration i (k: 0 collect, 1 PPO on real data, 2
//     fitmodel, 3 imagine, 4 PPO on imagined data; with IMAG_ROUNDS,
//     round r >= 2 imagines with 2r+1 and updates with 2r+2, up to 13
//     and 14 for the sixth). Iteration 0's ppo --init takes seed itself.
//   - EvalSeed(seed, b) = 1,000,000,007 + seed·100,003 + b is the --seed
//     of the evaluation at b real steps; its held-out collection (for
//     model evaluation) takes EvalSeed + 1.
//
// Iterations are spaced 16 apart, so that a run's tool seeds never
// collide for k < 16; evaluations live above 10^9, far from the tool
// seeds of seeds < 1000 and runs < 62,000 iterations.

// ToolSeed returns the seed of iteration i's k-th tool.
func ToolSeed(seed int64, i int, k int) int64 { return seed*1_000_003 + int64(i)*16 + int64(k) }

// EvalSeed returns the seed of the evaluation at b real steps.
func EvalSeed(seed, b int64) int64 { return 1_000_000_007 + seed*100_003 + b }

// Tool indices k of ToolSeed.
const (
	kCollect = 0
	kPPOReal = 1
	kFit     = 2
	kImagine = 3
	kPPO     = 4
)

// maxRounds bounds IMAG_ROUNDS so that round r's seeds 2r+1 and 2r+2 stay
// below 16.
const maxRounds = 6
