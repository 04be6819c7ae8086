// Package gymtest sets tests up to run the Gymnasium bridge without
// Gymnasium: it finds a Python with numpy and puts the stand-in gymnasium
// package of lib/env/testdata/gymstub on its path.
package gymtest
