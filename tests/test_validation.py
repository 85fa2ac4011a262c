"""Tests of course_utils.validation."""

import numpy as np
import pytest

from course_utils.validation import require_int


@pytest.mark.parametrize(("value", "minimum", "expected"), [(5, 1, 5), (np.int64(3), 3, 3), (0, 0, 0)])
def test_require_int_accepts_integers(value, minimum, expected):
    result = require_int("n", value, minimum)
    assert result == expected and type(result) is int


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [(True, TypeError, r"`n` must be an integer \(got True of type bool\)"),
     (2.0, TypeError, r"`n` must be an integer \(got 2.0 of type float\)"),
     ("3", TypeError, "of type str"),
     (0, ValueError, r"`n` must be >= 1 \(got n=0\)")],
)
def test_require_int_rejects_with_a_clear_message(value, error, message):
    with pytest.raises(error, match=message):
        require_int("n", value, 1)
