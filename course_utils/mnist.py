"""MNIST handwritten digits: load them online through Keras or offline from IDX files.

:func:`load_mnist` returns the standard split, the same arrays as
``keras.datasets.mnist.load_data()``::

    (x_train, y_train), (x_test, y_test)   # uint8: (60000, 28, 28), (60000,), (10000, 28, 28), (10000,)

It looks for the data in this order (the first route that applies wins):

1. ``directory``, when given: a directory holding the four original IDX files
   (``train-images-idx3-ubyte.gz`` and the three others, gzipped or not).
2. The environment variable ``COURSE_DATA_DIR``, when set and not empty: a
   directory of datasets; MNIST lives in its ``mnist/`` subdirectory. The
   environment is read from the ``environ`` argument, or from ``os.environ``
   when ``environ`` is None (the only place this module reads it).
3. Online: ``keras.datasets.mnist.load_data()``, which downloads the digits
   once and caches them in ``~/.keras/datasets``.

Offline files are checked against the published MD5 checksums of their
uncompressed bytes before they are used. This module only reads files: it
never writes, caches or converts anything, so a failed load leaves nothing
behind.

Example:
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()      # doctest: +SKIP
    >>> x_train.shape, x_train.dtype, y_test[:3]                 # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'), array([7, 2, 1], dtype=uint8))
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "DATA_DIR_ENV_VAR",
    "MNIST_SUBDIR",
    "MNIST_FILES",
    "MNIST_MD5",
    "MnistFileError",
    "MnistUnavailableError",
    "offline_directory",
    "read_idx",
    "load_mnist",
]

DATA_DIR_ENV_VAR = "COURSE_DATA_DIR"
"""Environment variable naming a directory of pre-fetched datasets."""

MNIST_SUBDIR = "mnist"
"""Subdirectory of ``COURSE_DATA_DIR`` that holds the MNIST files."""

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
"""The four IDX files, by role; each may be stored as ``name`` or ``name.gz``."""

MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
"""Published MD5 checksums of the uncompressed IDX files."""

_EXPECTED_SHAPES = {
    "train_images": (60000, 28, 28),
    "train_labels": (60000,),
    "test_images": (10000, 28, 28),
    "test_labels": (10000,),
}
_IDX_UBYTE = 0x08  # the only IDX element type MNIST uses: unsigned bytes
_GZIP_MAGIC = b"\x1f\x8b"
_MD5_PATTERN = re.compile(r"[0-9a-f]{32}")
_CHUNK = 1 << 20

_FIX = (
    "To fix it, do one of these:\n"
    f"  * set the environment variable {DATA_DIR_ENV_VAR} to a directory whose '{MNIST_SUBDIR}/' "
    "subdirectory holds the four files "
    + ", ".join(f"{name}.gz" for name in MNIST_FILES.values())
    + " (gzipped or not), for example: export "
    + f"{DATA_DIR_ENV_VAR}=/path/to/data;\n"
    "  * or pass the directory that holds the four files: load_mnist(directory='/path/to/data/mnist');\n"
    "  * or run with network access, so that keras.datasets.mnist.load_data() can download the digits once "
    "(they are then cached in ~/.keras/datasets)."
)


class MnistFileError(ValueError):
    """An MNIST file is corrupt, truncated or not an IDX file of the expected kind."""


class MnistUnavailableError(RuntimeError):
    """MNIST can be found neither in local files nor online."""


def _as_path(name: str, value: object) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(
            f"`{name}` must be a path (str or os.PathLike) (got {value!r} of type {type(value).__name__})."
        )
    if str(value) == "":
        raise ValueError(f"`{name}` must name a directory (got an empty string); pass None to skip it.")
    return Path(value).expanduser()


def _check_environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    if environ is None:
        return os.environ
    if not isinstance(environ, Mapping):
        raise TypeError(
            f"`environ` must be a mapping such as os.environ or a dict (got {type(environ).__name__})."
        )
    return environ


def _check_md5(name: str, value: object) -> str:
    if not isinstance(value, str) or not _MD5_PATTERN.fullmatch(value.lower()):
        raise ValueError(
            f"`{name}` must be an MD5 checksum, 32 hexadecimal digits (got {value!r})."
        )
    return value.lower()


def offline_directory(
    directory: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Path | None:
    """Return the directory :func:`load_mnist` reads, or None when it would go online.

    Args:
        directory: A directory holding the four IDX files; returned as a Path
            when given (it wins over the environment).
        environ: Where to read ``COURSE_DATA_DIR`` from; ``os.environ`` when None.

    Returns:
        ``directory``; else ``$COURSE_DATA_DIR/mnist`` when the variable is set
        and not empty; else None (the Keras online route).

    Raises:
        TypeError: ``directory`` is not a path, or ``environ`` not a mapping.
        ValueError: ``directory`` is an empty string.

    Example:
        >>> offline_directory(environ={"COURSE_DATA_DIR": "/data"}).as_posix()
        '/data/mnist'
        >>> offline_directory(environ={}) is None
        True
    """
    env = _check_environ(environ)
    if directory is not None:
        return _as_path("directory", directory)
    data_dir = env.get(DATA_DIR_ENV_VAR, "").strip()
    if data_dir:
        return Path(data_dir).expanduser() / MNIST_SUBDIR
    return None


class _GzipFailure(Exception):
    def __init__(self, partial: bytearray, error: BaseException) -> None:
        super().__init__(str(error))
        self.partial = partial
        self.error = error


def _read_bytes(path: Path) -> bytearray:
    """Return the uncompressed bytes of ``path`` (gunzipped when it starts like a gzip file)."""
    with open(path, "rb") as file:
        raw = file.read()
    if not raw.startswith(_GZIP_MAGIC):
        return bytearray(raw)
    data = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            while chunk := stream.read(_CHUNK):
                data += chunk
    except (EOFError, OSError, zlib.error) as err:
        raise _GzipFailure(data, err) from err
    return data


def read_idx(
    path: str | os.PathLike[str],
    *,
    md5: str | None = None,
) -> np.ndarray:
    """Read one IDX file of unsigned bytes (gzipped or not) into a NumPy array.

    The IDX format starts with a 4-byte magic number ``0x00 0x00 0x08 ndim``
    (``0x08``: unsigned bytes), then ``ndim`` big-endian int32 sizes, then the
    data. A file that starts with the gzip signature is gunzipped first,
    whatever its name.

    Args:
        path: The file to read.
        md5: The expected MD5 checksum of the uncompressed bytes (32 hexadecimal
            digits); not checked when None.

    Returns:
        A writable uint8 array of the shape the header gives.

    Raises:
        TypeError: ``path`` is not a path.
        ValueError: ``md5`` is not 32 hexadecimal digits.
        FileNotFoundError: ``path`` does not exist.
        MnistFileError: The gzip stream is truncated or corrupt, the checksum
            differs, the magic number is not that of an IDX file of unsigned
            bytes, or the data are shorter or longer than the header says. The
            message names the file (and the expected and actual checksums).

    Example:
        >>> labels = read_idx("mnist/t10k-labels-idx1-ubyte.gz")      # doctest: +SKIP
        >>> labels.shape                                               # doctest: +SKIP
        (10000,)
    """
    path = _as_path("path", path)
    expected = None if md5 is None else _check_md5("md5", md5)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: '{path}'.")
    try:
        data = _read_bytes(path)
    except _GzipFailure as failure:
        actual = hashlib.md5(failure.partial, usedforsecurity=False).hexdigest()
        wanted = f"expected MD5 of the uncompressed bytes {expected}" if expected else "no checksum given"
        raise MnistFileError(
            f"'{path}' is truncated or corrupt: its gzip stream cannot be read to the end "
            f"({failure.error}); the {len(failure.partial)} bytes it decompresses to have MD5 {actual}, "
            f"{wanted}. Delete the file and fetch it again."
        ) from failure.error
    if expected is not None:
        actual = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if actual != expected:
            raise MnistFileError(
                f"'{path}' is corrupt or truncated: the MD5 of its uncompressed bytes is {actual}, "
                f"expected {expected} ({len(data)} bytes read). Delete the file and fetch it again."
            )
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != _IDX_UBYTE or data[3] == 0:
        raise MnistFileError(
            f"'{path}' is not an IDX file of unsigned bytes: its magic number is "
            f"{bytes(data[:4]).hex(' ') or 'missing (empty file)'}, expected 00 00 08 followed by the "
            "number of dimensions (01 for labels, 03 for images)."
        )
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise MnistFileError(
            f"'{path}' is truncated: its header needs {header} bytes for {ndim} dimensions, "
            f"the file has {len(data)}."
        )
    shape = tuple(int(n) for n in np.frombuffer(bytes(data[4:header]), dtype=">i4"))
    size = int(np.prod(shape))
    if len(data) - header != size:
        raise MnistFileError(
            f"'{path}' holds {len(data) - header} bytes of data, but its header announces shape "
            f"{shape}, that is {size} bytes: the file is truncated or corrupt."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def _find_file(directory: Path, name: str) -> Path | None:
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    return None


def _load_directory(
    directory: Path, checksums: Mapping[str, str] | None, *, source: str
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    if not directory.is_dir():
        hint = ""
        if (directory / MNIST_SUBDIR).is_dir():
            hint = f" It has a '{MNIST_SUBDIR}/' subdirectory: pass that one instead."
        raise FileNotFoundError(
            f"MNIST directory '{directory}' (from {source}) does not exist or is not a directory.{hint}\n{_FIX}"
        )
    paths = {role: _find_file(directory, name) for role, name in MNIST_FILES.items()}
    missing = [f"{MNIST_FILES[role]}(.gz)" for role, path in paths.items() if path is None]
    if missing:
        hint = ""
        if (directory / MNIST_SUBDIR).is_dir():
            hint = f" It has a '{MNIST_SUBDIR}/' subdirectory: pass that one instead."
        raise FileNotFoundError(
            f"MNIST directory '{directory}' (from {source}) lacks {len(missing)} of the 4 files: "
            f"{', '.join(missing)}.{hint}\n{_FIX}"
        )
    arrays = {}
    for role, path in paths.items():
        name = MNIST_FILES[role]
        array = read_idx(path, md5=None if checksums is None else checksums[name])
        if array.ndim != len(_EXPECTED_SHAPES[role]):
            raise MnistFileError(
                f"'{path}' has {array.ndim} dimensions {array.shape}, expected {len(_EXPECTED_SHAPES[role])} "
                f"for {role.replace('_', ' ')}: are the files swapped?"
            )
        arrays[role] = array
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.shape[0] != labels.shape[0]:
            raise MnistFileError(
                f"the {split} split of '{directory}' has {images.shape[0]} images but {labels.shape[0]} labels."
            )
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def _load_online() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    try:
        import keras

        return keras.datasets.mnist.load_data()
    except Exception as err:  # Keras raises a bare Exception on URL fetch failures
        raise MnistUnavailableError(
            "MNIST is not available: no local files were given (neither the `directory` argument nor "
            f"the environment variable {DATA_DIR_ENV_VAR} is set), and the download through "
            f"keras.datasets.mnist.load_data() failed ({type(err).__name__}: {err}).\n{_FIX}"
        ) from err


def load_mnist(
    directory: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    verify: bool = True,
    checksums: Mapping[str, str] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the MNIST digits: the standard 60,000 training and 10,000 test images.

    The data come from the first route that applies: ``directory``, then
    ``$COURSE_DATA_DIR/mnist``, then ``keras.datasets.mnist.load_data()``
    (see the module's docstring). A directory that is named but unusable is an
    error; the function never falls back from it to the network.

    Args:
        directory: A directory holding ``train-images-idx3-ubyte``,
            ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
            ``t10k-labels-idx1-ubyte``, each gzipped (``.gz``, preferred when
            both exist) or not.
        environ: Where to read ``COURSE_DATA_DIR`` from; ``os.environ`` when
            None. Pass ``{}`` to ignore the environment.
        verify: Check each offline file against its MD5 checksum. Pass False
            only for files you made yourself (for example in tests).
        checksums: MD5 of each uncompressed file, keyed by the names above;
            the published :data:`MNIST_MD5` when None. Ignored when
            ``verify`` is False and on the online route.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: uint8 images of shape
        ``(n, 28, 28)`` with pixels 0..255 and uint8 labels 0..9 of shape
        ``(n,)``, exactly as ``keras.datasets.mnist.load_data()`` returns them.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: ``checksums`` lacks a file or holds something other than
            32 hexadecimal digits.
        FileNotFoundError: The directory, or one of the four files, is missing;
            the message says how to fix it.
        MnistFileError: A file is corrupt or truncated (the message names it,
            with the expected and the actual checksum), or is not an IDX file
            of the expected kind.
        MnistUnavailableError: No directory is given, ``COURSE_DATA_DIR`` is
            not set and the download fails; the message says how to fix it.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_mnist("data/mnist")  # doctest: +SKIP
        >>> x_test.shape, y_test.shape                                       # doctest: +SKIP
        ((10000, 28, 28), (10000,))
    """
    env = _check_environ(environ)
    if not isinstance(verify, bool):
        raise TypeError(f"`verify` must be True or False (got {verify!r} of type {type(verify).__name__}).")
    table = None
    if verify:
        table = MNIST_MD5 if checksums is None else checksums
        if not isinstance(table, Mapping):
            raise TypeError(
                f"`checksums` must map file names to MD5 checksums (got {type(table).__name__})."
            )
        lacking = sorted(set(MNIST_FILES.values()) - set(table))
        if lacking:
            raise ValueError(
                f"`checksums` must hold an MD5 for each of the 4 files (lacks {lacking}); "
                "or pass verify=False to skip the check."
            )
        table = {name: _check_md5(f"checksums[{name!r}]", table[name]) for name in MNIST_FILES.values()}
    offline = offline_directory(directory, environ=env)
    if offline is None:
        return _load_online()
    source = "the `directory` argument" if directory is not None else f"the environment variable {DATA_DIR_ENV_VAR}"
    return _load_directory(offline, table, source=source)
