"""What the benchmark measures in each chapter, and what it compares it with.

The benchmark does not copy any chapter's training code: it executes the
chapter's own notebook (the English one; the three languages run the same
code, which a test enforces) and then reads the figures from the notebook's
variables with the expressions below. If a chapter renames a variable, the
benchmark fails loudly instead of drifting; CI runs it in fast mode, so that
happens in CI, not on the day of a long full-mode run.

One chapter is too long to execute whole: chapter 4's notebook trains three
language models for 10 epochs each (about 2.25 hours on 2 cores). Its benchmark
has a ``runner``, a module that trains the measured models with the chapter's
own functions and recipes (``course_utils.lm.train`` and ``lm.RECIPES``, which
the notebook asserts it uses) and evaluates the same expressions over them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MARK", "Metric", "Chapter", "CHAPTERS", "chapter_by_name"]

MEMORY_FULL_LAGS = (10, 25, 50, 100)
"""Chapter 1's ``MEMORY_LAGS`` in full mode: the results table has one row per cell type and lag."""

MARK = "@@BENCHMARK@@"
"""Start of the one output line where a notebook probe or a runner prints its figures as JSON."""


@dataclass(frozen=True)
class Metric:
    """One figure of a chapter.

    Attributes:
        key: Stable identifier, used in the results file.
        expression: Python expression evaluated in the executed notebook's
            kernel; it must give a number, or ``None`` when the metric does not
            exist in the mode that ran (then it is left out of that run's figures).
        source: What the course's source notebook reported (text).
        literature: The published reference figure, or "" when none applies.
        higher_is_better: Direction of the metric, for the table's reader.
    """

    key: str
    expression: str
    source: str
    literature: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True)
class Chapter:
    """A chapter notebook and the metrics read from it after it ran.

    Attributes:
        name: The notebook's stem, such as "02_dynamic_rnn".
        metrics: The figures read after the run.
        runner: ``None`` to execute the notebook; otherwise a module run as
            ``python -m <runner> --benchmark [--fast]`` that trains with the
            chapter's code and prints the metrics (see ``benchmarks.lm_recipe``).
    """

    name: str
    metrics: tuple[Metric, ...]
    runner: str | None = None


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(
        "01_rnn_theory",
        tuple(
            Metric(
                f"recall_lag{lag}_{cell.lower()}",
                # Full-mode lags only: fast mode trains other, shorter lags and reports none of these.
                f'memory_results.mean_accuracy("{cell}", {lag}) if {lag} in memory_config.lags else None',
                source="not measured (no trained comparison of cells)",
            )
            for cell in ("SimpleRNN", "GRU", "LSTM")
            for lag in MEMORY_FULL_LAGS
        ),
    ),
    Chapter(
        "02_dynamic_rnn",
        (
            Metric(
                "heldout_accuracy", "float(test_accuracy)",
                source="~0.95 minibatch training accuracy at 2,000 steps (TF2); ~0.86 at 3,000 steps (TF1)",
            ),
        ),
    ),
    Chapter(
        "03_bptt",
        (
            Metric(
                "inference_max_error", "float(study.max_errors.max())",
                source="training loss 0.0065 at step 100; restarted whenever the loss was above 0.01 after 1,000 loops",
                higher_is_better=False,
            ),
            Metric(
                "success_rate", "float(study.success_rate(TOLERANCE))",
                source="not measured (restarts needed)",
            ),
        ),
    ),
    Chapter(
        "04_language_model",
        (
            Metric(
                "test_perplexity", 'float(runs["dropout + tied"].test_perplexity)',
                source="never finished training (train perplexity ~713 a third into epoch 1)",
                literature="Zaremba et al. 2014: 114.5 (small, no dropout), 82.7 (medium)",
                higher_is_better=False,
            ),
            Metric(
                "words_per_second", 'float(runs["source"].words_per_second)',
                source="not reported",
            ),
            # The chapter's design: its training speed (the overview quotes it) and what its last two
            # epochs, at 1/8 and 1/16 of the first learning rate, still gained (section 4 quotes it;
            # full mode only: fast mode trains 2 epochs).
            Metric(
                "design_words_per_second", 'float(runs["dropout + tied"].words_per_second)',
                source="not reported",
            ),
            Metric(
                "design_last_two_epochs_gain",
                'float(runs["dropout + tied"].valid_perplexity[-3] - runs["dropout + tied"].valid_perplexity[-1]) '
                'if len(runs["dropout + tied"].valid_perplexity) >= 3 else None',
                source="not reported",
            ),
            # Section 6.3: the best single unit of the trained design for a feature, and the
            # best unit of the untrained control (rows of `features`: 0 position, 1 word is N).
            *(
                Metric(
                    f"unit_{feature}_{model}_r", f'float(np.abs(correlation["{model}"][{row}]).max())',
                    source="(no unit inspection)",
                )
                for feature, row in (("position", 0), ("n", 1))
                for model in ("trained", "untrained")
            ),
        ),
        runner="benchmarks.lm_recipe",
    ),
    Chapter(
        "05_bilstm_mnist",
        (
            Metric(
                "test_accuracy", 'float(test_accuracy["bilstm"])',
                source="~0.88 minibatch training accuracy; test accuracy on only 128 images",
                literature="LeCun et al. 1998 (convolutional LeNet-5): 0.9905",
            ),
            Metric(
                "baseline_test_accuracy", 'float(test_accuracy["lstm"])',
                source="(no baseline)",
            ),
            Metric(
                "row_tagging_accuracy", 'float(tag_accuracy["bilstm"])',
                source="(no such task)",
            ),
            Metric(
                "row_tagging_margin", "float(tag_margin)",
                source="(no such task)",
            ),
        ),
    ),
)


def chapter_by_name(name: str) -> Chapter:
    """Return the chapter called ``name`` (a notebook stem such as "02_dynamic_rnn").

    Raises:
        ValueError: No chapter has that name; the message lists the known ones.
    """
    for chapter in CHAPTERS:
        if chapter.name == name:
            return chapter
    known = ", ".join(c.name for c in CHAPTERS)
    raise ValueError(f"unknown chapter {name!r}; expected one of: {known}")
