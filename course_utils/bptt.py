"""Backpropagation through time (BPTT) for a plain RNN, and the palindrome task of chapter 3.

The reference implementation of chapter 3. The chapter derives and writes the
same code inline; this module adds input validation, so that exercises and
grading can compare a reader's gradients with trusted ones. The NumPy part
(forward pass, BPTT, finite differences) needs no TensorFlow;
:func:`train_palindrome_rnn`, the chapter's truncated-BPTT training loop
for many seeds at once (its settings travel together in a
:class:`PalindromeConfig`), imports TensorFlow when called, so that benchmarks
run the same code as the notebook.

The network reads a sequence ``x_1 .. x_T`` (one row of ``xs`` per step) from
the state ``h_0`` and computes, for ``t = 1 .. T``, with vectors as rows as in
Keras and chapter 1::

    h_t = tanh(x_t W + h_{t-1} U + b)
    y_t = h_t V + b_y

Its loss is the mean squared error over all steps and outputs. Parameters are
a dict of float arrays with the keys of :data:`PARAM_NAMES`. All the maths is
done in float64.

Example:
    >>> params = init_rnn_params(input_size=1, hidden_size=3, output_size=1, seed=0)
    >>> xs = palindrome(np.arange(10))[:, None]
    >>> ys = palindrome(np.arange(1, 11))[:, None]
    >>> loss, grads = rnn_bptt(params, xs, ys, np.zeros(3))
    >>> sorted(grads) == sorted(PARAM_NAMES)
    True
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils.store import ResultsStore, fingerprint
from course_utils.validation import require_int

__all__ = [
    "PARAM_NAMES",
    "palindrome",
    "palindrome_batch",
    "init_rnn_params",
    "rnn_forward",
    "rnn_loss",
    "rnn_bptt",
    "numerical_gradient",
    "relative_error",
    "CLIP_MODES",
    "PalindromeConfig",
    "PalindromeRun",
    "train_palindrome_rnn",
]

PARAM_NAMES = ("W", "U", "b", "V", "b_y")
"""Names of the parameters of a plain RNN, as :func:`init_rnn_params` returns them."""

Params = Mapping[str, np.ndarray]


def palindrome(steps: np.ndarray | list[int] | int) -> np.ndarray:
    """Return the palindrome series ``(5 - |t mod 10 - 5|) / 10`` at integer steps ``t``.

    The series climbs 0.0, 0.1, ..., 0.5 and comes back down, with period 10.
    Every value but 0.0 and 0.5 is followed by two different values (once on
    the way up, once on the way down), so predicting the next value needs memory.

    Args:
        steps: One integer, or a non-empty array-like of integers.

    Returns:
        float64 array of the shape of ``steps`` (a 0-d array for one integer).

    Raises:
        TypeError: ``steps`` does not hold integers.
        ValueError: ``steps`` is empty.

    Example:
        >>> palindrome([0, 1, 5, 9, 10]).tolist()
        [0.0, 0.1, 0.5, 0.1, 0.0]
    """
    t = np.asarray(steps)
    if t.size == 0:
        raise ValueError("`steps` must hold at least one step (got an empty array).")
    if t.dtype == np.bool_ or not np.issubdtype(t.dtype, np.integer):
        raise TypeError(
            f"`steps` must hold integers, such as np.arange(100) (got dtype {t.dtype})."
        )
    return (5 - np.abs(t % 10 - 5)) / 10


def palindrome_batch(index: int, window: int, offsets: Sequence[int] = (0,)) -> tuple[np.ndarray, np.ndarray]:
    """Return window number ``index`` of several shifted copies ("streams") of the palindrome series.

    Stream ``j`` is the series read from step ``offsets[j]``; its window ``index``
    covers the steps ``offsets[j] + index * window + (0, 1, ..., window - 1)``.
    The targets are the series one step ahead. Windows ``0, 1, 2, ...`` of a
    stream follow each other without a gap, which is what truncated BPTT with
    a carried state needs.

    Args:
        index: Which window (>= 0).
        window: Steps per window, the truncation length ``k`` (>= 1).
        offsets: First step of each stream; non-empty integers.

    Returns:
        ``(inputs, targets)``, two float32 arrays of shape
        ``(len(offsets), window, 1)``: (streams, steps, features).

    Raises:
        TypeError: ``index``, ``window`` or an offset is not an integer.
        ValueError: ``index`` < 0, ``window`` < 1, or ``offsets`` is empty.

    Example:
        >>> inputs, targets = palindrome_batch(1, 3, offsets=[0, 5])
        >>> (10 * inputs[:, :, 0]).round().astype(int).tolist()
        [[3, 4, 5], [2, 1, 0]]
        >>> (10 * targets[:, :, 0]).round().astype(int).tolist()
        [[4, 5, 4], [1, 0, 1]]
    """
    index = require_int("index", index, 0)
    window = require_int("window", window, 1)
    starts = np.asarray(offsets)
    if starts.ndim != 1 or starts.size == 0:
        raise ValueError(
            f"`offsets` must be a non-empty list of integers, one per stream (got shape {starts.shape})."
        )
    if starts.dtype == np.bool_ or not np.issubdtype(starts.dtype, np.integer):
        raise TypeError(f"`offsets` must hold integers, such as [0, 1, 2] (got dtype {starts.dtype}).")
    steps = starts[:, None] + index * window + np.arange(window)[None, :]
    inputs = palindrome(steps)[:, :, None].astype(np.float32)
    targets = palindrome(steps + 1)[:, :, None].astype(np.float32)
    return inputs, targets


def init_rnn_params(
    input_size: int, hidden_size: int, output_size: int, *, seed: int, scale: float = 0.5
) -> dict[str, np.ndarray]:
    """Draw the parameters of a plain RNN from a normal distribution.

    Every entry, biases included, is drawn from ``N(0, scale**2)``, so that a
    gradient check exercises all of them.

    Args:
        input_size: Features per step, ``D`` (>= 1).
        hidden_size: Units of the hidden state, ``H`` (>= 1).
        output_size: Outputs per step, ``O`` (>= 1).
        seed: Seed of the NumPy generator.
        scale: Standard deviation of the entries (> 0).

    Returns:
        A dict with the kernel ``W (D, H)``, the recurrent kernel ``U (H, H)``,
        the bias ``b (H,)``, the output weights ``V (H, O)`` and the output
        bias ``b_y (O,)``, all float64.

    Raises:
        TypeError: A size or the seed is not an integer.
        ValueError: A size is below 1, or ``scale`` is not positive.

    Example:
        >>> init_rnn_params(1, 3, 1, seed=0)["U"].shape
        (3, 3)
    """
    d = require_int("input_size", input_size, 1)
    h = require_int("hidden_size", hidden_size, 1)
    o = require_int("output_size", output_size, 1)
    require_int("seed", seed, 0)
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"`scale` must be a positive number (got scale={scale}).")
    rng = np.random.default_rng(seed)
    shapes = {"W": (d, h), "U": (h, h), "b": (h,), "V": (h, o), "b_y": (o,)}
    return {name: rng.normal(0.0, scale, size=shape) for name, shape in shapes.items()}


def _check_params(params: Params) -> dict[str, np.ndarray]:
    if not isinstance(params, Mapping):
        raise TypeError(f"`params` must be a dict of arrays with keys {PARAM_NAMES} (got {type(params).__name__}).")
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"`params` lacks {missing}; it needs the keys {PARAM_NAMES} (got {sorted(params)}).")
    p = {name: np.asarray(params[name], dtype=np.float64) for name in PARAM_NAMES}
    if p["U"].ndim != 2 or p["U"].shape[0] != p["U"].shape[1]:
        raise ValueError(f"`params['U']` must be square (H, H) (got shape {p['U'].shape}).")
    h = p["U"].shape[0]
    if p["W"].ndim != 2 or p["W"].shape[1] != h:
        raise ValueError(f"`params['W']` must have shape (D, {h}) to match U (got shape {p['W'].shape}).")
    if p["b"].shape != (h,):
        raise ValueError(f"`params['b']` must have shape ({h},) to match U (got shape {p['b'].shape}).")
    if p["V"].ndim != 2 or p["V"].shape[0] != h:
        raise ValueError(f"`params['V']` must have shape ({h}, O) to match U (got shape {p['V'].shape}).")
    o = p["V"].shape[1]
    if p["b_y"].shape != (o,):
        raise ValueError(f"`params['b_y']` must have shape ({o},) to match V (got shape {p['b_y'].shape}).")
    return p


def _check_inputs(p: dict[str, np.ndarray], xs: np.ndarray, h0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xs = np.asarray(xs, dtype=np.float64)
    h0 = np.asarray(h0, dtype=np.float64)
    d, h = p["W"].shape
    if xs.ndim != 2 or xs.shape[1] != d:
        raise ValueError(f"`xs` must have shape (T, {d}), one row per step (got shape {xs.shape}).")
    if xs.shape[0] == 0:
        raise ValueError("`xs` must hold at least one step (got an empty series, T=0).")
    if h0.shape != (h,):
        raise ValueError(f"`h0` must have shape ({h},), one value per hidden unit (got shape {h0.shape}).")
    return xs, h0


def _check_targets(p: dict[str, np.ndarray], xs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    targets = np.asarray(targets, dtype=np.float64)
    expected = (xs.shape[0], p["V"].shape[1])
    if targets.shape != expected:
        raise ValueError(
            f"`targets` must have shape {expected}: one row per step of `xs`, one column per output "
            f"(got shape {targets.shape})."
        )
    return targets


def rnn_forward(params: Params, xs: np.ndarray, h0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run a plain RNN over a sequence and return its states and outputs.

    Args:
        params: Parameters with the keys of :data:`PARAM_NAMES`.
        xs: Inputs, shape ``(T, D)`` with ``T >= 1``.
        h0: Initial state, shape ``(H,)``.

    Returns:
        ``(hs, ys)``: the states ``h_0 .. h_T`` with shape ``(T + 1, H)``
        (``hs[0]`` is ``h0``) and the outputs ``y_1 .. y_T`` with shape ``(T, O)``.

    Raises:
        TypeError: ``params`` is not a dict.
        ValueError: A parameter is missing or of the wrong shape, ``xs`` is
            empty or does not match ``W``, or ``h0`` does not match ``U``.

    Example:
        >>> params = init_rnn_params(1, 3, 1, seed=0)
        >>> hs, ys = rnn_forward(params, np.zeros((4, 1)), np.zeros(3))
        >>> hs.shape, ys.shape
        ((5, 3), (4, 1))
    """
    p = _check_params(params)
    xs, h0 = _check_inputs(p, xs, h0)
    hs = [h0]
    for x in xs:
        hs.append(np.tanh(x @ p["W"] + hs[-1] @ p["U"] + p["b"]))
    hs = np.stack(hs)
    ys = hs[1:] @ p["V"] + p["b_y"]
    return hs, ys


