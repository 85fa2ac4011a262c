import pytest

from course_utils import budget


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), (" on ", True),
     ("0", False), ("", False), ("false", False), ("No", False), ("off", False)],
)
def test_is_fast_reads_the_switch(raw, expected):
    assert budget.is_fast({"COURSE_FAST": raw}) is expected


def test_is_fast_is_off_when_unset():
    assert budget.is_fast({}) is False


@pytest.mark.parametrize("raw", ["2", "ture", "fast", "-1"])
def test_is_fast_rejects_unknown_values(raw):
    with pytest.raises(ValueError, match=rf"COURSE_FAST={raw!r}"):
        budget.is_fast({"COURSE_FAST": raw})


def test_is_fast_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "1")
    assert budget.is_fast() is True
    monkeypatch.setenv("COURSE_FAST", "0")
    assert budget.is_fast() is False


@pytest.mark.parametrize(("raw", "expected"), [("1", 3), ("0", 30), ("", 30)])
def test_pick_chooses_by_mode(raw, expected):
    assert budget.pick(full=30, fast=3, environ={"COURSE_FAST": raw}) == expected


def test_pick_returns_the_value_unchanged():
    full, fast = [1, 2], [3]
    assert budget.pick(full=full, fast=fast, environ={"COURSE_FAST": "1"}) is fast


def test_pick_rejects_mixed_types():
    with pytest.raises(TypeError, match=r"full=30 of type int, fast=0\.5 of type float"):
        budget.pick(full=30, fast=0.5, environ={})


def test_pick_propagates_a_bad_switch():
    with pytest.raises(ValueError, match="COURSE_FAST"):
        budget.pick(full=1, fast=2, environ={"COURSE_FAST": "maybe"})
