"""The chapters' exercises: the inputs each check feeds the reader's function, and a reference answer.

A check cell names an exercise and passes the reader's function, nothing else:
``checks.check("ch01.steps_to_forget", steps_to_forget)``. The expected
answers are computed here, by reference functions, so that the page never
shows them (the reader should predict before running) and they cannot drift
from the code they describe. Where possible the reference is independent of
the solution printed at the end of the chapter: a Keras layer's own weight
count or output, ``ptb.make_windows``, ``bptt.rnn_bptt``, ``tf.GradientTape``.

Example:
    >>> exercise = EXERCISES["ch04.perplexity"]
    >>> [exercise.reference(*case.args, **case.kwargs) for case in exercise.cases()]
    [8.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_utils import i18n

__all__ = ["Case", "Exercise", "EXERCISES", "exercise_by_id"]


@dataclass(frozen=True)
class Case:
    """One call of the reader's function: ``answer(*args, **kwargs)``.

    A message names the case by writing the call out, with arrays shown by
    their shape: ``steps_to_forget(3.0)``, ``my_windows(<29 array>, 3, 4)``.

    Attributes:
        args: Positional arguments.
        kwargs: Keyword arguments.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    """An exercise that :func:`course_utils.checks.check` can check.

    Attributes:
        id: ``"chNN.name"``, the name the check cell uses.
        number: The exercise's number in its chapter ("Exercise 2").
        function: The name of the function the reader writes.
        cases: Builds the inputs (lazily: some need Keras).
        reference: Computes the right answer for one case's arguments.
        output: Turns an answer (the reader's or the reference's) into
            something ``np.asarray`` compares; ``None`` to compare it as it is.
        rtol, atol: Tolerances for numbers.
        hint: English hint shown with a wrong answer, marked with ``i18n.N_`` and
            translated by the catalogs when ``checks`` shows it.
    """

    id: str
    number: int
    function: str
    cases: Callable[[], list[Case]]
    reference: Callable[..., Any]
    output: Callable[[Any], Any] | None = None
    rtol: float = 1e-5
    atol: float = 1e-6
    hint: str | None = None


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + np.exp(-x))


# --- chapter 1 -------------------------------------------------------------------------------

def _steps_to_forget(forget_bias: float, fraction: float = 0.01) -> int:
    return int(np.floor(np.log(fraction) / np.log(_sigmoid(forget_bias)))) + 1


def _keras_gru_count(input_dim: int, units: int) -> int:
    import keras

    layer = keras.layers.GRU(units)
    layer.build((None, None, input_dim))
    return int(layer.count_params())


def _gru_cases() -> list[Case]:
    import keras
    import tensorflow as tf

    cell = keras.layers.GRUCell(4, seed=3)
    cell.build((None, 3))
    cell.bias.assign(tf.random.stateless_normal(cell.bias.shape, seed=(42, 7)))  # Keras starts it at 0
    rng = np.random.default_rng(42)
    x = rng.normal(size=(2, 3)).astype("float32")
    h = rng.normal(size=(2, 4)).astype("float32")
    return [Case((x, h, cell.kernel.numpy(), cell.recurrent_kernel.numpy(), cell.bias.numpy()))]


