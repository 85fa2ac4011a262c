"""Check the course on a GPU machine and record what it measures, as JSON.

What it runs (``scripts/gpu_check.sh`` is the one command; see README, "GPU checks"):

1. The kernel-dependent behaviour the chapters rely on, in isolation:
   * masked ``return_sequences`` outputs of an LSTM: cuDNN writes zeros into
     the padded steps, Keras's generic kernel repeats the last real output;
     both agree on the real steps and on the final state (chapter 2);
   * TF32: a float32 matrix product against float64 NumPy with TF32 on (the
     default) and off, and chapter 1's LSTM step (NumPy vs ``LSTMCell``) at
     its tolerance with TF32 off (chapters 1-3 switch it off).
2. Every chapter notebook in fast mode (``COURSE_FAST=1``), timed.
3. Chapters 4 and 5 in full mode, timed: the GPU run times the overviews
   still call "not measured yet".

It writes one JSON file (``--out``) whose ``gpu`` section
``tools/gpu_check.py merge`` adds to ``benchmarks/results.json`` beside the
CPU figures, without touching them.

``--cpu-smoke`` runs the same code path on a machine without a GPU (the
kernel checks, with the cuDNN side reported as not run, and no notebook):
the tests use it. ``--dry-run`` prints the plan and runs nothing.

Usage:
    python tools/gpu_check.py --out gpu_check.json                 # on a GPU machine
    python tools/gpu_check.py --cpu-smoke --out smoke.json         # anywhere
    python tools/gpu_check.py merge gpu_check.json                 # into benchmarks/results.json
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("01_rnn_theory", "02_dynamic_rnn", "03_bptt", "04_language_model", "05_bilstm_mnist")
FULL_CHAPTERS = ("04_language_model", "05_bilstm_mnist")
SCHEMA = 1

__all__ = ["plan", "kernel_checks", "run_notebook", "run", "merge", "main"]


def plan(languages: list[str], fast: bool, full: bool) -> list[tuple[str, str, str]]:
    """Return the notebooks to run, as ``(mode, language, chapter)`` tuples, in order."""
    steps = []
    if fast:
        steps += [("fast", lang, ch) for lang in languages for ch in CHAPTERS]
    if full:
        steps += [("full", "en", ch) for ch in FULL_CHAPTERS]
    return steps


def _masked_outputs(tf, keras, np) -> dict:
    """Chapter 2's probe, on each kernel available here."""
    keras.utils.set_random_seed(0)
    x = np.full((1, 20, 1), -1.0, dtype="float32")
    x[0, :5, 0] = [0.412, 0.413, 0.414, 0.415, 0.416]
    mask = tf.sequence_mask([5], maxlen=20)
    generic = keras.layers.LSTM(4, return_sequences=True, return_state=True, use_cudnn=False)
    out_g, h_g, _ = generic(x, mask=mask)
    result = {"generic": {
        "padded_steps_repeat_last_real_output": bool(np.allclose(out_g[0, 5:], out_g[0, 4], atol=1e-6)),
        "final_state_is_last_real_output": bool(np.allclose(h_g[0], out_g[0, 4], atol=1e-6)),
    }}
    if not tf.config.list_logical_devices("GPU"):
        result["cudnn"] = "not run: no GPU visible"
        return result
    cudnn = keras.layers.LSTM(4, return_sequences=True, return_state=True, use_cudnn=True)
    cudnn(x)  # builds the weights
    cudnn.set_weights(generic.get_weights())
    out_c, h_c, _ = cudnn(x, mask=mask)
    result["cudnn"] = {
        "padded_steps_are_zero": bool(np.all(out_c.numpy()[0, 5:] == 0)),
        "real_steps_match_generic_max_abs": float(np.abs(out_c[0, :5] - out_g[0, :5]).max()),
        "final_state_matches_generic_max_abs": float(np.abs(h_c - h_g).max()),
    }
    return result