def rnn_loss(params: Params, xs: np.ndarray, targets: np.ndarray, h0: np.ndarray) -> float:
    """Return the mean squared error of a plain RNN over a sequence.

    Args:
        params: Parameters with the keys of :data:`PARAM_NAMES`.
        xs: Inputs, shape ``(T, D)``.
        targets: Wanted outputs, shape ``(T, O)``.
        h0: Initial state, shape ``(H,)``.

    Returns:
        ``mean((y_t - targets_t) ** 2)`` over all steps and outputs.

    Raises:
        TypeError, ValueError: As :func:`rnn_forward`, or ``targets`` does not
            have shape ``(T, O)``.

    Example:
        >>> params = init_rnn_params(1, 3, 1, seed=0)
        >>> round(rnn_loss(params, np.zeros((2, 1)), np.zeros((2, 1)), np.zeros(3)), 4)
        0.325
    """
    p = _check_params(params)
    xs, h0 = _check_inputs(p, xs, h0)
    targets = _check_targets(p, xs, targets)
    _, ys = rnn_forward(p, xs, h0)
    return float(np.mean((ys - targets) ** 2))


def rnn_bptt(
    params: Params,
    xs: np.ndarray,
    targets: np.ndarray,
    h0: np.ndarray,
    *,
    truncation: int | None = None,
) -> tuple[float, dict[str, np.ndarray]]:
    """Compute the loss of :func:`rnn_loss` and its gradients by BPTT.

    The backward pass walks the steps from ``T`` down to 1 and carries
    ``dh``, the gradient of the loss with respect to the hidden state::

        dh_t = dy_t V^T + da_{t+1} U^T
        da_t = dh_t * (1 - h_t ** 2)

    where ``a_t = x_t W + h_{t-1} U + b`` is the pre-activation of step ``t``.

    With ``truncation=k`` the sequence is cut into windows of ``k`` steps
    (steps 1..k, k+1..2k, ...) and no gradient crosses a window boundary: the
    state that enters a window is treated as a constant. This is exactly the
    sum of the gradients of the windows when you train window by window and
    carry (but detach) the state from one window to the next.

    Args:
        params: Parameters with the keys of :data:`PARAM_NAMES`.
        xs: Inputs, shape ``(T, D)``.
        targets: Wanted outputs, shape ``(T, O)``.
        h0: Initial state, shape ``(H,)``.
        truncation: Window length ``k`` (>= 1); None for full BPTT. Any
            ``k >= T`` is full BPTT too.

    Returns:
        ``(loss, grads)``: the loss as a float, and a dict with one float64
        gradient per parameter, of the parameter's shape.

    Raises:
        TypeError: ``truncation`` is not an integer or None, or ``params`` is
            not a dict.
        ValueError: ``truncation`` < 1, or a shape does not match (see
            :func:`rnn_loss`).

    Example:
        >>> params = init_rnn_params(1, 3, 1, seed=0)
        >>> xs, ys = np.ones((5, 1)), np.zeros((5, 1))
        >>> _, full = rnn_bptt(params, xs, ys, np.zeros(3))
        >>> _, cut = rnn_bptt(params, xs, ys, np.zeros(3), truncation=1)
        >>> bool(np.allclose(full["V"], cut["V"])), bool(np.allclose(full["U"], cut["U"]))
        (True, False)
    """
    if truncation is not None:
        truncation = require_int("truncation", truncation, 1)
    p = _check_params(params)
    xs, h0 = _check_inputs(p, xs, h0)
    targets = _check_targets(p, xs, targets)
    hs, ys = rnn_forward(p, xs, h0)
    num_steps = xs.shape[0]
    loss = float(np.mean((ys - targets) ** 2))
    dys = 2.0 * (ys - targets) / targets.size  # dL/dy_t, shape (T, O)
    grads = {name: np.zeros_like(value) for name, value in p.items()}
    da_next = np.zeros_like(h0)  # dL/da_{t+1}, zero after the last step
    for t in range(num_steps, 0, -1):  # steps T .. 1; hs[t] is h_t, xs[t - 1] is x_t
        grads["V"] += np.outer(hs[t], dys[t - 1])
        grads["b_y"] += dys[t - 1]
        dh = p["V"] @ dys[t - 1] + p["U"] @ da_next
        da = dh * (1.0 - hs[t] ** 2)
        grads["W"] += np.outer(xs[t - 1], da)
        grads["U"] += np.outer(hs[t - 1], da)
        grads["b"] += da
        cut = truncation is not None and (t - 1) % truncation == 0  # h_{t-1} enters a new window
        da_next = np.zeros_like(da) if cut else da
    return loss, grads


