"""Variable-length toy sequences: generate, pad and batch them.

The toy task of the dynamic-RNN chapter: tell *linear* sequences of integers
(``[412, 413, 414, ...]``) from *random* ones (``[87, 903, 12, ...]``). Every
sequence has its own length, so a batch has to be padded to a common length.

Example:
    >>> data = make_toy_sequences(4, min_len=3, max_len=6, seed=0)
    >>> data.values.shape, data.lengths.shape, data.labels.shape
    ((4, 6, 1), (4,), (4,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from course_utils.validation import require_int

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    import tensorflow as tf

__all__ = [
    "LINEAR",
    "RANDOM",
    "ToySequences",
    "make_toy_sequences",
    "pad_batch",
    "make_dataset",
    "accuracy_by_length",
]

LINEAR = 0
"""Label of a linear sequence (consecutive integers)."""
RANDOM = 1
"""Label of a random sequence (independent integers)."""


@dataclass(frozen=True)
class ToySequences:
    """A padded batch of toy sequences.

    Attributes:
        values: float32 array of shape ``(n, max_len, 1)``; step ``t`` of
            sequence ``i`` is ``values[i, t, 0]``, scaled to ``[0, 1)``;
            steps at and after ``lengths[i]`` hold ``pad_value``.
        lengths: int32 array of shape ``(n,)``, the true length of each sequence.
        labels: int32 array of shape ``(n,)``: ``LINEAR`` (0) or ``RANDOM`` (1).
        pad_value: The value written into the padded steps.
    """

    values: np.ndarray
    lengths: np.ndarray
    labels: np.ndarray
    pad_value: float

    def __len__(self) -> int:
        return int(self.lengths.shape[0])


def make_toy_sequences(
    num_samples: int,
    *,
    min_len: int = 3,
    max_len: int = 20,
    max_value: int = 1000,
    pad_value: float = -1.0,
    seed: int,
) -> ToySequences:
    """Generate linear and random integer sequences of variable length.

    Each sequence has a length drawn uniformly from ``[min_len, max_len]`` and,
    with probability 1/2, is either linear (consecutive integers from a random
    start) or random (independent integers). Integers lie in ``[0, max_value)``
    and are divided by ``max_value``, so values lie in ``[0, 1)``.

    Args:
        num_samples: How many sequences to generate (>= 1).
        min_len: Shortest length (>= 1).
        max_len: Longest length, also the padded length (>= ``min_len``).
        max_value: Integers are drawn below this bound (>= ``max_len``, so a
            linear sequence of the longest length fits).
        pad_value: Written into the padded steps; must lie outside ``[0, 1)``
            so that padding can never be mistaken for data.
        seed: Seed of the generator; the same seed gives the same data.

    Returns:
        A :class:`ToySequences` holding values, lengths and labels.

    Raises:
        TypeError: A count or length is not an integer.
        ValueError: A count or length is out of range, or ``pad_value`` lies
            inside the data range.

    Example:
        >>> data = make_toy_sequences(2, min_len=3, max_len=5, seed=1)
        >>> data.values.shape
        (2, 5, 1)
    """
    num_samples = require_int("num_samples", num_samples, 1)
    min_len = require_int("min_len", min_len, 1)
    max_len = require_int("max_len", max_len, 1)
    max_value = require_int("max_value", max_value, 1)
    if max_len < min_len:
        raise ValueError(f"`max_len` must be >= `min_len` (got max_len={max_len}, min_len={min_len}).")
    if max_value < max_len:
        raise ValueError(
            f"`max_value` must be >= `max_len` so a linear sequence fits "
            f"(got max_value={max_value}, max_len={max_len})."
        )
    if not np.isfinite(pad_value) or 0.0 <= pad_value < 1.0:
        raise ValueError(
            f"`pad_value` must be a finite number outside the data range [0, 1) "
            f"(got pad_value={pad_value}); -1.0 is a good choice."
        )

    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=num_samples).astype(np.int32)
    labels = rng.integers(0, 2, size=num_samples).astype(np.int32)
    values = np.full((num_samples, max_len, 1), pad_value, dtype=np.float32)
    for i, (length, label) in enumerate(zip(lengths, labels)):
        if label == LINEAR:
            start = rng.integers(0, max_value - length + 1)
            integers = np.arange(start, start + length)
        else:
            integers = rng.integers(0, max_value, size=length)
        values[i, :length, 0] = integers / max_value
    return ToySequences(values=values, lengths=lengths, labels=labels, pad_value=float(pad_value))


def pad_batch(
    sequences: Sequence[Sequence[float]],
    max_len: int,
    *,
    pad_value: float = -1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Pad sequences of scalars at the end to a common length, and return their lengths.

    Unlike ``keras.utils.pad_sequences``, which pads at the front by default
    (``padding="pre"``) and cuts sequences longer than ``maxlen``, this pads
    at the end and never truncates. ``keras.utils.pad_sequences(sequences,
    maxlen=max_len, padding="post", dtype="float32", value=pad_value)`` gives
    the same values (without the lengths and the feature axis).

    Args:
        sequences: A non-empty list of non-empty sequences of numbers.
        max_len: The padded length; no sequence may be longer.
        pad_value: Written into the padded steps.

    Returns:
        ``(values, lengths)``: a float32 array of shape ``(n, max_len, 1)`` and
        an int32 array of shape ``(n,)``.

    Raises:
        ValueError: The batch is empty, a sequence is empty, or a sequence is
            longer than ``max_len`` (padding never truncates: nothing is lost).

    Example:
        >>> values, lengths = pad_batch([[0.1, 0.2], [0.5]], max_len=3)
        >>> values[:, :, 0].tolist(), lengths.tolist()
        ([[0.1..., 0.2..., -1.0], [0.5, -1.0, -1.0]], [2, 1])
    """
    max_len = require_int("max_len", max_len, 1)
    if len(sequences) == 0:
        raise ValueError("`sequences` must hold at least one sequence (got an empty batch).")
    lengths = np.array([len(s) for s in sequences], dtype=np.int32)
    for i, length in enumerate(lengths):
        if length == 0:
            raise ValueError(f"`sequences[{i}]` is empty; every sequence needs at least one step.")
        if length > max_len:
            raise ValueError(
                f"`sequences[{i}]` has length {length}, beyond the padded size max_len={max_len}; "
                f"raise `max_len` to at least {lengths.max()}."
            )
    values = np.full((len(sequences), max_len, 1), pad_value, dtype=np.float32)
    for i, seq in enumerate(sequences):
        values[i, : len(seq), 0] = np.asarray(seq, dtype=np.float32)
    return values, lengths


