"""Runs notebook cells in one kernel session, as a person at Jupyter does.

Used by notebook_test.go, which runs it with the Python that runs jupyter.
Usage:

    session.py KERNEL_NAME FOLDER

It starts the kernel in FOLDER, prints {"step": "ready"} and then reads one
JSON object per line on stdin, {"source": "..."}: it executes the source as
one cell and prints {"status", "text"}: the reply's status and the cell's
outputs (stream text, and the HTML or plain text of rich outputs), one JSON
object per line. It stops at the end of its input and shuts the kernel down.
"""

import json
import queue
import sys
import time

from jupyter_client.manager import start_new_kernel


def say(**kw):
    print(json.dumps(kw), flush=True)


def run(kc, source, timeout=900):
    """Executes source; returns (status, text)."""
    msg_id = kc.execute(source)
    start = time.time()
    texts = []
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.5)
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
    return reply["content"]["status"], "".join(texts)


def main():
    kernel, folder = sys.argv[1], sys.argv[2]
    km, kc = start_new_kernel(kernel_name=kernel, cwd=folder)
    try:
        say(step="ready")
        for line in sys.stdin:
            if not line.strip():
                continue
            status, text = run(kc, json.loads(line)["source"])
            say(status=status, text=text)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