def numerical_gradient(
    loss_fn: Callable[[dict[str, np.ndarray]], float],
    params: Params,
    *,
    eps: float = 1e-6,
) -> dict[str, np.ndarray]:
    """Estimate the gradient of ``loss_fn`` by central finite differences.

    For every entry ``w`` of every parameter, ``(L(w + eps) - L(w - eps)) / (2 eps)``.
    Costs two calls of ``loss_fn`` per entry: use it on small models only.

    Args:
        loss_fn: Function of a parameter dict that returns a float.
        params: The point where to differentiate; not modified.
        eps: Step of the differences (> 0); about 1e-6 suits float64.

    Returns:
        A dict with one float64 array per parameter, of its shape.

    Raises:
        TypeError: ``loss_fn`` is not callable or ``params`` is not a dict.
        ValueError: ``params`` is empty, or ``eps`` is not positive.

    Example:
        >>> grad = numerical_gradient(lambda p: float(np.sum(p["w"] ** 2)), {"w": np.array([1.0, -2.0])})
        >>> grad["w"].round(6).tolist()
        [2.0, -4.0]
    """
    if not callable(loss_fn):
        raise TypeError(f"`loss_fn` must be a function of a parameter dict (got {type(loss_fn).__name__}).")
    if not isinstance(params, Mapping):
        raise TypeError(f"`params` must be a dict of arrays (got {type(params).__name__}).")
    if not params:
        raise ValueError("`params` must hold at least one parameter (got an empty dict).")
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"`eps` must be a positive number such as 1e-6 (got eps={eps}).")
    point = {name: np.array(value, dtype=np.float64) for name, value in params.items()}
    grads = {}
    for name, value in point.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + eps
            plus = loss_fn(point)
            value[index] = saved - eps
            minus = loss_fn(point)
            value[index] = saved
            grad[index] = (plus - minus) / (2 * eps)
        grads[name] = grad
    return grads


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Return ``|a - b| / (|a| + |b|)`` with Euclidean norms; 0.0 when both are zero.

    The usual score of a gradient check: about 1e-7 or less in float64 means
    the two gradients agree; 1e-2 or more means one of them is wrong.

    Args:
        a, b: Arrays (or anything ``np.asarray`` accepts) of the same shape.

    Returns:
        A float in ``[0, 1]``.

    Raises:
        ValueError: The shapes differ.

    Example:
        >>> relative_error([1.0, 2.0], [1.0, 2.0])
        0.0
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"`a` and `b` must have the same shape (got {a.shape} and {b.shape}).")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


