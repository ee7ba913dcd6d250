// Package proctree starts commands so that every process they lead to can
// be found and ended afterwards, including processes that leave the
// command's process group or session: Jupyter starts each kernel in a
// session of its own, and GoNB starts gopls in a process group of its own
// and leaves it running when the kernel is killed.
//
// A Tree marks the commands it starts with an environment variable that
// every descendant inherits, and finds them again by that mark in /proc
// (Linux). Where /proc is missing it falls back to the process groups of
// the commands it started.
package proctree

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MarkEnv is the environment variable that marks a tree's processes.
const MarkEnv = "EMBEDCLASSIFY_PROCTREE"

// Grace is how long Kill waits after SIGTERM before sending SIGKILL.
const Grace = 3 * time.Second

// A Tree is a set of started commands and all their descendants. Its
// methods are safe for concurrent use.
type Tree struct {
	mark string // MarkEnv=<random id>

	mu   sync.Mutex
	cmds []*exec.Cmd // the commands added; started ones lead a process group
}

// New returns an empty tree with a mark of its own.
func New() *Tree {
	b := make([]byte, 12)
	rand.Read(b)
	return &Tree{mark: MarkEnv + "=" + hex.EncodeToString(b)}
}

// Mark returns the environment entry (MarkEnv=id) the tree's processes
// carry.
func (t *Tree) Mark() string { return t.mark }

// Command returns an exec.Cmd for name and args that Start adds to the
// tree (see Add). Cancelling ctx kills the whole tree, not only the
// command.
func (t *Tree) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	t.Add(cmd)
	cmd.Cancel = func() error {
		t.Kill()
		return nil
	}
	return cmd
}

// Add prepares cmd, before it is started, to belong to the tree: it runs
// in a new process group and its environment (cmd.Env, or this process's
// when nil) carries the tree's mark. Call Add after setting cmd.Env, again
// if cmd.Env changes after Command.
func (t *Tree) Add(cmd *exec.Cmd) {
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	env = slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, MarkEnv+"=") })
	cmd.Env = append(env, t.mark)
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	t.mu.Lock()
	if !slices.Contains(t.cmds, cmd) {
		t.cmds = append(t.cmds, cmd)
	}
	t.mu.Unlock()
}

// Pids returns the live processes of the tree: those carrying its mark.
// Without /proc it returns the live process groups of the commands it
// started, as negative numbers (as kill(2) takes them).
func (t *Tree) Pids() ([]int, error) {
	pids, err := Marked(t.mark)
	if err == nil {
		return pids, nil
	}
	var groups []int
	for _, g := range t.groupIDs() {
		if syscall.Kill(-g, 0) == nil {
			groups = append(groups, -g)
		}
	}
	return groups, nil
}

// groupIDs returns the process groups of the started commands: each leads
// its own.
func (t *Tree) groupIDs() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ids []int
	for _, cmd := range t.cmds {
		if cmd.Process != nil {
			ids = append(ids, cmd.Process.Pid)
		}
	}
	return ids
}

// Kill ends every process of the tree: SIGTERM first, then, after Grace,
// SIGKILL to those left. It returns when none is left, or with an error
// naming the survivors after a further Grace. Call it after the tree's
// commands have started (or failed to).
func (t *Tree) Kill() error {
	var signalled []int // the marked processes signalled, to see them gone
	signal := func(sig syscall.Signal) int {
		n := 0
		for _, g := range t.groupIDs() {
			if syscall.Kill(-g, sig) == nil {
				n++
			}
		}
		pids, _ := Marked(t.mark)
		for _, p := range pids {
			if syscall.Kill(p, sig) == nil {
				n++
				if !slices.Contains(signalled, p) {
					signalled = append(signalled, p)
				}
			}
		}
		return n
	}
	if signal(syscall.SIGTERM) == 0 {
		return nil
	}
	if t.waitGone(Grace, signalled) {
		return nil
	}
	signal(syscall.SIGKILL)
	if t.waitGone(Grace, signalled) {
		return nil
	}
	pids, _ := t.Pids()
	return fmt.Errorf("proctree: processes %v survived SIGKILL", pids)
}

// waitGone polls until the tree has no live process and every one of pids
// has exited, for at most d. A process loses its environment (and so its
// mark) early in its exit, before it has stopped running: Pids alone would
// call it gone too soon.
func (t *Tree) waitGone(d time.Duration, pids []int) bool {
	deadline := time.Now().Add(d)
	for {
		live, err := t.Pids()
		if err == nil && len(live) == 0 && !slices.ContainsFunc(pids, running) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// running reports whether process pid exists and is not a zombie, by its
// state in /proc (false where /proc cannot tell).
func running(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return rest != "" && rest[0] != 'Z' && rest[0] != 'X'
}

// ErrNoProc is returned by Marked where /proc cannot be read.
var ErrNoProc = errors.New("proctree: /proc is not readable on this system")

// Marked returns the live processes (not zombies) whose environment holds
// the entry mark, such as "NAME=value", other than this process. It reads
// /proc and fails with ErrNoProc where /proc is missing.
func Marked(mark string) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoProc, err)
	}
	want := []byte(mark + "\x00")
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || len(env) == 0 {
			continue // gone, someone else's, or a zombie
		}
		env = append(env, 0)
		if bytes.HasPrefix(env, want) || bytes.Contains(env, append([]byte{0}, want...)) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
