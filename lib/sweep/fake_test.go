package sweep

import (
	"os"
	"testing"

	"github.com/dynago/dynago/lib/sweep/sweeptest"
)

func TestMain(m *testing.M) {
	if code, ran := sweeptest.MaybeRun(); ran {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// fakeRunCmd returns a run command that runs sweeptest.Run.
func fakeRunCmd(t *testing.T) string {
	t.Helper()
	cmd, err := sweeptest.RunCmd()
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}
