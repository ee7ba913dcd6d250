package proctree

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary act as a helper process: "parent" starts
// a "child" in a session of its own (as Jupyter starts a kernel), prints
// the child's pid and waits; "child" ignores SIGTERM and waits.
const helperEnv = "PROCTREE_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "parent":
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), helperEnv+"=child")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(cmd.Process.Pid)
		time.Sleep(time.Hour)
	case "child":
		signal.Ignore(syscall.SIGTERM)
		time.Sleep(time.Hour)
	default:
		os.Exit(m.Run())
	}
}

// alive reports whether pid is a live process (not a zombie).
func alive(pid int) bool { return running(pid) }

// startFamily starts a parent helper in tree and returns its child, which
// lives in a session of its own.
func startFamily(t *testing.T, tree *Tree) (parent *exec.Cmd, child int) {
	t.Helper()
	if _, err := Marked("x"); err != nil {
		t.Skip(err) // no /proc: nothing to find descendants by
	}
	parent = tree.Command(context.Background(), os.Args[0])
	parent.Env = append(os.Environ(), helperEnv+"=parent")
	tree.Add(parent) // again, after setting Env
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	child, err = strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(child, syscall.SIGKILL)
		parent.Process.Kill()
		parent.Wait()
	})
	return parent, child
}

// TestKillFindsOrphans kills only the parent, as a test that ends the
// command it started would: its child, in another session and ignoring
// SIGTERM, lives on, and Kill must end it.
func TestKillFindsOrphans(t *testing.T) {
	tree := New()
	parent, child := startFamily(t, tree)
	// A process just started may not show its environment (its mark) for
	// a moment, while it execs.
	var pids []int
	for range 100 {
		var err error
		if pids, err = tree.Pids(); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(pids, parent.Process.Pid) && slices.Contains(pids, child) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !slices.Contains(pids, parent.Process.Pid) || !slices.Contains(pids, child) {
		t.Fatalf("Pids() = %v, want the parent %d and its child %d", pids, parent.Process.Pid, child)
	}
	parent.Process.Kill()
	parent.Wait()
	if !alive(child) {
		t.Fatal("the child died with its parent: the test shows nothing")
	}
	if err := tree.Kill(); err != nil {
		t.Fatal(err)
	}
	if alive(child) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(child) + "/stat")
		e, _ := os.ReadFile("/proc/" + strconv.Itoa(child) + "/environ")
		t.Errorf("child %d is still running after Kill: %s (environ %d bytes)", child, b, len(e))
	}
	if pids, _ := tree.Pids(); len(pids) != 0 {
		t.Errorf("Pids() after Kill = %v", pids)
	}
}

// TestCancelKillsTree cancels the context of a running command: the whole
// tree ends, not only the command.
func TestCancelKillsTree(t *testing.T) {
	if _, err := Marked("x"); err != nil {
		t.Skip(err)
	}
	tree := New()
	ctx, cancel := context.WithCancel(context.Background())
	parent := tree.Command(ctx, os.Args[0])
	parent.Env = append(os.Environ(), helperEnv+"=parent")
	tree.Add(parent)
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	child, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(child, syscall.SIGKILL)
	cancel()
	parent.Wait()
	if alive(child) {
		t.Errorf("child %d is still running after the context was cancelled", child)
	}
}

func TestMarkedIgnoresOthers(t *testing.T) {
	pids, err := Marked(New().Mark())
	if err != nil {
		t.Skip(err)
	}
	if len(pids) != 0 {
		t.Errorf("a fresh mark matches processes %v", pids)
	}
}
