// Package agent is the actor-critic policy of dynago as a file: the step of
// the pipeline that turns observations into actions (collect, imagine) and
// that ppo trains.
//
// A Policy has separate actor and critic MLPs. For a discrete action space
// the actor outputs the logits of a categorical distribution and actions
// are the integers Start..Start+N-1, passed as float64. For a box space it
// outputs the mean of a diagonal Gaussian whose log standard deviation is
// a state-independent parameter; actions are sampled unclipped (clipping to
// the box happens only when an action is sent to the environment, as in
// Stable-Baselines3 and CleanRL), so the recorded log-probability is that
// of the recorded action.
//
// The policy file (Save, Load) is a format weights file holding
//
//	actor.l0.W, actor.l0.b, ...     actor MLP parameters
//	actor.log_std                   Gaussian log-std (continuous only)
//	critic.l0.W, ...                critic MLP parameters
//	<param>.adam_m, <param>.adam_v  Adam moments of every parameter
//	actor.adam_step.actor, critic.adam_step.critic
//
// with the architecture in the schema metadata (keys in the Meta* constants).
// The Adam state rides along so that training continues across processes
// bit-identically. The policy owns an nn.Adam with two parameter groups,
// "actor" (actor MLP and log-std) and "critic"; the ppo package sets their
// hyperparameters before each update, because learning rates and betas are
// not part of the file.
//
// Acting (Act, ActBatch, Value) uses tapes of its own, so it never disturbs
// a training pass (Evaluate, Backward); none of them allocates once its
// buffers have grown to the largest batch seen. A Policy is not safe for
// concurrent use.
//
// A Runner steps an environment with any Actor (PolicyActor, Random, or
// lib/plan's CEM Actor), records the transitions and saves and restores
// its State (collect --state).
package agent