def _keras_gru_step(x, h_prev, kernel, recurrent_kernel, bias):
    import keras

    cell = keras.layers.GRUCell(kernel.shape[1] // 3)
    cell.build((None, kernel.shape[0]))
    cell.set_weights([kernel, recurrent_kernel, bias])
    return cell(x, [h_prev])[0].numpy()


def _peephole_cases() -> list[Case]:
    gates = ("i", "f", "c", "o")
    small = dict(
        x=np.array([[1.0]]), h_prev=np.array([[0.5, -0.5]]), c_prev=np.array([[0.3, -0.8]]),
        W={"i": np.array([[0.5, -0.2]]), "f": np.array([[-0.3, 0.1]]),
           "c": np.array([[0.8, 0.4]]), "o": np.array([[0.2, -0.6]])},
        U={gate: np.array([[0.1, -0.2], [0.3, 0.1]]) for gate in gates},
        b={"i": np.zeros(2), "f": np.ones(2), "c": np.zeros(2), "o": np.zeros(2)},
        P={"i": np.array([0.2, -0.1]), "f": np.array([0.3, 0.5]), "o": np.array([-0.4, 0.6])},
    )
    rng = np.random.default_rng(1)
    larger = dict(
        x=rng.normal(size=(3, 2)), h_prev=rng.normal(size=(3, 4)), c_prev=rng.normal(size=(3, 4)),
        W={gate: rng.normal(size=(2, 4)) for gate in gates}, U={gate: rng.normal(size=(4, 4)) for gate in gates},
        b={gate: rng.normal(size=4) for gate in gates}, P={gate: rng.normal(size=4) for gate in ("i", "f", "o")},
    )
    return [Case(kwargs=small), Case(kwargs=larger)]


def _peephole_step(x, h_prev, c_prev, W, U, b, P):
    i = _sigmoid(x @ W["i"] + h_prev @ U["i"] + P["i"] * c_prev + b["i"])
    f = _sigmoid(x @ W["f"] + h_prev @ U["f"] + P["f"] * c_prev + b["f"])
    g = np.tanh(x @ W["c"] + h_prev @ U["c"] + b["c"])
    c = f * c_prev + i * g
    o = _sigmoid(x @ W["o"] + h_prev @ U["o"] + P["o"] * c + b["o"])
    return o * np.tanh(c), c


def _h_and_c(answer):
    """Put (h, c) side by side, as the check of the peephole exercise shows them."""
    return np.concatenate([np.asarray(part, dtype=np.float64) for part in answer], axis=-1)


# --- chapter 2 -------------------------------------------------------------------------------

def _last_relevant_cases() -> list[Case]:
    import tensorflow as tf

    outputs = tf.random.stateless_normal((5, 7, 3), seed=(1, 2))
    return [Case((outputs, tf.constant([1, 7, 3, 4, 2]))), Case((outputs[:2, :1], tf.constant([1, 1])))]


def _last_relevant(outputs, lengths):
    import tensorflow as tf

    return tf.gather(outputs, lengths - 1, axis=1, batch_dims=1).numpy()


def _masked_cases() -> list[Case]:
    small = np.array([[0.0, 0.5, -1.0], [0.3, 0.0, 0.0]])[:, :, None]
    rng = np.random.default_rng(5)
    larger = rng.integers(0, 3, size=(6, 8)).astype(float)[:, :, None]   # many exact zeros
    return [Case((small, np.array([2, 3]))), Case((larger, np.array([8, 1, 5, 3, 7, 2])))]


def _wrongly_masked(values, lengths):
    real = np.arange(values.shape[1]) < np.asarray(lengths)[:, None]
    return int(np.sum((values[:, :, 0] == 0.0) & real))


def _front_cases() -> list[Case]:
    from course_utils import sequences

    small = sequences.pad_batch([[0.1, 0.2], [0.3, 0.4, 0.5]], max_len=4)
    larger = sequences.pad_batch([[1.0], [2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0]], max_len=5)
    return [Case(small), Case(larger)]


def _move_padding_to_front(values, lengths):
    moved = np.array(values, copy=True)
    for i, length in enumerate(lengths):
        moved[i] = np.roll(values[i], values.shape[1] - int(length), axis=0)
    return moved


# --- chapter 3 -------------------------------------------------------------------------------

def _ambiguous_pairs(num_steps: int) -> tuple[int, int]:
    from course_utils import bptt

    series = np.round(bptt.palindrome(np.arange(num_steps)), 1)
    after: dict[tuple[float, float], set[float]] = {}
    for t in range(1, num_steps - 1):
        after.setdefault((series[t - 1], series[t]), set()).add(series[t + 1])
    return len(after), sum(len(values) > 1 for values in after.values())


def _rnn_problem() -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    from course_utils import bptt

    params = bptt.init_rnn_params(input_size=1, hidden_size=3, output_size=1, seed=42)
    xs = bptt.palindrome(np.arange(12))[:, None]
    targets = bptt.palindrome(np.arange(1, 13))[:, None]
    return params, xs, targets, np.linspace(-0.5, 0.5, 3)


def _truncation_cases() -> list[Case]:
    params, xs, targets, h0 = _rnn_problem()
    return [Case((params, xs, targets, h0, k)) for k in (5, 4, 1, 12)]


def _truncated_gradients(params, xs, targets, h0, k):
    from course_utils import bptt

    return bptt.rnn_bptt(params, xs, targets, h0, truncation=k)[1]


def _all_gradients(grads) -> np.ndarray:
    """Lay a dict of gradients out flat, in the order of the parameter names."""
    if not isinstance(grads, dict):
        return grads
    return np.concatenate([np.ravel(grads[name]) for name in ("W", "U", "b", "V", "b_y")])


def _initial_state_cases() -> list[Case]:
    params, xs, targets, h0 = _rnn_problem()
    return [Case((params, xs, targets, h0)), Case((params, xs[:3], targets[:3], -h0))]


def _initial_state_gradient(params, xs, targets, h0):
    import tensorflow as tf

    weights = {name: tf.constant(value, dtype=tf.float64) for name, value in params.items()}
    h = tf.Variable(np.asarray(h0, dtype=np.float64))
    with tf.GradientTape() as tape:
        state, outputs = h[None, :], []
        for x in tf.constant(xs, dtype=tf.float64):
            state = tf.tanh(x[None, :] @ weights["W"] + state @ weights["U"] + weights["b"])
            outputs.append(state @ weights["V"] + weights["b_y"])
        loss = tf.reduce_mean((tf.concat(outputs, axis=0) - targets) ** 2)
    return tape.gradient(loss, h).numpy()


# --- chapter 4 -------------------------------------------------------------------------------

def _perplexity(p_next) -> float:
    return float(np.exp(-np.mean(np.log(np.asarray(p_next, dtype=np.float64)))))


def _windows(ids, batch_size, num_steps):
    from course_utils import ptb

    return ptb.make_windows(ids, batch_size, num_steps)


def _tied_count(vocab_size: int, size: int, num_layers: int) -> int:
    from course_utils import lm

    config = lm.LMConfig(vocab_size=vocab_size, embedding_dim=size, lstm_units=(size,) * num_layers,
                         tie_embeddings=True)
    return lm.count_parameters(lm.build_model(config))


# --- chapter 5 -------------------------------------------------------------------------------

def _keras_lstm_count(units: int, features: int) -> int:
    import keras

    layer = keras.layers.LSTM(units)
    layer.build((None, None, features))
    return int(layer.count_params())


def _merge_cases() -> list[Case]:
    rng = np.random.default_rng(2)
    forward, backward = rng.normal(size=(2, 2, 5, 4)).astype("float32")
    return [Case((forward, backward, mode)) for mode in ("concat", "sum", "mul", "ave")]


def _merge(forward, backward, mode):
    if mode == "concat":
        return np.concatenate([forward, backward], axis=-1)
    return {"sum": forward + backward, "mul": forward * backward, "ave": (forward + backward) / 2}[mode]


def _last_rows_cases() -> list[Case]:
    tiny = np.arange(1, 2 * 4 * 3 + 1, dtype="float32").reshape(2, 4, 3)
    return [Case((tiny, k)) for k in (0, 1, 3, 4)]


def _show_last_rows(digits, k):
    cut = np.array(digits, copy=True)
    cut[:, : digits.shape[1] - k, :] = 0.0
    return cut


EXERCISES: dict[str, Exercise] = {
    exercise.id: exercise
    for exercise in [
        Exercise("ch01.steps_to_forget", 1, "steps_to_forget",
                 lambda: [Case((0.0,)), Case((1.0,)), Case((3.0,)), Case((2.0,), {"fraction": 0.5})],
                 _steps_to_forget,
                 hint=i18n.N_("keep multiplying while what is left is still >= fraction: a value equal to it is not yet below it.")),
        Exercise("ch01.gru_weight_count", 2, "gru_weight_count",
                 lambda: [Case((d, n)) for d, n in [(6, 4), (4, 5), (1, 1), (200, 256)]], _keras_gru_count,
                 hint=i18n.N_("compare with lstm_weight_count in section 5, and count two bias vectors per block.")),
        Exercise("ch01.gru_step", 3, "gru_step", _gru_cases, _keras_gru_step,
                 hint=i18n.N_("Keras mixes with z * h_prev + (1 - z) * candidate, and r multiplies (h_prev U_h + recurrent bias).")),
        Exercise("ch01.peephole_lstm_step", 4, "peephole_lstm_step", _peephole_cases, _peephole_step, output=_h_and_c,
                 hint=i18n.N_("the check puts [h_t, c_t] side by side; the output gate looks at the new c_t, not c_(t-1).")),
        Exercise("ch02.last_relevant_flat", 1, "last_relevant_flat", _last_relevant_cases, _last_relevant,
                 hint=i18n.N_("in the flattened tensor, example i starts at row i * steps.")),
        Exercise("ch02.wrongly_masked", 2, "wrongly_masked", _masked_cases, _wrongly_masked,
                 hint=i18n.N_("padding steps do not count, even when they hold 0.0.")),
        Exercise("ch02.move_padding_to_front", 3, "move_padding_to_front", _front_cases, _move_padding_to_front,
                 hint=i18n.N_("np.roll(row, shift) moves the last `shift` steps to the front.")),
        Exercise("ch03.ambiguous_pairs", 1, "ambiguous_pairs", lambda: [Case((100,)), Case((7,))], _ambiguous_pairs,
                 hint=i18n.N_("use pairs (series[t - 1], series[t]) as dictionary keys and sets of series[t + 1] as values.")),
        Exercise("ch03.truncated_by_windows", 2, "truncated_by_windows", _truncation_cases, _truncated_gradients,
                 output=_all_gradients,
                 hint=i18n.N_("each window's loss is a mean over its own steps: weight its gradient by (its steps) / T, "
                              "and start it from the state the previous window ended in.")),
        Exercise("ch03.initial_state_gradient", 3, "initial_state_gradient", _initial_state_cases,
                 _initial_state_gradient, rtol=1e-6, atol=1e-9,
                 hint=i18n.N_("h_0 enters the first step through h_0 U, as h_(t-1) enters step t.")),
        Exercise("ch04.perplexity", 1, "perplexity", lambda: [Case(([1 / 8] * 5,)), Case(([0.5, 0.125],))],
                 _perplexity, hint=i18n.N_("the exponential of the mean of -log p.")),
        Exercise("ch04.my_windows", 2, "my_windows",
                 lambda: [Case((np.arange(29), 3, 4)), Case((np.arange(100), 4, 5))], _windows,
                 hint=i18n.N_("rows of 29 // 3 = 9 ids give (9 - 1) // 4 = 2 windows; the targets start one column later.")),
        Exercise("ch04.tied_parameters", 3, "tied_parameters",
                 lambda: [Case((50, 8, 1)), Case((50, 8, 2)), Case((120, 16, 3))], _tied_count,
                 hint=i18n.N_("the tied matrix counts once, plus one output bias per word; each LSTM layer reads size numbers.")),
        Exercise("ch05.lstm_weight_count", 1, "lstm_weight_count",
                 lambda: [Case((5, 3)), Case((64, 28)), Case((128, 28))], _keras_lstm_count,
                 hint=i18n.N_("each of the four blocks sees the input (features) and the previous output (units), plus a bias.")),
        Exercise("ch05.merge", 2, "merge", _merge_cases, _merge,
                 hint=i18n.N_("'concat' joins the halves along the last axis; the other modes work element by element.")),
        Exercise("ch05.show_last_rows", 3, "show_last_rows", _last_rows_cases, _show_last_rows,
                 hint=i18n.N_("rows[-0:] is the whole array in NumPy, so k = 0 needs care.")),
    ]
}
"""Every exercise of the book, by id."""


def exercise_by_id(exercise_id: str) -> Exercise:
    """Return the exercise called ``exercise_id`` (such as ``"ch01.steps_to_forget"``).

    Raises:
        TypeError: ``exercise_id`` is not a string.
        ValueError: No exercise has that id; the message lists the chapter's ids.
    """
    if not isinstance(exercise_id, str):
        raise TypeError(f"`exercise` must be a string such as 'ch01.steps_to_forget' (got {type(exercise_id).__name__}).")
    if exercise_id not in EXERCISES:
        prefix = exercise_id.split(".")[0] + "."
        known = [key for key in EXERCISES if key.startswith(prefix)] or list(EXERCISES)
        raise ValueError(f"unknown exercise {exercise_id!r}; expected one of: {', '.join(known)}")
    return EXERCISES[exercise_id]
