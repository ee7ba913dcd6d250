"""Runs notebook cells in one kernel session, as a person at Jupyter does.

Used by package nbtest (Session), which runs it with the Python that runs jupyter.
Usage:

    session.py KERNEL_NAME FOLDER

It starts the kernel in FOLDER, prints {"step": "ready"} and then reads one
JSON object per line on stdin, {"source": "...", "interrupt_after": MARKER,
"delay": SECONDS} (the last two optional): it executes the source as one
cell and prints {"status", "seconds", "text"}: the reply's status, the
seconds the cell took (from the interrupt on, when there was one) and the
cell's outputs (stream text, and the HTML or plain text of rich outputs),
one JSON object per line. With interrupt_after, it interrupts the kernel as
Jupyter's stop button does, DELAY seconds after the cell first shows MARKER
(GoNB compiles a cell before it runs it: an interrupt during the
compilation would not reach the program). It stops at the end of its input
and shuts the kernel down.
"""

import json
import os
import queue
import signal
import sys
import time

from jupyter_client.manager import start_new_kernel


def say(**kw):
    print(json.dumps(kw), flush=True)


def run(kc, km, source, marker=None, delay=0, timeout=900):
    """Executes source; returns (status, seconds, text)."""
    msg_id = kc.execute(source)
    start = time.time()
    marked_at = interrupted_at = None
    texts = []
    while True:
        if marker is not None and marked_at is None and marker in "".join(texts):
            marked_at = time.time()
        if marked_at is not None and interrupted_at is None and time.time() - marked_at >= delay:
            km.interrupt_kernel()
            interrupted_at = time.time()
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except queue.Empty:
            if time.time() - start > timeout:
                raise TimeoutError("cell did not finish in %ds" % timeout)
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            texts.append(content["text"])
        elif kind in ("display_data", "execute_result", "update_display_data"):
            data = content["data"]
            texts.append(data.get("text/html", data.get("text/plain", "")) + "\n")
        elif kind == "error":
            texts.append(content.get("evalue", "") + "\n")
        elif kind == "status" and content["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    return reply["content"]["status"], time.time() - (interrupted_at or start), "".join(texts)


def descendants(pid):
    """Returns the ids of pid's descendant processes (Linux /proc)."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def main():
    kernel, folder = sys.argv[1], sys.argv[2]
    km, kc = start_new_kernel(kernel_name=kernel, cwd=folder)
    try:
        say(step="ready")
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            status, seconds, text = run(kc, km, req["source"], req.get("interrupt_after"), req.get("delay", 0))
            say(status=status, seconds=seconds, text=text)
    finally:
        # GoNB leaves gopls running when it stops: end every process the
        # kernel started, by id.
        left = descendants(km.provisioner.process.pid) if km.provisioner and km.provisioner.process else []
        kc.stop_channels()
        km.shutdown_kernel()  # asks GoNB to stop, so that it removes its temporary folder
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    main()
