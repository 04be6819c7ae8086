package dynamics

import (
	"strings"
)

// TermMode says what ends an imagined rollout (lib/imagine) or a planned
// one (lib/plan). Each user accepts the modes listed with it.
type TermMode string

// Termination modes.
const (
	TermModel    TermMode = "model"      // the learned termination head, p above a threshold (imagine, plan)
	TermSoft     TermMode = "model-soft" // rewards weighted by the predicted survival probability (plan)
	TermEnv      TermMode = "env"        // the environment's rule (Terminal) on the predicted observation (imagine, plan)
	TermModelEnv TermMode = "model+env"  // TermModel or TermEnv (plan)
	TermNone     TermMode = "none"       // only the horizon ends a rollout (plan)
	TermCourse   TermMode = "course"     // the course's coin flip, probability 0.05 per step (imagine)
)

// JoinTermModes lists modes as "a, b or c".
func JoinTermModes(modes []TermMode) string {
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
