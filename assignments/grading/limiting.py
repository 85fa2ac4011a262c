"""Limits per sandbox, not per process: one cgroup per sandbox (memory and number of processes).

The kernel's cgroups count every process of a sandbox together: memory of all
forked children (and of the files they write to the sandbox's RAM ``/tmp``)
and the number of processes and threads. The grader uses cgroup v2 when
``/sys/fs/cgroup`` is the unified hierarchy, else the v1 ``memory`` and
``pids`` hierarchies, creating a child of the grader's own cgroup in each.
Where neither can be written (no root, no delegation), :func:`status` says
why and the sandbox keeps only its per-process limits (address space, CPU
time, file size) and the wall-clock limit.

Example:
    >>> group = Cgroup.create(memory_bytes=2 << 30, pids=256)  # None where unavailable
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

__all__ = ["Cgroup", "cleanup", "status"]

_ROOT = Path("/sys/fs/cgroup")
_STATUS: str | None = None


def _own_path(controller: str | None) -> str | None:
    """This process's cgroup path in the v2 hierarchy (controller None) or in v1's ``controller``."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        number, names, path = line.split(":", 2)
        if controller is None and number == "0" and names == "":
            return path
        if controller is not None and controller in names.split(","):
            return path
    return None


class Cgroup:
    """A cgroup (v2) or a pair of cgroups (v1 memory + pids) holding one sandbox."""

    def __init__(self, folders: list[Path], version: int):
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, memory_bytes: int, pids: int) -> "Cgroup | None":
        """A new cgroup with these limits, or None (see :func:`status`) where the kernel offers none."""
        global _STATUS
        if _STATUS is not None and _STATUS != "ok":
            return None
        name = f"grading-{os.getpid()}-{secrets.token_hex(4)}"
        made: list[Path] = []
        try:
            if (_ROOT / "cgroup.controllers").exists():  # the unified hierarchy (cgroup v2)
                own = _own_path(None)
                parent = _ROOT / (own or "/").lstrip("/")
                wanted = {"memory", "pids"}
                if not wanted <= set((parent / "cgroup.controllers").read_text().split()):
                    raise OSError("the memory and pids controllers are not delegated to the grader's cgroup")
                folder = parent / name
                folder.mkdir()
                made.append(folder)
                (folder / "memory.max").write_text(str(memory_bytes))
                with contextlib.suppress(OSError):
                    (folder / "memory.swap.max").write_text("0")
                (folder / "pids.max").write_text(str(pids))
                group = cls(made, 2)
            else:
                for controller, settings in (("memory", {"memory.limit_in_bytes": memory_bytes}),
                                             ("pids", {"pids.max": pids})):
                    own = _own_path(controller)
                    if own is None or not (_ROOT / controller).is_dir():
                        raise OSError(f"no cgroup v1 {controller} hierarchy")
                    folder = _ROOT / controller / own.lstrip("/") / name
                    folder.mkdir()
                    made.append(folder)
                    for key, value in settings.items():
                        (folder / key).write_text(str(value))
                    if controller == "memory":
                        with contextlib.suppress(OSError):
                            (folder / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
                group = cls(made, 1)
        except OSError as error:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()
            _STATUS = f"cgroups unavailable ({error.strerror or error}): limits are per process only"
            return None
        _STATUS = "ok"
        return group

    def enter(self) -> None:
        """Move the calling process (the sandbox's first one, before exec) into this cgroup."""
        for folder in self.folders:
            with open(folder / "cgroup.procs", "w") as handle:
                handle.write("0")

    def out_of_memory(self) -> bool:
        """Whether the kernel hit this cgroup's memory limit."""
        try:
            if self.version == 2:
                events = dict(line.split() for line in (self.folders[0] / "memory.events").read_text().splitlines())
                return int(events.get("max", 0)) > 0 or int(events.get("oom_kill", 0)) > 0
            return int((self.folders[0] / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError, IndexError):
            return False

    def remove(self) -> None:
        """Kill whatever is left in the cgroup and remove it."""
        for folder in self.folders:
            if not folder.exists():
                continue
            for _ in range(50):
                try:
                    pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(OSError):
                        os.kill(pid, 9)
                time.sleep(0.02)
            for _ in range(250):  # up to 5 s: a killed process can take a while to release its memory
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.folders = []


def _parents() -> list[Path]:
    if (_ROOT / "cgroup.controllers").exists():
        return [_ROOT / (_own_path(None) or "/").lstrip("/")]
    parents = []
    for controller in ("memory", "pids"):
        own = _own_path(controller)
        if own is not None:
            parents.append(_ROOT / controller / own.lstrip("/"))
    return parents


def _alive(pid: str) -> bool:
    """Whether a process runs (a zombie, killed and not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def cleanup(pid: int | None = None) -> None:
    """Remove the cgroups a grader process left behind: those of ``pid``, or (None) of every process gone."""
    for parent in _parents():
        with contextlib.suppress(OSError):
            for folder in parent.glob(f"grading-{pid if pid is not None else '*'}-*"):
                owner = folder.name.split("-")[1]
                if pid is not None or (owner.isdigit() and not _alive(owner)):
                    Cgroup([folder], 0).remove()


def status() -> str:
    """How sandboxes are limited here: "ok" (cgroups) or the reason they are not."""
    if _STATUS is None:
        group = Cgroup.create(memory_bytes=64 << 20, pids=16)
        if group:
            group.remove()
    return _STATUS or "unknown"