@dataclass(frozen=True)
class PalindromeRun:
    """What :func:`train_palindrome_rnn` measured, one entry per seed.

    Attributes:
        seeds: The seeds, one model each.
        losses: Training loss of every window, shape ``(steps, models)``.
        final_losses: Mean training loss of the last ``min(100, steps)`` windows, shape ``(models,)``.
        max_errors: Largest ``|prediction - target|`` of one-step inference over
            the evaluated steps, shape ``(models,)``.
        predictions: The evaluated one-step predictions, shape ``(models, eval_steps)``.
        seconds: Wall time of training and inference.
    """

    seeds: tuple[int, ...]
    losses: np.ndarray
    final_losses: np.ndarray
    max_errors: np.ndarray
    predictions: np.ndarray
    seconds: float

    def success_rate(self, tolerance: float = 0.05) -> float:
        """Return the share of seeds whose ``max_errors`` is at most ``tolerance``."""
        return float(np.mean(self.max_errors <= tolerance))


def _require_positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number (got {value!r} of type {type(value).__name__}).")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        rule = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"`{name}` must be a finite number {rule} (got {name}={value}).")
    return float(value)


CLIP_MODES = ("value", "norm", None)
"""Gradient clipping of :func:`train_palindrome_rnn`: by value, by global norm, or none."""


