package flow

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// narrator writes progress for people to Config.Narration, one call at a
// time. On a terminal it also keeps one live line, the waiting status,
// which is rewritten in place and erased before the next ordinary line.
type narrator struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	live     bool
}

// eraseLine moves to the start of the line and clears it (ANSI EL).
const eraseLine = "\r\x1b[K"

// line writes one line, erasing the live line first.
func (n *narrator) line(s string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.eraseLive()
	fmt.Fprintln(n.w, s)
}

// setLive shows s as the live line. It does nothing unless the writer is a
// terminal, so logs and pipes get no repeated status lines.
func (n *narrator) setLive(s string) {
	if !n.terminal {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	fmt.Fprint(n.w, eraseLine+s)
	n.live = true
}

// clearLive erases the live line, if one is shown.
func (n *narrator) clearLive() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.eraseLive()
}

func (n *narrator) eraseLive() {
	if n.live {
		fmt.Fprint(n.w, eraseLine)
		n.live = false
	}
}

// Write passes a launched browser's own output on as narration lines.
func (n *narrator) Write(p []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			n.line(l)
		}
	}
	return len(p), nil
}