def make_dataset(
    features: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    *,
    shuffle_seed: int | None = None,
) -> "tf.data.Dataset":
    """Build a batched, prefetched ``tf.data`` pipeline from arrays.

    Args:
        features: Array whose first axis indexes examples.
        labels: Array with as many examples as ``features``.
        batch_size: Examples per batch (>= 1).
        shuffle_seed: When given, shuffle the examples each epoch with this
            seed (use it for training data); when None, keep their order.

    Returns:
        A ``tf.data.Dataset`` of ``(features, labels)`` batches; the last batch
        may be smaller (no example is dropped).

    Raises:
        ValueError: The arrays are empty or hold different numbers of examples,
            or ``batch_size`` < 1.

    Example:
        >>> ds = make_dataset(np.zeros((10, 4, 1)), np.zeros(10), batch_size=4)
        >>> [int(x.shape[0]) for x, _ in ds]
        [4, 4, 2]
    """
    import tensorflow as tf

    batch_size = require_int("batch_size", batch_size, 1)
    features = np.asarray(features)
    labels = np.asarray(labels)
    if features.ndim == 0 or features.shape[0] == 0:
        raise ValueError(f"`features` must hold at least one example (got shape {features.shape}).")
    if labels.ndim == 0 or labels.shape[0] != features.shape[0]:
        raise ValueError(
            "`features` and `labels` must hold the same number of examples "
            f"(got {features.shape[0]} features and labels of shape {labels.shape})."
        )
    dataset = tf.data.Dataset.from_tensor_slices((features, labels))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(features), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def accuracy_by_length(
    lengths: np.ndarray,
    labels: np.ndarray,
    predictions: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group predictions by sequence length and measure accuracy in each group.

    Args:
        lengths: int array ``(n,)``, the length of each sequence.
        labels: int array ``(n,)``, the true classes.
        predictions: int array ``(n,)``, the predicted classes.

    Returns:
        ``(unique_lengths, accuracy, count)``, three arrays sorted by length.

    Raises:
        ValueError: The arrays are empty, not one-dimensional, or of different
            sizes.

    Example:
        >>> accuracy_by_length(np.array([3, 3, 5]), np.array([0, 1, 1]), np.array([0, 0, 1]))
        (array([3, 5]), array([0.5, 1. ]), array([2, 1]))
    """
    arrays = {"lengths": np.asarray(lengths), "labels": np.asarray(labels), "predictions": np.asarray(predictions)}
    for name, array in arrays.items():
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"`{name}` must be a non-empty 1-D array (got shape {array.shape}).")
    sizes = {name: array.size for name, array in arrays.items()}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"`lengths`, `labels` and `predictions` must have the same size (got {sizes}).")
    lengths, labels, predictions = arrays.values()
    unique = np.unique(lengths)
    correct = labels == predictions
    accuracy = np.array([correct[lengths == n].mean() for n in unique])
    count = np.array([int((lengths == n).sum()) for n in unique])
    return unique, accuracy, count