@contextmanager
def _quiet_tensorflow(tf):
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


@dataclass(frozen=True)
class PalindromeConfig:
    """The settings of :func:`train_palindrome_rnn`, checked when the config is created.

    The defaults are chapter 3's design; ``dataclasses.replace(config, streams=1)``
    changes one setting and checks it again.

    Attributes:
        window: Truncation length ``k``, steps per window (>= 1).
        steps: Gradient steps, one window each (>= 1).
        hidden_size: Units of the hidden state (>= 1).
        streams: Shifted copies of the series per window, the batch size (>= 1).
        init_scale: Standard deviation of the initial weights (> 0).
        learning_rate: Adam's (initial) learning rate (> 0).
        decay: Decay the learning rate to 0 along a cosine curve.
        adam_beta_1: Adam's first-moment decay, in [0, 1).
        adam_epsilon: Adam's epsilon (> 0).
        noise: Standard deviation of the input noise during training (>= 0).
        clip: ``"value"``, ``"norm"`` or None, see :data:`CLIP_MODES`.
        clip_threshold: Bound of the clipping (> 0).
        warmup_steps: Inference steps run before scoring (>= 0).
        eval_steps: Inference steps scored (>= 1).

    Raises:
        TypeError: A setting has the wrong type.
        ValueError: A setting is out of range.

    Example:
        >>> PalindromeConfig(streams=1).streams
        1
    """

    window: int = 10
    steps: int = 1500
    hidden_size: int = 8
    streams: int = 10
    init_scale: float = 0.3
    learning_rate: float = 0.02
    decay: bool = True
    adam_beta_1: float = 0.95
    adam_epsilon: float = 1e-3
    noise: float = 0.03
    clip: str | None = "value"
    clip_threshold: float = 4.0
    warmup_steps: int = 200
    eval_steps: int = 100

    def __post_init__(self) -> None:
        require_int("window", self.window, 1)
        require_int("steps", self.steps, 1)
        require_int("hidden_size", self.hidden_size, 1)
        require_int("streams", self.streams, 1)
        require_int("warmup_steps", self.warmup_steps, 0)
        require_int("eval_steps", self.eval_steps, 1)
        _require_positive("init_scale", self.init_scale)
        _require_positive("learning_rate", self.learning_rate)
        _require_positive("adam_epsilon", self.adam_epsilon)
        _require_positive("noise", self.noise, allow_zero=True)
        _require_positive("clip_threshold", self.clip_threshold)
        if _require_positive("adam_beta_1", self.adam_beta_1, allow_zero=True) >= 1:
            raise ValueError(f"`adam_beta_1` must be in [0, 1) (got adam_beta_1={self.adam_beta_1}).")
        if not isinstance(self.decay, bool):
            raise TypeError(f"`decay` must be True or False (got {self.decay!r}).")
        if self.clip not in CLIP_MODES:
            raise ValueError(f"`clip` must be one of {CLIP_MODES} (got clip={self.clip!r}).")


