// Command report writes the Markdown reports of the experiment levels.
// Run "report --help" for usage and a worked example.
package main
