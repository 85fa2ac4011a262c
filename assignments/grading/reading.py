"""Read submitted files safely: bounded, never through a link, whatever their format or encoding.

Everything a student submits is hostile data to the grader. This module is the
only place that touches it on disk, and it:

- opens regular files only, never through a symbolic link (``O_NOFOLLOW`` and
  ``fstat``), never a FIFO or a device, and never reads more than
  :data:`MAX_NOTEBOOK_BYTES`;
- decodes UTF-8 (with or without BOM), UTF-16/32 (by BOM) and, failing
  those, cp1252, and says which it used;
- reads notebooks with ``nbformat`` (v3 upgraded to v4) and Colab's
  "Download .py" files (``# %%`` or ``# In[ ]:`` cells) into one shape:
  a list of cells ``{"cell_type", "source"}`` with ``source`` as text;
- turns any parse failure, deep nesting included, into :class:`Unreadable`
  with the reason, never another exception.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import unicodedata
from pathlib import Path

__all__ = ["MAX_NOTEBOOK_BYTES", "MAX_CELL_CHARS", "Unreadable", "read_bytes", "decode", "load_cells",
           "is_submission_file", "clean_text"]

MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024
"""Largest submitted file read (a notebook with outputs is rarely over a few MiB)."""

MAX_CELL_CHARS = 200_000
"""Longest cell the grader parses; longer cells are graded as text only in the sandbox."""

_PY_CELL = re.compile(r"^# ?(%%|In\[[ 0-9]*\]:)", re.MULTILINE)
_SUFFIXES = (".ipynb", ".ipynb.json", ".py")


class Unreadable(ValueError):
    """The submission cannot be read; the message says why, for the grades file."""


def is_submission_file(name: str) -> bool:
    """Whether a file name looks like a notebook download: .ipynb (any case), .ipynb.json or .py."""
    lower = name.lower()
    return lower.endswith(_SUFFIXES)


def clean_text(text: object, limit: int = 4000) -> str:
    """Any text from a student made safe to write anywhere: valid Unicode, no control characters, bounded."""
    if not isinstance(text, str):
        text = repr(text)
    if len(text) > limit:
        text = text[:limit] + " [...]"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates become \udXXX
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text)


def read_bytes(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """Read a regular file that is not a link, at most ``limit`` bytes, without ever blocking."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if Path(path).is_symlink():
            raise Unreadable("it is a symbolic link, which is never followed") from None
        raise Unreadable(f"it cannot be opened ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("it is not a regular file (a FIFO, device or socket)")
        if info.st_size > limit:
            raise Unreadable(f"it is {info.st_size:,} bytes, over the limit of {limit:,}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Unreadable(f"it is over the limit of {limit:,} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode a downloaded file; return the text and a note when it was not plain UTF-8."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), None if encoding == "utf-8-sig" else f"read as {encoding.upper()}"
            except UnicodeDecodeError:
                raise Unreadable(f"it starts with a {encoding} mark but is not valid {encoding}") from None
    if len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0] and data[2]:
        return _strict(data, "utf-16-le"), "read as UTF-16 (no byte-order mark)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    return _strict(data, "cp1252"), "read as Windows-1252 (it is not UTF-8)"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise Unreadable(f"it is neither UTF-8 nor {encoding}") from None


def _cell_text(source: object) -> str:
    if isinstance(source, str):
        text = source
    elif isinstance(source, list) and all(isinstance(part, str) for part in source):
        text = "".join(source)
    else:
        raise Unreadable("a cell's source is not text (a list holding something else)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _notebook_cells(text: str) -> tuple[list[dict], list[str]]:
    try:
        raw = json.loads(text)
    except RecursionError:  # the C decoder stops at the interpreter's recursion limit
        raise Unreadable("its JSON is nested too deeply") from None
    except ValueError as error:
        raise Unreadable(f"it is not valid JSON ({str(error)[:200]})") from None
    if not isinstance(raw, dict):
        raise Unreadable("it is not a Jupyter notebook (not a JSON object)")
    notes = []
    major = raw.get("nbformat")
    if major == 3 or (major is None and "worksheets" in raw):
        import nbformat  # imported only when needed: it takes a second or two

        try:
            raw = nbformat.convert(nbformat.from_dict(raw), 4)
        except Exception as error:  # noqa: BLE001 - any failure of the converter is a reason
            raise Unreadable(f"it is an nbformat 3 notebook that cannot be upgraded ({str(error)[:200]})") from None
        notes.append("an nbformat 3 notebook, upgraded to version 4")
    cells = raw.get("cells")
    if not isinstance(cells, list):
        raise Unreadable("it is not a Jupyter notebook (no list of cells)")
    out = []
    for cell in cells:
        if not isinstance(cell, dict):
            raise Unreadable("a cell is not a JSON object")
        kind = cell.get("cell_type")
        out.append({"cell_type": kind if isinstance(kind, str) else "unknown", "source": _cell_text(cell.get("source", ""))})
    return out, notes


def _py_cells(text: str) -> list[dict]:
    """Colab's or Jupyter's .py download: cells split at ``# %%`` or ``# In[ ]:`` lines, else at answer markers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts = [m.start() for m in _PY_CELL.finditer(text)]
    if not starts:  # Colab writes no cell separators: cut before each marker line, the cell runs to the next one
        starts = [m.start() for m in re.finditer(r"^[ \t]*#[ \t]*EXERCISE:", text, re.MULTILINE)]
    bounds = [0, *starts, len(text)]
    cells = []
    for begin, end in zip(bounds, bounds[1:]):
        chunk = text[begin:end]
        if _PY_CELL.match(chunk):
            chunk = chunk.split("\n", 1)[1] if "\n" in chunk else ""
        if chunk.strip():
            cells.append({"cell_type": "code", "source": chunk, "py_chunk": True})
    return cells


def load_cells(path: Path) -> tuple[list[dict], list[str]]:
    """Read one submitted file into cells; return them and notes on how it was read. Raises Unreadable."""
    data = read_bytes(path)
    text, note = decode(data)
    notes = [note] if note else []
    if Path(path).name.lower().endswith(".py"):
        cells = _py_cells(text)
        notes.append("a .py download: its code was split into cells at the answer markers")
    else:
        cells, more = _notebook_cells(text)
        notes += more
    return cells, notes
