"""Compare two classifiers on the same test examples: McNemar's paired test.

Two models scored on the same 10,000 images are not two independent samples:
most images are right for both, or wrong for both, and say nothing about
which model is better. McNemar's test looks only at the *discordant* images,
``b`` right for the first model only and ``c`` right for the second only. If
the models were equally good, each discordant image would fall on either side
with probability 1/2, so ``min(b, c)`` follows a binomial law; the test asks
how surprising the observed split is.

Example:
    >>> result = mcnemar([1, 1, 1, 0], [1, 0, 0, 0])
    >>> result.only_first, result.only_second, round(result.p_value, 3)
    (2, 0, 0.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["McNemarResult", "mcnemar"]


@dataclass(frozen=True)
class McNemarResult:
    """The outcome of :func:`mcnemar`.

    Attributes:
        only_first: Examples the first model gets right and the second wrong (``b``).
        only_second: Examples the second model gets right and the first wrong (``c``).
        statistic: The chi-square statistic with continuity correction,
            ``(|b - c| - 1)^2 / (b + c)`` (0 when ``b + c = 0``); reported by
            both methods, used for the p-value by ``"chi2"``.
        p_value: Two-sided p-value: the probability, if both models were
            equally good, of a split at least this uneven.
        method: ``"exact"`` (binomial) or ``"chi2"``.
    """

    only_first: int
    only_second: int
    statistic: float
    p_value: float
    method: str


def _outcomes(name: str, correct) -> np.ndarray:
    array = np.asarray(correct)
    if array.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D, one entry per test example (got shape {array.shape}).")
    if array.dtype != np.bool_:
        if not np.issubdtype(array.dtype, np.number) or not np.isin(array, (0, 1)).all():
            raise ValueError(f"`{name}` must hold booleans or 0/1, True where the model is right.")
        array = array.astype(bool)
    return array


def mcnemar(correct_first, correct_second, *, method: str = "exact") -> McNemarResult:
    """Run McNemar's test on two models' right/wrong answers to the same examples.

    Args:
        correct_first: 1-D booleans (or 0/1), True where the first model is right.
        correct_second: The same for the second model, same examples, same order.
        method: ``"exact"``, the two-sided binomial test (exact at any size,
            the one to prefer), or ``"chi2"``, the chi-square approximation
            with continuity correction (fine when ``b + c`` is large, say 25
            or more).

    Returns:
        A :class:`McNemarResult`.

    Raises:
        ValueError: The arrays are not 1-D, differ in length, are empty, hold
            values other than booleans or 0/1, or ``method`` is unknown.

    Example:
        >>> round(mcnemar([1] * 10 + [0] * 2, [0] * 10 + [1] * 2).p_value, 4)
        0.0386
    """
    if method not in ("exact", "chi2"):
        raise ValueError(f"`method` must be 'exact' or 'chi2' (got method={method!r}).")
    first, second = _outcomes("correct_first", correct_first), _outcomes("correct_second", correct_second)
    if first.shape != second.shape or first.size == 0:
        raise ValueError(
            "`correct_first` and `correct_second` must describe the same non-empty set of examples "
            f"(got lengths {first.size} and {second.size})."
        )
    b = int(np.sum(first & ~second))
    c = int(np.sum(~first & second))
    n = b + c
    statistic = (abs(b - c) - 1) ** 2 / n if n else 0.0
    if n == 0:
        p_value = 1.0
    elif method == "exact":
        tail = sum(math.comb(n, k) for k in range(min(b, c) + 1))
        p_value = min(1.0, float(Fraction(2 * tail, 2 ** n)))
    else:
        p_value = math.erfc(math.sqrt(statistic / 2))          # chi-square with 1 degree of freedom
    return McNemarResult(only_first=b, only_second=c, statistic=float(statistic), p_value=p_value, method=method)
