package dynamics

import (
	"fmt"

	"github.com/dynago/dynago/lib/env"
)

// Terminal reports whether obs, an observation of the environment, is a
// terminal state of the MDP. Imagination applies it to predicted next
// observations (--termination env).
type Terminal func(obs []float64) bool

// TerminalFor returns the termination rule of a Go environment on
// observations (env.Terminator, declared in the environment's own file),
// so that it applies to a model's prediction. An environment without one
// (a bridged Gymnasium environment) is an error: use the model's learned
// termination head.
func TerminalFor(envID string) (Terminal, error) {
	e, ok := env.Builtin(envID)
	if !ok {
		return nil, fmt.Errorf("dynamics: no termination rule for environment %q (not a Go environment: use the learned termination)", envID)
	}
	f, err := env.TerminalOf(e)
	if err != nil {
		return nil, fmt.Errorf("dynamics: %w", err)
	}
	return f, nil
}