_SOURCE_FINGERPRINT = fingerprint(Path(__file__).read_text(encoding="utf-8"))


def train_palindrome_rnn(seeds: Sequence[int], config: PalindromeConfig | None = None, *,
                         store: ResultsStore | None = None, name: str = "palindrome-study") -> PalindromeRun:
    """Train one plain RNN per seed on the palindrome series with truncated BPTT, then test it one step at a time.

    This is the training loop of chapter 3, with one more axis in front of
    every tensor: the models. The models share nothing (each has its own
    weights, its own noise, its own Adam moments), so training ten seeds costs
    about as much as training one. For every seed, with the settings of
    ``config``:

    * the weights come from :func:`init_rnn_params` with ``scale=init_scale``;
    * each gradient step reads window ``i`` of ``streams`` copies of the series
      shifted by ``0, 1, ..., streams - 1`` steps (:func:`palindrome_batch`),
      adds Gaussian noise of standard deviation ``noise`` to the inputs (window
      ``i`` of ``tf.random.stateless_normal((steps, streams, window, 1), (seed, 0))``), and
      back-propagates the mean squared error through the ``window`` steps only;
    * the state at the end of a window starts the next one, detached from the
      gradient; it starts at zero;
    * Adam, with a cosine decay of the learning rate to 0 when ``decay``,
      applies the gradient after clipping it (by value, or by the global norm
      of each model's gradient);
    * inference starts from a zero state at step 0 and feeds the clean series
      one value at a time, carrying the state; after ``warmup_steps`` steps,
      the next ``eval_steps`` predictions are scored.

    With a ``store``, a study already run with the same seeds, settings, code
    and library versions is loaded instead (one line says so), so the other
    languages of chapter 3 and a second run take seconds; ``seconds`` is then
    the original run's time.

    Args:
        seeds: One non-negative integer per model; not empty.
        config: The settings, see :class:`PalindromeConfig`; its defaults when None.
        store: A :class:`course_utils.store.ResultsStore` to load from and save to, or None.
        name: Readable name of the store entry.

    Returns:
        A :class:`PalindromeRun`.

    Raises:
        TypeError: ``seeds`` is not a list of integers, ``config`` is not a
            :class:`PalindromeConfig`, or ``store`` is not a ResultsStore.
        ValueError: ``seeds`` is empty or holds a negative number, or ``name`` is not a plain folder name.

    Example:
        >>> run = train_palindrome_rnn([0, 1], PalindromeConfig(steps=300))  # doctest: +SKIP
        >>> run.max_errors.shape, run.losses.shape  # doctest: +SKIP
        ((2,), (300, 2))
    """
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence):
        raise TypeError(f"`seeds` must be a list of integers, such as [0, 1, 2] (got {type(seeds).__name__}).")
    if len(seeds) == 0:
        raise ValueError("`seeds` must hold at least one seed (got an empty list).")
    seeds = tuple(require_int(f"seeds[{i}]", seed, 0) for i, seed in enumerate(seeds))
    config = PalindromeConfig() if config is None else config
    if not isinstance(config, PalindromeConfig):
        raise TypeError(f"`config` must be a PalindromeConfig or None (got {type(config).__name__}); "
                        "build one with PalindromeConfig(window=..., ...).")
    if store is not None and not isinstance(store, ResultsStore):
        raise TypeError(f"`store` must be a course_utils.store.ResultsStore or None (got {type(store).__name__}).")
    if store is None:
        return _train_palindrome(seeds, config)

    def compute() -> tuple[dict, dict]:
        run = _train_palindrome(seeds, config)
        return ({"losses": run.losses, "max_errors": run.max_errors, "predictions": run.predictions},
                {"seconds": run.seconds})

    key_parts = {"kind": "course_utils.bptt.train_palindrome_rnn", "config": dataclasses.asdict(config),
                 "seeds": list(seeds), "code": _SOURCE_FINGERPRINT}  # any edit of this module recomputes
    computed = store.compute_or_load(name, key_parts, compute)
    losses = computed.arrays["losses"]
    return PalindromeRun(seeds=seeds, losses=losses, final_losses=_final_losses(losses),
                         max_errors=computed.arrays["max_errors"], predictions=computed.arrays["predictions"],
                         seconds=float(computed.info["seconds"]))


