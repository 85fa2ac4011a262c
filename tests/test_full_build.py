"""benchmarks.full_build: the full build's record, read from the execution cache and the results store."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from benchmarks import full_build, report

UTC = dt.timezone.utc
START = dt.datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
END = dt.datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def _cache(folder, rows):
    """A jupyter-cache database as jupyter-cache writes it: naive UTC times, JSON data."""
    folder.mkdir()
    with sqlite3.connect(folder / "global.db") as db:
        db.execute("CREATE TABLE nbcache (pk INTEGER PRIMARY KEY, hashkey TEXT, uri TEXT, description TEXT, "
                   "data JSON, created DATETIME, accessed DATETIME)")
        for i, (uri, created, seconds) in enumerate(rows):
            db.execute("INSERT INTO nbcache (hashkey, uri, description, data, created, accessed) VALUES (?,?,?,?,?,?)",
                       (f"h{i}", uri, "", json.dumps({"execution_seconds": seconds}),
                        created.replace(tzinfo=None).isoformat(sep=" "), created.replace(tzinfo=None).isoformat(sep=" ")))
    return folder


def _entry(store, name, written, history, log="history.json", suffix="", used=None):
    folder = store / f"{name}-0123456789abcdef0123{suffix}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"name": name, "written": written.isoformat(timespec="seconds")}))
    (folder / log).write_text(json.dumps(history))
    if used is not None:  # what ResultsStore writes when it loads the entry
        (folder / "last-used.txt").write_text(used.isoformat(timespec="seconds") + "\n")
    return folder


def test_record_of_a_build_that_trained_some_models_and_loaded_others(tmp_path):
    cache = _cache(tmp_path / "cache", [
        ("/x/book/en/04_language_model.ipynb", START + dt.timedelta(minutes=90), 5400.0),
        ("/x/book/es/04_language_model.ipynb", START + dt.timedelta(minutes=95), 60.0),
        ("/x/book/en/05_bilstm_mnist.ipynb", START + dt.timedelta(minutes=100), 120.0),
        ("/x/book/en/02_dynamic_rnn.ipynb", START - dt.timedelta(days=1), 200.0),  # cached: an older build
        ("/x/book/en/intro.md", START + dt.timedelta(minutes=1), 1.0),  # not a chapter notebook
    ])
    store = tmp_path / "store"
    _entry(store, "ch04-source", START + dt.timedelta(minutes=40), {"seconds": 2400.0})  # trained now
    loaded_at = START + dt.timedelta(minutes=20)
    _entry(store, "ch04-dropout-tied", START - dt.timedelta(hours=3), {"seconds": 4000.0}, used=loaded_at)  # loaded
    _entry(store, "ch05-lstm", START - dt.timedelta(hours=2), {"epoch_seconds": [20.0, 30.0]}, used=loaded_at)  # fit
    _entry(store, "ch03-study", START - dt.timedelta(hours=1), {"seconds": 4.0}, log="info.json", used=loaded_at)
    _entry(store, "ch04-dropout", START + dt.timedelta(minutes=50), {"seconds": 1.0}, suffix=".partial")  # unfinished
    # Left over from older code: never loaded, or last loaded by an earlier build. Neither counts.
    _entry(store, "ch04-ablation", START - dt.timedelta(days=1), {"seconds": 2862.0})
    _entry(store, "ch01-old", START - dt.timedelta(days=2), {"seconds": 30.0}, used=START - dt.timedelta(days=1))
    record = full_build.book_full_record(started=START, ended=END,
                                         executions=full_build.read_execution_cache(cache),
                                         entries=full_build.read_store(store))
    assert record["wall_time_s"] == 7200.0 and record["notebooks"] == 3
    assert record["per_notebook_s"] == {"en/04_language_model": 5400.0, "es/04_language_model": 60.0,
                                        "en/05_bilstm_mnist": 120.0}
    assert record["trained_s"] == {"ch04-source": 2400.0}
    assert record["loaded_s"] == {"ch03-study": 4.0, "ch04-dropout-tied": 4000.0, "ch05-lstm": 50.0}
    assert record["first_build_estimate_s"] == 7200.0 + 4054.0
    # A chapter from scratch: its English notebook in this build plus its own loaded trainings.
    assert record["chapter_full_run_s"] == {"04_language_model": 9400.0, "05_bilstm_mnist": 170.0}
    results = {"schema": report.SCHEMA, "mode": "full", "measured_at": "2026-12-01T20:00:00+00:00",
               "hardware": {"cpu": "Test", "cores": 2},
               "chapters": [{"chapter": "02_dynamic_rnn", "measured_at": "2026-12-01T20:00:00+00:00",
                             "wall_time_s": 1.0, "peak_memory_mb": 1.0,
                             "metrics": [{"key": "heldout_accuracy", "value": 0.9, "source": "", "literature": ""}]}],
               "book_fast": {"languages": ["en"], "notebooks": 1, "measured_at": "2026-12-01T20:00:00+00:00",
                             "wall_time_s": 1.0, "peak_memory_mb": 1.0},
               "book_full": record}
    report.validate(results)  # what it writes is what the results pages accept


def test_an_entry_stored_twice_counts_once_the_newest(tmp_path):
    store = tmp_path / "store"
    _entry(store, "ch02-lstm", START - dt.timedelta(days=2), {"seconds": 500.0}, used=START + dt.timedelta(minutes=1))
    folder = store / "ch02-lstm-ffffffffffffffffffff"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"name": "ch02-lstm", "written": (START - dt.timedelta(days=1)).isoformat()}))
    (folder / "history.json").write_text(json.dumps({"seconds": 120.0}))
    (folder / "last-used.txt").write_text((START + dt.timedelta(minutes=2)).isoformat())
    cache = _cache(tmp_path / "cache", [("/x/book/en/02_dynamic_rnn.ipynb", START + dt.timedelta(minutes=5), 10.0)])
    record = full_build.book_full_record(started=START, ended=END, executions=full_build.read_execution_cache(cache),
                                         entries=full_build.read_store(store))
    assert record["loaded_s"] == {"ch02-lstm": 120.0}


def test_bad_input_says_what_was_wrong(tmp_path):
    with pytest.raises(ValueError, match="must end after it starts"):
        full_build.book_full_record(started=END, ended=START, executions=[], entries=[])
    with pytest.raises(ValueError, match="no chapter notebook executed between"):
        full_build.book_full_record(started=START, ended=END, executions=[], entries=[])
    with pytest.raises(FileNotFoundError, match="no execution cache"):
        full_build.read_execution_cache(tmp_path)
    with pytest.raises(FileNotFoundError, match="no results store"):
        full_build.read_store(tmp_path / "missing")
    _entry(tmp_path / "no-time", "ch05-x", START, {"history": {}})
    with pytest.raises(ValueError, match="records no training time"):
        full_build.read_store(tmp_path / "no-time")
    _entry(tmp_path / "negative", "ch05-x", START, {"seconds": -3})
    with pytest.raises(ValueError, match="non-negative number of seconds"):
        full_build.read_store(tmp_path / "negative")
    folder = _entry(tmp_path / "bad-stamp", "ch05-x", START, {"seconds": 3}, used=START)
    (folder / "last-used.txt").write_text("yesterday")
    with pytest.raises(ValueError, match="expected an ISO 8601 time"):
        full_build.read_store(tmp_path / "bad-stamp")
    with pytest.raises(ValueError, match="must say its time zone"):
        full_build.main(["--started", "2026-12-01T21:00:00", "--ended", "2026-12-01T23:00:00+00:00",
                         "--build", str(tmp_path)])


def test_a_benchmark_run_keeps_the_full_builds_record(tmp_path):
    """benchmarks.run rewrites results.json; the full build's record is another command's and must survive."""
    from benchmarks import run
    from conftest import ROOT

    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    results["book_full"] = {"measured_at": "2026-12-01T21:00:00+00:00", "wall_time_s": 7200.0, "notebooks": 15,
                            "per_notebook_s": {"en/02_dynamic_rnn": 60.0}, "trained_s": {}, "loaded_s": {},
                            "first_build_estimate_s": 7200.0, "chapter_full_run_s": {"02_dynamic_rnn": 60.0}}
    out = tmp_path / "results.json"
    out.write_text(json.dumps(results), encoding="utf-8")
    # No chapter and no book timing: the run measures nothing and rewrites the file from what it keeps.
    assert run.main(["--chapters", "--skip-book", "--no-pages", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["book_full"] == results["book_full"]
