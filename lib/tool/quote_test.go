package tool

import (
	"os/exec"
	"strings"
	"testing"
)

// TestQuote checks that each quoted word reaches a real sh as the one
// word it was, whatever it holds.
func TestQuote(t *testing.T) {
	words := []string{"plain", "a=b,c:d/e.f@g%h+i", "", "two words", "it's", `"$HOME"`, "`x`", "a;b|c&d", "*?[x]", "~", "tab\there", "new\nline", "ünïcode", `back\slash`, "{a,b}", "#hash", "!bang"}
	plain := map[string]bool{"plain": true, "a=b,c:d/e.f@g%h+i": true}
	q := QuoteAll(words)
	for i, w := range words {
		if got := Quote(w); got != q[i] {
			t.Errorf("QuoteAll[%d] %q, Quote %q", i, q[i], got)
		}
		if plain[w] != (q[i] == w) {
			t.Errorf("Quote(%q) = %q: quoted %v, want %v", w, q[i], q[i] != w, !plain[w])
		}
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	out, err := exec.Command("sh", "-c", `for w in `+strings.Join(q, " ")+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if strings.Join(got, "|") != strings.Join(words, "|") || len(got) != len(words) {
		t.Errorf("sh read %q, want %q", got, words)
	}
}
