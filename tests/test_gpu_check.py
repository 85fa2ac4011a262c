"""tools/gpu_check.py: its plan, its CPU path (--cpu-smoke) and the merge into results.json.

The GPU path itself needs a GPU machine (README, "GPU checks"); these tests run
the same kernel checks on the CPU, where the cuDNN side is reported as not run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from tools import gpu_check

SCRIPT = ROOT / "tools" / "gpu_check.py"


def _run(*args, **kwargs):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}  # CPU path, even on a GPU machine
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env,
                          timeout=600, cwd=ROOT, **kwargs)


def test_plan_runs_every_chapter_fast_and_times_chapters_4_and_5_in_full():
    steps = gpu_check.plan(["en"], fast=True, full=True)
    assert steps[:5] == [("fast", "en", ch) for ch in gpu_check.CHAPTERS]
    assert steps[5:] == [("full", "en", "04_language_model"), ("full", "en", "05_bilstm_mnist")]
    assert len(gpu_check.plan(["en", "es", "pt"], fast=True, full=False)) == 15
    assert all((ROOT / "book" / lang / f"{ch}.ipynb").is_file() for _, lang, ch in steps)


def test_dry_run_prints_the_plan():
    result = _run("--dry-run", "--languages", "en", "es")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "fast book/es/05_bilstm_mnist.ipynb" in result.stdout and "kernel checks" in lines[-1]
    assert sum("fast book/" in line for line in lines) == 10 and sum("full book/en/" in line for line in lines) == 2


def test_cpu_smoke_runs_the_kernel_checks(tmp_path):
    out = tmp_path / "smoke.json"
    result = _run("--cpu-smoke", "--out", str(out))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    document = json.loads(out.read_text())
    assert document["mode"] == "cpu-smoke" and document["fast"] == {} and document["full"] == {}
    checks = document["kernel_checks"]
    assert checks["problems"] == []
    assert checks["masked_outputs"]["generic"] == {"padded_steps_repeat_last_real_output": True,
                                                   "final_state_is_last_real_output": True}
    assert checks["masked_outputs"]["cudnn"] == "not run: no GPU visible"
    assert checks["tf32"]["matmul_relative_error"]["off"] < 1e-6
    assert checks["tf32"]["chapter1_lstm_step_matches_with_tf32_off"] is True


def test_without_a_gpu_it_refuses_to_pretend(tmp_path):
    result = _run("--out", str(tmp_path / "x.json"), "--skip-fast", "--skip-full")
    assert result.returncode != 0
    assert "no GPU is visible to TensorFlow" in result.stderr + result.stdout
    assert not (tmp_path / "x.json").exists()


def _check_document(**changes) -> dict:
    document = {
        "schema": 1, "mode": "gpu-check", "measured_at": "2026-12-01T00:00:00+00:00",
        "hardware": {"gpu": "NVIDIA H200", "tensorflow": "2.21.0"},
        "kernel_checks": {"problems": []},
        "fast": {"en/01_rnn_theory": {"wall_time_s": 12.5, "ok": True}},
        "full": {"04_language_model": {"wall_time_s": 600.0, "ok": True},
                 "05_bilstm_mnist": {"wall_time_s": 120.0, "ok": True}},
    }
    document.update(changes)
    return document


def test_merge_adds_a_gpu_section_and_keeps_the_cpu_figures(tmp_path):
    results = tmp_path / "results.json"
    results.write_text((ROOT / "benchmarks" / "results.json").read_text())
    before = json.loads(results.read_text())
    check = tmp_path / "check.json"
    check.write_text(json.dumps(_check_document()))
    merged = gpu_check.merge(check, results)
    assert json.loads(results.read_text()) == merged
    assert {k: v for k, v in merged.items() if k != "gpu"} == before
    assert merged["gpu"]["chapters"] == [{"chapter": "04_language_model", "wall_time_s": 600.0},
                                         {"chapter": "05_bilstm_mnist", "wall_time_s": 120.0}]
    assert merged["gpu"]["book_fast"]["per_notebook_s"] == {"en/01_rnn_theory": 12.5}
    assert merged["gpu"]["hardware"]["gpu"] == "NVIDIA H200"


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"mode": "cpu-smoke"}, "not the output of a GPU check"),
     ({"schema": 2}, "not the output of a GPU check"),
     ({"full": {"05_bilstm_mnist": {"wall_time_s": 1.0, "ok": False, "error": "x"}}}, r"records failures \(\['05_bilstm_mnist'\]\)"),
     ({"kernel_checks": {"problems": ["cuDNN kernel: ..."]}}, "records failures")],
)
def test_merge_refuses_what_is_not_a_clean_gpu_run(tmp_path, changes, message):
    results = tmp_path / "results.json"
    results.write_text("{}")
    check = tmp_path / "check.json"
    check.write_text(json.dumps(_check_document(**changes)))
    with pytest.raises(ValueError, match=message):
        gpu_check.merge(check, results)
    assert results.read_text() == "{}"
