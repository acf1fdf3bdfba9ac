// Package examples holds runnable examples of ksauth as a library, sample
// environment and emulator files, and sample pasted evidence. It has no
// code of its own: the examples are tests, run by "go test ./...".
package examples
