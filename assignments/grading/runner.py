"""The only program that runs student code. It runs inside bubblewrap.

Protocol: one JSON request per line on stdin, one JSON reply per line on the
file descriptor given as ``argv[1]``. The student's own prints and TensorFlow's
log lines go to stdout/stderr, which the grader discards, so they neither
break the protocol nor cost points.

Requests:
    {"op": "preamble", "code": ...}          run the instructor's setup code
    {"op": "define", "code": ..., "label": ...}  run one student answer cell
    {"op": "call", "name": ..., "args": [...], "kwargs": {...}}

Replies: {"ok": true, "value": ...} or {"ok": false, "error": "<traceback>"}.

This process holds no expected answer and no test: it only evaluates the
student's functions on inputs, and the grader compares the results outside.
"""

import os
import sys
import traceback

import wire  # bound next to this file inside the sandbox

namespace = {"__name__": "__main__"}


def main() -> None:
    reply_fd = int(sys.argv[1])
    replies = os.fdopen(reply_fd, "wb", buffering=0)
    requests = sys.stdin.buffer
    # Student code must not read the request stream or write the reply one.
    sys.stdin = open(os.devnull)
    for line in requests:
        request = None
        try:
            request = wire.loads(line)
            op = request["op"]
            if op in ("preamble", "define"):
                code = compile(request["code"], f"<{request.get('label', op)}>", "exec")
                exec(code, namespace)
                reply = {"ok": True, "value": None}
            elif op == "call":
                function = namespace.get(request["name"])
                if not callable(function):
                    raise NameError(f"`{request['name']}` is not defined by your answer")
                args = wire.decode(request["args"])
                kwargs = wire.decode(request["kwargs"])
                reply = {"ok": True, "value": wire.encode(function(*args, **kwargs))}
            else:
                raise ValueError(f"unknown request {op!r}")
        except BaseException as error:  # noqa: BLE001 - report everything, SystemExit included
            lines = traceback.format_exception(type(error), error, error.__traceback__)
            # Keep the student's frames, drop this runner's.
            kept = [line for line in lines if "runner.py" not in line]
            reply = {"ok": False, "error": "".join(kept)[-4000:]}
        if isinstance(request, dict):
            reply["id"] = request.get("id")
        replies.write(wire.dumps(reply))


if __name__ == "__main__":
    main()