def _tf32(tf, keras, np) -> dict:
    """Relative error of a float32 matmul against float64 with TF32 on and off, and chapter 1's check."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(256, 256)).astype("float32")
    b = rng.normal(size=(256, 256)).astype("float32")
    exact = a.astype("float64") @ b.astype("float64")
    errors = {}
    before = tf.config.experimental.tensor_float_32_execution_enabled()
    try:
        for enabled in (True, False):
            tf.config.experimental.enable_tensor_float_32_execution(enabled)
            product = tf.linalg.matmul(a, b).numpy().astype("float64")
            errors["on" if enabled else "off"] = float(np.abs(product - exact).max() / np.abs(exact).max())
        # Chapter 1, section 4: one LSTM step in NumPy against keras.layers.LSTMCell, rtol 1e-5, atol 1e-6.
        tf.config.experimental.enable_tensor_float_32_execution(False)
        cell = keras.layers.LSTMCell(4)
        x = rng.normal(size=(1, 6)).astype("float32")
        zeros = np.zeros((1, 4), dtype="float32")
        keras_h, (_, keras_c) = cell(x, [zeros, zeros])
        W, U, bias = (v.numpy() for v in (cell.kernel, cell.recurrent_kernel, cell.bias))
        z = x @ W + zeros @ U + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        c = sigmoid(f) * zeros + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        chapter1_ok = bool(np.allclose(h, keras_h, rtol=1e-5, atol=1e-6) and np.allclose(c, keras_c, rtol=1e-5, atol=1e-6))
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(before)
    return {"enabled_by_default": bool(before), "matmul_relative_error": errors,
            "chapter1_lstm_step_matches_with_tf32_off": chapter1_ok}


def kernel_checks() -> dict:
    """Run the kernel-dependent checks; return their findings and whether each holds."""
    import keras
    import numpy as np
    import tensorflow as tf

    before = tf.config.experimental.tensor_float_32_execution_enabled()
    tf.config.experimental.enable_tensor_float_32_execution(False)  # as chapter 2 runs it
    try:
        masked = _masked_outputs(tf, keras, np)
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(before)
    tf32 = _tf32(tf, keras, np)
    problems = []
    if not all(masked["generic"].values()):
        problems.append(f"generic kernel: {masked['generic']}")
    if isinstance(masked["cudnn"], dict):
        c = masked["cudnn"]
        if not (c["padded_steps_are_zero"] and c["real_steps_match_generic_max_abs"] < 1e-5
                and c["final_state_matches_generic_max_abs"] < 1e-5):
            problems.append(f"cuDNN kernel: {c}")
    if tf32["matmul_relative_error"]["off"] > 1e-5 or not tf32["chapter1_lstm_step_matches_with_tf32_off"]:
        problems.append(f"float32 with TF32 off is not exact enough: {tf32}")
    return {"masked_outputs": masked, "tf32": tf32, "problems": problems}


def run_notebook(path: Path, fast: bool, timeout_s: int) -> dict:
    """Execute one notebook in memory (the file is not written); return its time and outcome."""
    import nbclient
    import nbformat

    env_fast = os.environ.get("COURSE_FAST")
    if fast:
        os.environ["COURSE_FAST"] = "1"
    else:
        os.environ.pop("COURSE_FAST", None)
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    try:
        nbclient.NotebookClient(nb, timeout=timeout_s, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
        outcome = {"ok": True}
    except Exception as error:  # a failing cell or a timeout: record it, go on with the next notebook
        outcome = {"ok": False, "error": f"{type(error).__name__}: {str(error)[-1500:]}"}
    finally:
        if env_fast is None:
            os.environ.pop("COURSE_FAST", None)
        else:
            os.environ["COURSE_FAST"] = env_fast
    return {"wall_time_s": round(time.perf_counter() - start, 1), **outcome}


def _environment() -> dict:
    import keras
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    details = tf.config.experimental.get_device_details(gpus[0]) if gpus else {}
    return {"gpu": details.get("device_name", "none"), "compute_capability": list(details.get("compute_capability", ())),
            "gpus": len(gpus), "tensorflow": tf.__version__, "keras": keras.__version__,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}


def run(args: argparse.Namespace) -> dict:
    """Run the checks ``args`` ask for; return the JSON document."""
    import tensorflow as tf

    has_gpu = bool(tf.config.list_logical_devices("GPU"))
    if not has_gpu and not args.cpu_smoke:
        raise SystemExit("error: no GPU is visible to TensorFlow. Run this on a GPU machine with the course's stack "
                         "and a GPU build of TensorFlow (pip install 'tensorflow[and-cuda]'), or pass --cpu-smoke.")
    document = {"schema": SCHEMA, "mode": "cpu-smoke" if args.cpu_smoke else "gpu-check",
                "measured_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "hardware": _environment(), "kernel_checks": kernel_checks(), "fast": {}, "full": {}}
    if args.cpu_smoke:
        return document
    for mode, lang, chapter in plan(args.languages, not args.skip_fast, not args.skip_full):
        path = ROOT / "book" / lang / f"{chapter}.ipynb"
        result = run_notebook(path, fast=(mode == "fast"), timeout_s=args.timeout)
        key = f"{lang}/{chapter}" if mode == "fast" else chapter
        document[mode][key] = result
        print(f"{mode:>4} {lang}/{chapter}: {result['wall_time_s']:.0f} s {'ok' if result['ok'] else 'FAILED'}", flush=True)
        _write(args.out, document)  # after each notebook: a run cut short keeps what it measured
    return document


def _write(out: Path, document: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def merge(check_path: Path, results_path: Path = ROOT / "benchmarks" / "results.json") -> dict:
    """Add a GPU check's figures to ``results.json`` under ``"gpu"``; the CPU figures stay as they are.

    Raises:
        ValueError: The file is not a GPU check's output (a CPU smoke run, another schema, a failed notebook).
    """
    check = json.loads(Path(check_path).read_text(encoding="utf-8"))
    if check.get("schema") != SCHEMA or check.get("mode") != "gpu-check":
        raise ValueError(f"{check_path} is not the output of a GPU check (mode {check.get('mode')!r}, "
                         f"schema {check.get('schema')!r}); only a run on a GPU machine can be merged.")
    failed = [k for part in ("fast", "full") for k, v in check.get(part, {}).items() if not v.get("ok")]
    if failed or check.get("kernel_checks", {}).get("problems"):
        raise ValueError(f"{check_path} records failures ({failed or check['kernel_checks']['problems']}); "
                         "fix them before publishing its figures.")
    results = json.loads(Path(results_path).read_text(encoding="utf-8"))
    results["gpu"] = {
        "measured_at": check["measured_at"],
        "hardware": check["hardware"],
        "chapters": [{"chapter": c, "wall_time_s": v["wall_time_s"]} for c, v in check["full"].items()],
        "book_fast": {"per_notebook_s": {k: v["wall_time_s"] for k, v in check["fast"].items()}},
    }
    Path(results_path).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["merge"]:
        parser = argparse.ArgumentParser(prog="gpu_check.py merge", description=merge.__doc__)
        parser.add_argument("check", type=Path)
        parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json")
        args = parser.parse_args(argv[1:])
        merge(args.check, args.results)
        print(f"merged {args.check} into {args.results} (key 'gpu')")
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("gpu_check.json"), help="the JSON file to write")
    parser.add_argument("--languages", nargs="+", default=["en"], choices=["en", "es", "pt"],
                        help="languages of the fast-mode runs (default: en; the parity tests hold es and pt to the same code)")
    parser.add_argument("--skip-fast", action="store_true", help="do not run the chapters in fast mode")
    parser.add_argument("--skip-full", action="store_true", help="do not time chapters 4 and 5 in full mode")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per notebook cell (default 3600)")
    parser.add_argument("--cpu-smoke", action="store_true",
                        help="no GPU needed: run the kernel checks (cuDNN side reported as not run), no notebook")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, run nothing")
    args = parser.parse_args(argv)
    if args.dry_run:
        for mode, lang, chapter in plan(args.languages, not args.skip_fast, not args.skip_full):
            print(f"{mode:>4} book/{lang}/{chapter}.ipynb")
        print("+ kernel checks (masked LSTM outputs on cuDNN and generic kernels; TF32 on and off)")
        return 0
    document = run(args)
    _write(args.out, document)
    problems = document["kernel_checks"]["problems"]
    failed = [k for part in ("fast", "full") for k, v in document[part].items() if not v["ok"]]
    print(json.dumps(document["kernel_checks"], indent=2))
    print(f"wrote {args.out}: {len(problems)} kernel problems, {len(failed)} failed notebooks {failed}")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())
