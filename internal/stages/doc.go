// Package stages holds TestEveryStage, which runs every registered
// environment through every stage of the pipeline with the built tools
// (collect, fitmodel, ppo --init, imagine, evalmodel with histograms,
// collect --planner cem and --eval), so that an environment missing a
// piece of knowledge a stage needs fails in CI, not in a user's run. It
// has no non-test code.
package stages
