import math

import numpy as np
import pytest

from course_utils import stats


def _pairs(b, c, both=0, neither=0):
    """Right/wrong arrays with b examples right only for the first model and c only for the second."""
    first = [True] * b + [False] * c + [True] * both + [False] * neither
    second = [False] * b + [True] * c + [True] * both + [False] * neither
    return np.array(first), np.array(second)


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [
        (10, 2, 158 / 4096),            # 2 * (C(12,0) + C(12,1) + C(12,2)) / 2^12
        (2, 10, 158 / 4096),            # symmetric
        (5, 5, 1.0),                    # an even split is no evidence at all
        (1, 0, 1.0),                    # 2 * 1/2, capped at 1
        (6, 0, 2 / 64),                 # 2 * (1/2)^6
        (0, 0, 1.0),                    # no discordant example
    ],
)
def test_exact_p_values(b, c, p):
    result = stats.mcnemar(*_pairs(b, c, both=7, neither=3))
    assert (result.only_first, result.only_second, result.method) == (b, c, "exact")
    assert result.p_value == pytest.approx(p, rel=1e-12)


def test_chi_square_with_continuity_correction_matches_the_textbook_example():
    # Wikipedia's example table: b = 121, c = 59 -> chi2 = (|121 - 59| - 1)^2 / 180 = 20.672...
    result = stats.mcnemar(*_pairs(121, 59, both=101, neither=33), method="chi2")
    assert result.statistic == pytest.approx(61 ** 2 / 180)
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(61 ** 2 / 360)))
    assert 5e-6 < result.p_value < 6e-6


def test_chi_square_approaches_the_exact_test_for_large_counts():
    exact = stats.mcnemar(*_pairs(300, 240)).p_value
    approximate = stats.mcnemar(*_pairs(300, 240), method="chi2").p_value
    assert approximate == pytest.approx(exact, rel=0.05)


def test_zero_one_integers_are_accepted():
    assert stats.mcnemar([1, 0, 1], [0, 0, 1]).only_first == 1


@pytest.mark.parametrize(
    ("first", "second", "kwargs", "message"),
    [
        ([[1, 0]], [[1, 0]], {}, r"`correct_first` must be 1-D.*\(1, 2\)"),
        ([1, 0], [1, 0, 1], {}, r"same non-empty set of examples \(got lengths 2 and 3\)"),
        ([], [], {}, r"non-empty"),
        ([1, 2], [1, 0], {}, r"booleans or 0/1"),
        (["a"], ["b"], {}, r"booleans or 0/1"),
        ([1], [1], {"method": "z"}, r"`method` must be 'exact' or 'chi2' \(got method='z'\)"),
    ],
)
def test_bad_input(first, second, kwargs, message):
    with pytest.raises(ValueError, match=message):
        stats.mcnemar(first, second, **kwargs)
