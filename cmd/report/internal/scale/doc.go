// Package scale is what the level reports take from the runs'
// environment: its return bounds, which define the normalised score
// s = (return − worst) / (best − worst) on which "a fraction of a
// return" is taken (so that it means the same for negative returns), and
// its solved return. A Go environment declares both (env.ReturnBoundsOf,
// env.ReturnThresholdOf); for one that does not (a bridged Gymnasium
// environment, or runs that record no environment) the bounds are the
// runs' smallest and largest evaluation returns and there is no solved
// return.
package scale
