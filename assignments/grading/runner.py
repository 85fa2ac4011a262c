"""The only program that runs student code. It runs inside bubblewrap.

Protocol: one JSON request per line on stdin, one JSON reply per line on the
file descriptor given as ``argv[1]``. The student's own prints and TensorFlow's
log lines go to stdout/stderr, which the grader discards, so they neither
break the protocol nor cost points.

Requests:
    {"op": "preamble", "code": ..., "protect": [names]}  run the instructor's setup code
    {"op": "define", "code": ..., "label": ...}  run one student answer cell
    {"op": "call", "name": ..., "args": [...], "kwargs": {...}}

Replies: {"ok": true, "value": ...} or {"ok": false, "error": "<traceback>"}.

This process holds no expected answer and no test: it only evaluates the
student's functions on inputs, and the grader compares the results outside.
Whatever this process sends back is, at worst, a value the student chose:
the grader treats every reply as untrusted data.

Student cells run as Colab runs them: IPython magics and shell lines were
already turned into ``get_ipython()`` calls by the grader (IPython's own
transformer); here ``get_ipython()`` runs the code of ``%time``/``%%time``-like
magics (time, timeit, capture, prun) and answers the others with nothing, ``display``
does nothing, ``google.colab`` imports as an empty stand-in, and a cell with
top-level ``await`` runs in an event loop.
"""

import ast
import asyncio
import importlib.abc
import importlib.machinery
import inspect
import os
import sys
import traceback
import types

import wire  # bound next to this file inside the sandbox


class _Nothing:
    """Stands for IPython and Colab objects: every attribute and call gives back another nothing."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Nothing()

    def __call__(self, *args, **kwargs):
        return None


class _ColabFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import google.colab`` (and its submodules) gives an empty module outside Colab."""

    def find_spec(self, name, path=None, target=None):
        if name == "google.colab" or name.startswith("google.colab."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        if name == "google":
            for finder in sys.meta_path:  # a real `google` package (protobuf's) is kept
                if finder is not self and hasattr(finder, "find_spec"):
                    try:
                        if finder.find_spec(name, path, target) is not None:
                            return None
                    except Exception:  # noqa: BLE001 - a broken finder: use the stand-in
                        pass
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attribute: _Nothing()
        return module

    def exec_module(self, module):
        return None


class _Shell(_Nothing):
    """What ``get_ipython()`` gives: magics that only time or capture a cell run its code; the rest do nothing."""

    _RUNS_CODE = {"time", "timeit", "capture", "prun", "debug"}

    def run_line_magic(self, name, line, *args):
        if name in self._RUNS_CODE and line.strip() and not line.lstrip().startswith("-"):
            _run(_python(line), "<magic>")
        return None

    def run_cell_magic(self, name, line, cell, *args):
        if name in self._RUNS_CODE:
            _run(_python(cell), "<magic>")
        return None

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []


def _python(code):
    """IPython's own transformer for the body of a magic (magics inside it), when IPython is installed."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except Exception:  # noqa: BLE001 - without IPython the body runs as it is
        return code
    return TransformerManager().transform_cell(code)


_SHELL = _Shell()
namespace = {"__name__": "__main__", "get_ipython": lambda: _SHELL, "display": lambda *a, **k: None}
protected = {}  # the setup's own helpers, as they were before any student code ran


def _run(code, label):
    compiled = compile(code, label, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    result = eval(compiled, namespace)  # noqa: S307 - this process exists to run the student's code
    if inspect.iscoroutine(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def _copy(function):
    """A private copy of a setup function: rebinding its name or patching the original changes nothing here."""
    if not isinstance(function, types.FunctionType):
        return function
    clone = types.FunctionType(function.__code__, function.__globals__, function.__name__,
                               function.__defaults__, function.__closure__)
    clone.__kwdefaults__ = dict(function.__kwdefaults__) if function.__kwdefaults__ else None
    return clone


def main() -> None:
    reply_fd = int(sys.argv[1])
    replies = os.fdopen(reply_fd, "wb", buffering=0)
    requests = sys.stdin.buffer
    sys.meta_path.insert(0, _ColabFinder())
    # Student code must not read the request stream or write the reply one.
    sys.stdin = open(os.devnull)
    for line in requests:
        request = None
        try:
            request = wire.loads(line)
            op = request["op"]
            if op in ("preamble", "define"):
                _run(request["code"], f"<{request.get('label', op)}>")
                if op == "preamble":
                    protected.update({name: _copy(namespace[name]) for name in request.get("protect", ())
                                      if name in namespace})
                reply = {"ok": True, "value": None}
            elif op == "call":
                name = request["name"]
                function = protected.get(name) or namespace.get(name)
                if not callable(function):
                    raise NameError(f"`{name}` is not defined by your answer")
                args = wire.decode(request["args"])
                kwargs = wire.decode(request["kwargs"])
                reply = {"ok": True, "value": wire.encode(function(*args, **kwargs))}
            else:
                raise ValueError(f"unknown request {op!r}")
        except BaseException as error:  # noqa: BLE001 - report everything, SystemExit included
            try:
                lines = traceback.format_exception(type(error), error, error.__traceback__)
                # Keep the student's frames, drop this runner's.
                kept = [line for line in lines if "runner.py" not in line]
                text = "".join(kept)[-4000:]
            except BaseException:  # noqa: BLE001 - an exception whose message itself fails
                text = f"{type(error).__name__} (its message could not be shown)"
            reply = {"ok": False, "error": text}
        if isinstance(request, dict):
            reply["id"] = request.get("id")
        try:
            data = wire.dumps(reply)
        except BaseException:  # noqa: BLE001
            data = wire.dumps({"ok": False, "error": "the reply could not be encoded", "id": reply.get("id")})
        replies.write(data)


if __name__ == "__main__":
    main()
