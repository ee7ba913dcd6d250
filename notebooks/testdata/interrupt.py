"""Interrupts a notebook cell the way Jupyter's stop button does.

Used by notebook_test.go (TestInterruptAndResume), which runs it with the
Python that runs jupyter. Usage:

    interrupt.py NOTEBOOK CELL_ID MARKER DELAY_SECONDS

It starts the notebook's kernel in the notebook's folder, runs the code cells
before CELL_ID, then talks with the test over stdin/stdout, one JSON object
per line:

  1. prints {"step": "ready"} and waits for a line on stdin;
  2. runs CELL_ID, sends the kernel an interrupt DELAY_SECONDS after the
     cell first shows MARKER in an output (GoNB compiles a cell before it
     runs it: an interrupt during the compilation would not reach the
     program), and prints {"step": "interrupted", "status", "seconds", "text"}: the
     reply's status, the seconds from the interrupt to the reply, and the
     cell's text output; then waits for a line on stdin;
  3. runs CELL_ID again and prints {"step": "rerun", "status", "seconds",
     "text"}.
"""

import json
import os
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel


def say(**kw):
    print(json.dumps(kw), flush=True)


def run(kc, source, marker=None, delay=0, km=None, timeout=600):
    """Executes source; returns (status, seconds after interrupt or start, text)."""
    msg_id = kc.execute(source)
    start = time.time()
    marked_at = None
    interrupted_at = None
    texts = []
    status = None
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
            texts.append(content["data"].get("text/html", content["data"].get("text/plain", "")))
        elif kind == "error":
            texts.append(content.get("evalue", ""))
        elif kind == "status" and content["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    status = reply["content"]["status"]
    end = time.time()
    return status, end - (interrupted_at or start), "".join(texts)


def main():
    path, cell_id, marker, delay = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    with open(path) as f:
        nb = json.load(f)
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    ids = [c.get("id") for c in cells]
    if cell_id not in ids:
        sys.exit("no code cell %r in %s" % (cell_id, path))
    source = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]

    km, kc = start_new_kernel(kernel_name=nb["metadata"]["kernelspec"]["name"],
                              cwd=os.path.dirname(os.path.abspath(path)) or ".")
    try:
        for c in cells[: ids.index(cell_id)]:
            status, _, text = run(kc, source(c))
            if status != "ok":
                sys.exit("cell %s failed: %s" % (c.get("id"), text[-2000:]))
        target = source(cells[ids.index(cell_id)])

        say(step="ready")
        sys.stdin.readline()
        status, seconds, text = run(kc, target, marker=marker, delay=delay, km=km)
        say(step="interrupted", status=status, seconds=seconds, text=text)
        sys.stdin.readline()
        status, seconds, text = run(kc, target)
        say(step="rerun", status=status, seconds=seconds, text=text)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
