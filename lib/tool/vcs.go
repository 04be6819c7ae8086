package tool

import "runtime/debug"

// Build is the version-control state the running binary was built from,
// as the go command stamps it (debug.ReadBuildInfo): empty fields when it
// was built outside a repository or with -buildvcs=false (test binaries).
type Build struct {
	Commit   string // vcs.revision
	Time     string // vcs.time: the commit's time, RFC 3339 UTC
	Modified bool   // vcs.modified: the tree had uncommitted changes
}

// VCS returns the binary's Build.
func VCS() Build {
	var b Build
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
