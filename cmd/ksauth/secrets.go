package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// secretSource names the places a secret is read from. Secrets never come from
// a command-line value, because command lines end up in shell history and
// process listings.
type secretSource struct {
	// name is the secret's name in messages, such as "client secret".
	name string
	// envVar is the environment variable to read first.
	envVar string
	// file is a path to read it from, "-" for stdin.
	file string
}

// readSecret returns the secret from the file, the environment variable or
// a prompt without echo on a terminal, in that order. It returns "" when
// none is available and prompting is impossible.
func readSecret(src secretSource, io stdio, getenv func(string) string) (string, error) {
	if src.file != "" {
		return readSecretFile(src, io.In)
	}
	if v := getenv(src.envVar); v != "" {
		return v, nil
	}
	f, ok := io.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", nil
	}
	fmt.Fprintf(io.Err, "%s (input hidden): ", src.name)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(io.Err)
	if err != nil {
		return "", fmt.Errorf("could not read the %s from the terminal: %w", src.name, err)
	}
	return string(b), nil
}

// readSecretFile reads a secret from a file or stdin, dropping one final
// line break, as files and "echo" add one.
func readSecretFile(src secretSource, stdin io.Reader) (string, error) {
	var r io.Reader
	if src.file == "-" {
		r = stdin
	} else {
		f, err := os.Open(src.file)
		if err != nil {
			return "", usagef("could not read the %s file: %v", src.name, err)
		}
		if info, err := f.Stat(); err == nil && info.IsDir() {
			f.Close()
			return "", usagef("the %s file %s is a directory: give the path of a file", src.name, src.file)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", usagef("could not read the %s: %v", src.name, err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line != "" && strings.TrimSpace(line) == "" {
		return "", usagef("the %s from %s contains only whitespace", src.name, secretOrigin(src.file))
	}
	if line == "" && src.file == "-" {
		return "", usagef("the %s on stdin is empty: pipe it in, or use a file", src.name)
	}
	if line == "" {
		return "", usagef("the %s file %s is empty", src.name, src.file)
	}
	return line, nil
}

// secretOrigin names where a secret file argument points, for messages.
func secretOrigin(file string) string {
	if file == "-" {
		return "stdin"
	}
	return file
}
