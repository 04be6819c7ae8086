package tool

import "runtime/debug"

// Build is the version-control state the running binary was built from:
// as the go command stamps it (debug.ReadBuildInfo), or else as make build
// sets it with -ldflags -X (commit, commitTime, modified below, from git:
// the go command stamps nothing with -buildvcs=false or in some
// checkouts); empty fields when neither knows (test binaries).
type Build struct {
	Commit   string // vcs.revision
	Time     string // vcs.time: the commit's time, RFC 3339 UTC
	Modified bool   // vcs.modified: the tree had uncommitted changes
}

// Set by make build: go build -ldflags "-X .../lib/tool.commit=... ".
var commit, commitTime, modified string

// VCS returns the binary's Build.
func VCS() Build {
	b := Build{Commit: commit, Time: commitTime, Modified: modified == "true"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}
