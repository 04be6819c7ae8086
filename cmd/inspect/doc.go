// Command inspect prints Arrow IPC files: schema, metadata and rows.
// Run "inspect --help" for usage and a worked example.
package main