def _final_losses(losses: np.ndarray) -> np.ndarray:
    """Mean training loss of the last ``min(100, steps)`` windows, one per model."""
    return losses[-min(100, len(losses)):].mean(axis=0)


def _train_palindrome(seeds: tuple[int, ...], config: PalindromeConfig) -> PalindromeRun:
    """:func:`train_palindrome_rnn` without the store (arguments already checked)."""
    window, steps, hidden_size, streams = config.window, config.steps, config.hidden_size, config.streams
    init_scale, learning_rate, decay = config.init_scale, config.learning_rate, config.decay
    adam_beta_1, adam_epsilon, noise = config.adam_beta_1, config.adam_epsilon, config.noise
    clip, clip_threshold = config.clip, config.clip_threshold
    warmup_steps, eval_steps = config.warmup_steps, config.eval_steps

    import keras  # noqa: PLC0415 - TensorFlow only when training
    import tensorflow as tf  # noqa: PLC0415

    started = time.perf_counter()
    inits = [init_rnn_params(1, hidden_size, 1, seed=seed, scale=init_scale) for seed in seeds]
    params = {  # shape (models, ...); the biases become rows (1, n), which broadcast over the streams
        name: tf.Variable(np.stack([np.atleast_2d(p[name]) for p in inits]).astype(np.float32), name=name)
        for name in PARAM_NAMES
    }
    variables = [params[name] for name in PARAM_NAMES]
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps) if decay else learning_rate
    optimizer = keras.optimizers.Adam(schedule, beta_1=adam_beta_1, epsilon=adam_epsilon)

    def cell(x, h):  # x (models, streams, 1), h (models, streams, hidden)
        h = tf.tanh(tf.matmul(x, params["W"]) + tf.matmul(h, params["U"]) + params["b"])
        return h, tf.matmul(h, params["V"]) + params["b_y"]

    def train_step(inputs, targets, h, noises):  # inputs, targets (streams, window, 1); noises (models, streams, window, 1)
        noisy = inputs + noises
        with tf.GradientTape() as tape:
            squared = []
            for t in range(window):
                h, y = cell(noisy[:, :, t], h)
                squared.append(tf.square(y - targets[:, t]))
            losses = tf.reduce_mean(tf.stack(squared), axis=[0, 2, 3])  # (models,)
            total = tf.reduce_sum(losses)  # the models' gradients do not mix
        grads = tape.gradient(total, variables)
        if clip == "value":
            grads = [tf.clip_by_value(g, -clip_threshold, clip_threshold) for g in grads]
        elif clip == "norm":
            norms = tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(g), axis=[1, 2]) for g in grads]))
            factor = tf.reshape(tf.minimum(1.0, clip_threshold / tf.maximum(norms, 1e-12)), (-1, 1, 1))
            grads = [g * factor for g in grads]
        optimizer.apply_gradients(zip(grads, variables))
        return losses, tf.stop_gradient(h)

    @tf.function
    def train_all(all_inputs, all_targets, all_noises):  # the whole loop in one graph
        h = tf.zeros((len(seeds), streams, hidden_size))
        history = tf.TensorArray(tf.float32, size=steps)
        for index in tf.range(steps):
            step_losses, h = train_step(all_inputs[index], all_targets[index], h, all_noises[:, index])
            history = history.write(index, step_losses)
        return history.stack()

    @tf.function
    def inference_step(x, h):
        return cell(x, h)

    batches = [palindrome_batch(index, window, np.arange(streams)) for index in range(min(steps, 10))]
    period = [batches[index % len(batches)] for index in range(steps)]  # window i repeats every 10 windows
    noise_shape = (steps, streams, window, 1)
    noises = tf.stack([noise * tf.random.stateless_normal(noise_shape, (seed, 0)) for seed in seeds])
    with _quiet_tensorflow(tf):  # a new graph per call is expected; TensorFlow warns after five
        losses = train_all(np.stack([x for x, _ in period]), np.stack([y for _, y in period]), noises).numpy()

    h = tf.zeros((len(seeds), 1, hidden_size))
    predictions = []
    for t in range(warmup_steps + eval_steps):
        x = tf.fill((len(seeds), 1, 1), np.float32(palindrome(t)))
        h, y = inference_step(x, h)
        if t >= warmup_steps:
            predictions.append(y.numpy()[:, 0, 0])
    predictions = np.stack(predictions, axis=1)
    truth = palindrome(np.arange(warmup_steps, warmup_steps + eval_steps) + 1)
    return PalindromeRun(
        seeds=seeds,
        losses=losses,
        final_losses=_final_losses(losses),
        max_errors=np.abs(predictions - truth).max(axis=1),
        predictions=predictions,
        seconds=time.perf_counter() - started,
    )
