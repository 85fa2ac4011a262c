import dataclasses

import numpy as np
import pytest

from course_utils import bptt


def _problem(input_size=2, hidden_size=4, output_size=3, steps=9, seed=0):
    params = bptt.init_rnn_params(input_size, hidden_size, output_size, seed=seed)
    rng = np.random.default_rng(seed + 100)
    xs = rng.normal(size=(steps, input_size))
    targets = rng.normal(size=(steps, output_size))
    h0 = 0.5 * rng.normal(size=hidden_size)
    return params, xs, targets, h0


# --- the palindrome series -------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (0, 0.0),
        (5, 0.5),
        (7, 0.3),
        (10, 0.0),
        (-1, 0.1),
        ([1], [0.1]),
        (range(11), [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]),
        (np.array([[3, 13], [23, 97]]), [[0.3, 0.3], [0.3, 0.3]]),
    ],
)
def test_palindrome_values(steps, expected):
    got = bptt.palindrome(steps if not isinstance(steps, range) else list(steps))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, atol=1e-12)


def test_palindrome_has_period_ten_and_ambiguous_successors():
    t = np.arange(100)
    np.testing.assert_allclose(bptt.palindrome(t), bptt.palindrome(t + 10))
    successors = {}
    for x, y in zip(bptt.palindrome(t[:-1]).round(1), bptt.palindrome(t[1:]).round(1)):
        successors.setdefault(x, set()).add(y)
    assert {x for x, ys in successors.items() if len(ys) > 1} == {0.1, 0.2, 0.3, 0.4}


@pytest.mark.parametrize(
    ("steps", "error", "message"),
    [
        ([], ValueError, r"`steps` must hold at least one step \(got an empty array\)"),
        (np.array([], dtype=int), ValueError, r"`steps` must hold at least one step"),
        ([0.5, 1.5], TypeError, r"`steps` must hold integers.*got dtype float64"),
        (np.array([True]), TypeError, r"`steps` must hold integers"),
        ("abc", TypeError, r"`steps` must hold integers"),
    ],
)
def test_palindrome_rejects_bad_steps(steps, error, message):
    with pytest.raises(error, match=message):
        bptt.palindrome(steps)


@pytest.mark.parametrize(
    ("index", "window", "offsets"), [(0, 1, [0]), (0, 4, [0, 1, 2]), (3, 10, [7]), (2, 3, [-3, 5]), (5, 7, (0,))]
)
def test_palindrome_batch_is_the_series_one_step_ahead(index, window, offsets):
    inputs, targets = bptt.palindrome_batch(index, window, offsets)
    assert inputs.shape == targets.shape == (len(offsets), window, 1)
    assert inputs.dtype == targets.dtype == np.float32
    for row, offset in enumerate(offsets):
        steps = offset + index * window + np.arange(window)
        np.testing.assert_allclose(inputs[row, :, 0], bptt.palindrome(steps), atol=1e-7)
        np.testing.assert_allclose(targets[row, :, 0], bptt.palindrome(steps + 1), atol=1e-7)


@pytest.mark.parametrize("window", [1, 3, 10])
def test_consecutive_windows_tile_the_series(window):
    pieces = [bptt.palindrome_batch(index, window, [2])[0][0, :, 0] for index in range(4)]
    np.testing.assert_allclose(np.concatenate(pieces), bptt.palindrome(2 + np.arange(4 * window)), atol=1e-7)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((0, 0), ValueError, r"`window` must be >= 1 \(got window=0\)"),
        ((0, -2), ValueError, r"`window` must be >= 1 \(got window=-2\)"),
        ((-1, 5), ValueError, r"`index` must be >= 0 \(got index=-1\)"),
        ((0, 2.0), TypeError, r"`window` must be an integer"),
        ((0, True), TypeError, r"`window` must be an integer"),
        ((1.5, 2), TypeError, r"`index` must be an integer"),
        ((0, 2, []), ValueError, r"`offsets` must be a non-empty list of integers.*got shape \(0,\)"),
        ((0, 2, [[0, 1]]), ValueError, r"`offsets` must be a non-empty list"),
        ((0, 2, [0.5]), TypeError, r"`offsets` must hold integers.*got dtype float64"),
    ],
)
def test_palindrome_batch_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        bptt.palindrome_batch(*args)


# --- parameters and the forward pass --------------------------------------


def test_init_rnn_params_shapes_and_reproducibility():
    params = bptt.init_rnn_params(2, 5, 3, seed=7)
    assert tuple(params) == bptt.PARAM_NAMES
    shapes = {name: value.shape for name, value in params.items()}
    assert shapes == {"W": (2, 5), "U": (5, 5), "b": (5,), "V": (5, 3), "b_y": (3,)}
    again = bptt.init_rnn_params(2, 5, 3, seed=7)
    for name in params:
        np.testing.assert_array_equal(params[name], again[name])
    assert not np.array_equal(params["U"], bptt.init_rnn_params(2, 5, 3, seed=8)["U"])


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((0, 3, 1), {"seed": 0}, ValueError, r"`input_size` must be >= 1 \(got input_size=0\)"),
        ((1, 0, 1), {"seed": 0}, ValueError, r"`hidden_size` must be >= 1"),
        ((1, 3, 0), {"seed": 0}, ValueError, r"`output_size` must be >= 1"),
        ((1, 3.0, 1), {"seed": 0}, TypeError, r"`hidden_size` must be an integer"),
        ((1, 3, 1), {"seed": -1}, ValueError, r"`seed` must be >= 0"),
        ((1, 3, 1), {"seed": 0, "scale": 0.0}, ValueError, r"`scale` must be a positive number \(got scale=0.0\)"),
        ((1, 3, 1), {"seed": 0, "scale": float("nan")}, ValueError, r"`scale` must be a positive number"),
    ],
)
def test_init_rnn_params_rejects_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        bptt.init_rnn_params(*args, **kwargs)


@pytest.mark.parametrize("steps", [1, 2, 7])
def test_forward_follows_the_equations(steps):
    params, xs, _, h0 = _problem(steps=steps)
    hs, ys = bptt.rnn_forward(params, xs, h0)
    assert hs.shape == (steps + 1, 4) and ys.shape == (steps, 3)
    np.testing.assert_array_equal(hs[0], h0)
    h = h0
    for t in range(steps):
        h = np.tanh(xs[t] @ params["W"] + h @ params["U"] + params["b"])
        np.testing.assert_allclose(hs[t + 1], h, atol=1e-12)
        np.testing.assert_allclose(ys[t], h @ params["V"] + params["b_y"], atol=1e-12)


def test_loss_is_the_mean_squared_error():
    params, xs, targets, h0 = _problem()
    _, ys = bptt.rnn_forward(params, xs, h0)
    assert bptt.rnn_loss(params, xs, targets, h0) == pytest.approx(np.mean((ys - targets) ** 2))


def _without(params, name):
    return {k: v for k, v in params.items() if k != name}


def _with(params, name, value):
    return {**params, name: value}


BASE_PARAMS, BASE_XS, BASE_TARGETS, BASE_H0 = _problem()


@pytest.mark.parametrize(
    ("params", "xs", "h0", "error", "message"),
    [
        (BASE_PARAMS, np.zeros((0, 2)), BASE_H0, ValueError, r"`xs` must hold at least one step \(got an empty series, T=0\)"),
        (BASE_PARAMS, np.zeros((5, 3)), BASE_H0, ValueError, r"`xs` must have shape \(T, 2\).*got shape \(5, 3\)"),
        (BASE_PARAMS, np.zeros(5), BASE_H0, ValueError, r"`xs` must have shape \(T, 2\).*got shape \(5,\)"),
        (BASE_PARAMS, BASE_XS, np.zeros(3), ValueError, r"`h0` must have shape \(4,\).*got shape \(3,\)"),
        (BASE_PARAMS, BASE_XS, np.zeros((1, 4)), ValueError, r"`h0` must have shape \(4,\)"),
        (_without(BASE_PARAMS, "b_y"), BASE_XS, BASE_H0, ValueError, r"`params` lacks \['b_y'\]"),
        (_with(BASE_PARAMS, "U", np.zeros((4, 3))), BASE_XS, BASE_H0, ValueError, r"`params\['U'\]` must be square"),
        (_with(BASE_PARAMS, "W", np.zeros((2, 3))), BASE_XS, BASE_H0, ValueError, r"`params\['W'\]` must have shape \(D, 4\)"),
        (_with(BASE_PARAMS, "b", np.zeros(3)), BASE_XS, BASE_H0, ValueError, r"`params\['b'\]` must have shape \(4,\)"),
        (_with(BASE_PARAMS, "V", np.zeros((5, 3))), BASE_XS, BASE_H0, ValueError, r"`params\['V'\]` must have shape \(4, O\)"),
        (_with(BASE_PARAMS, "b_y", np.zeros(2)), BASE_XS, BASE_H0, ValueError, r"`params\['b_y'\]` must have shape \(3,\)"),
        ([1, 2, 3], BASE_XS, BASE_H0, TypeError, r"`params` must be a dict"),
    ],
)
def test_forward_rejects_bad_inputs(params, xs, h0, error, message):
    with pytest.raises(error, match=message):
        bptt.rnn_forward(params, xs, h0)


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (np.zeros((8, 3)), r"`targets` must have shape \(9, 3\).*got shape \(8, 3\)"),
        (np.zeros((9, 1)), r"`targets` must have shape \(9, 3\).*got shape \(9, 1\)"),
        (np.zeros(9), r"`targets` must have shape \(9, 3\)"),
    ],
)
@pytest.mark.parametrize("function", [bptt.rnn_loss, bptt.rnn_bptt])
def test_loss_and_bptt_reject_mismatched_targets(function, targets, message):
    with pytest.raises(ValueError, match=message):
        function(BASE_PARAMS, BASE_XS, targets, BASE_H0)


# --- BPTT -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input_size", "hidden_size", "output_size", "steps", "seed"),
    [(1, 3, 1, 1, 0), (1, 3, 1, 10, 1), (2, 4, 3, 9, 2), (3, 2, 2, 15, 3)],
)
def test_bptt_matches_finite_differences(input_size, hidden_size, output_size, steps, seed):
    params, xs, targets, h0 = _problem(input_size, hidden_size, output_size, steps, seed)
    loss, grads = bptt.rnn_bptt(params, xs, targets, h0)
    assert loss == pytest.approx(bptt.rnn_loss(params, xs, targets, h0))
    numeric = bptt.numerical_gradient(lambda p: bptt.rnn_loss(p, xs, targets, h0), params)
    for name in bptt.PARAM_NAMES:
        assert grads[name].shape == params[name].shape
        assert bptt.relative_error(grads[name], numeric[name]) < 1e-6, name


def _truncated_loss_by_windows(params, xs, targets, h0, k):
    """Gradient of the window-by-window loss, the state carried but treated as constant."""
    total = {name: np.zeros_like(value) for name, value in params.items()}
    h = h0
    steps = xs.shape[0]
    for start in range(0, steps, k):
        stop = min(start + k, steps)
        _, grads = bptt.rnn_bptt(params, xs[start:stop], targets[start:stop], h)
        for name in total:
            total[name] += grads[name] * (stop - start) / steps  # each window's loss is a mean over its own steps
        h = bptt.rnn_forward(params, xs[start:stop], h)[0][-1]
    return total


@pytest.mark.parametrize("k", [1, 2, 3, 4, 9])
def test_truncated_bptt_is_the_sum_of_window_gradients(k):
    params, xs, targets, h0 = _problem(steps=9)
    _, truncated = bptt.rnn_bptt(params, xs, targets, h0, truncation=k)
    by_windows = _truncated_loss_by_windows(params, xs, targets, h0, k)
    for name in bptt.PARAM_NAMES:
        np.testing.assert_allclose(truncated[name], by_windows[name], atol=1e-12)


@pytest.mark.parametrize("k", [9, 10, 100])
def test_truncation_at_or_beyond_the_length_is_full_bptt(k):
    params, xs, targets, h0 = _problem(steps=9)
    _, full = bptt.rnn_bptt(params, xs, targets, h0)
    _, truncated = bptt.rnn_bptt(params, xs, targets, h0, truncation=k)
    for name in bptt.PARAM_NAMES:
        np.testing.assert_allclose(truncated[name], full[name], atol=1e-12)


def test_truncation_changes_only_the_recurrent_part():
    params, xs, targets, h0 = _problem(steps=9)
    _, full = bptt.rnn_bptt(params, xs, targets, h0)
    _, cut = bptt.rnn_bptt(params, xs, targets, h0, truncation=1)
    np.testing.assert_allclose(cut["V"], full["V"], atol=1e-12)
    np.testing.assert_allclose(cut["b_y"], full["b_y"], atol=1e-12)
    assert bptt.relative_error(cut["U"], full["U"]) > 1e-3


@pytest.mark.parametrize(
    ("truncation", "error", "message"),
    [
        (0, ValueError, r"`truncation` must be >= 1 \(got truncation=0\)"),
        (-3, ValueError, r"`truncation` must be >= 1 \(got truncation=-3\)"),
        (2.5, TypeError, r"`truncation` must be an integer \(got 2.5 of type float\)"),
        ("10", TypeError, r"`truncation` must be an integer"),
    ],
)
def test_bptt_rejects_bad_truncation(truncation, error, message):
    with pytest.raises(error, match=message):
        bptt.rnn_bptt(BASE_PARAMS, BASE_XS, BASE_TARGETS, BASE_H0, truncation=truncation)


def test_bptt_rejects_an_empty_series():
    with pytest.raises(ValueError, match=r"`xs` must hold at least one step"):
        bptt.rnn_bptt(BASE_PARAMS, np.zeros((0, 2)), np.zeros((0, 3)), BASE_H0)


# --- finite differences and relative error ---------------------------------


def test_numerical_gradient_of_a_quadratic_and_params_untouched():
    params = {"a": np.array([[1.0, -2.0], [0.5, 3.0]]), "b": np.array(2.0)}
    before = {k: v.copy() for k, v in params.items()}
    grads = bptt.numerical_gradient(lambda p: float(np.sum(p["a"] ** 2) + 3 * p["b"]), params)
    np.testing.assert_allclose(grads["a"], 2 * params["a"], atol=1e-6)
    np.testing.assert_allclose(grads["b"], 3.0, atol=1e-6)
    for name in params:
        np.testing.assert_array_equal(params[name], before[name])


@pytest.mark.parametrize(
    ("loss_fn", "params", "eps", "error", "message"),
    [
        (None, {"a": np.ones(2)}, 1e-6, TypeError, r"`loss_fn` must be a function"),
        (lambda p: 0.0, {}, 1e-6, ValueError, r"`params` must hold at least one parameter \(got an empty dict\)"),
        (lambda p: 0.0, [np.ones(2)], 1e-6, TypeError, r"`params` must be a dict"),
        (lambda p: 0.0, {"a": np.ones(2)}, 0.0, ValueError, r"`eps` must be a positive number.*got eps=0.0"),
        (lambda p: 0.0, {"a": np.ones(2)}, -1e-6, ValueError, r"`eps` must be a positive number"),
    ],
)
def test_numerical_gradient_rejects_bad_arguments(loss_fn, params, eps, error, message):
    with pytest.raises(error, match=message):
        bptt.numerical_gradient(loss_fn, params, eps=eps)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1.0, 2.0], [1.0, 2.0], 0.0),
        ([0.0, 0.0], [0.0, 0.0], 0.0),
        ([1.0, 0.0], [-1.0, 0.0], 1.0),
        ([3.0], [1.0], 0.5),
        (np.ones((2, 2)), np.zeros((2, 2)), 1.0),
    ],
)
def test_relative_error_table(a, b, expected):
    assert bptt.relative_error(a, b) == pytest.approx(expected)


def test_relative_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"`a` and `b` must have the same shape \(got \(2,\) and \(3,\)\)"):
        bptt.relative_error(np.ones(2), np.ones(3))


# --- training on the palindrome (TensorFlow) ---------------------------------


SHORT = bptt.PalindromeConfig(window=5, steps=40, streams=4, warmup_steps=10, eval_steps=7)


@pytest.fixture(scope="module")
def short_run():
    return bptt.train_palindrome_rnn([0, 3], SHORT)


def test_train_palindrome_rnn_shapes(short_run):
    assert short_run.seeds == (0, 3)
    assert short_run.losses.shape == (40, 2)
    assert short_run.final_losses.shape == short_run.max_errors.shape == (2,)
    assert short_run.predictions.shape == (2, 7)
    truth = bptt.palindrome(np.arange(10, 17) + 1)
    np.testing.assert_allclose(short_run.max_errors, np.abs(short_run.predictions - truth).max(axis=1), atol=1e-6)
    np.testing.assert_allclose(short_run.final_losses, short_run.losses[-40:].mean(axis=0))
    assert 0.0 <= short_run.success_rate() <= 1.0


def test_train_palindrome_rnn_models_are_independent(short_run):
    alone = bptt.train_palindrome_rnn([3], SHORT)
    np.testing.assert_allclose(alone.losses[:, 0], short_run.losses[:, 1], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(alone.predictions[0], short_run.predictions[1], atol=1e-4)


def test_palindrome_config_defaults_are_the_chapters_design_and_frozen():
    config = bptt.PalindromeConfig()
    assert (config.window, config.steps, config.hidden_size, config.streams) == (10, 1500, 8, 10)
    assert (config.clip, config.clip_threshold, config.decay) == ("value", 4.0, True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.window = 3
    assert dataclasses.replace(config, streams=1).streams == 1


@pytest.mark.parametrize(
    ("seeds", "config", "error", "message"),
    [
        ([], None, ValueError, r"`seeds` must hold at least one seed"),
        (3, None, TypeError, r"`seeds` must be a list of integers"),
        ([0, -1], None, ValueError, r"`seeds\[1\]` must be >= 0"),
        ([0], {"window": 3}, TypeError, r"`config` must be a PalindromeConfig or None \(got dict\)"),
    ],
)
def test_train_palindrome_rnn_rejects_bad_arguments(seeds, config, error, message):
    with pytest.raises(error, match=message):
        bptt.train_palindrome_rnn(seeds, config)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"window": 0}, ValueError, r"`window` must be >= 1 \(got window=0\)"),
        ({"steps": 0}, ValueError, r"`steps` must be >= 1"),
        ({"learning_rate": 0.0}, ValueError, r"`learning_rate` must be a finite number > 0"),
        ({"noise": -0.1}, ValueError, r"`noise` must be a finite number >= 0"),
        ({"clip": "global"}, ValueError, r"`clip` must be one of \('value', 'norm', None\)"),
        ({"adam_beta_1": 1.0}, ValueError, r"`adam_beta_1` must be in \[0, 1\)"),
        ({"decay": 1}, TypeError, r"`decay` must be True or False"),
        ({"init_scale": "big"}, TypeError, r"`init_scale` must be a number"),
        ({"eval_steps": 0}, ValueError, r"`eval_steps` must be >= 1"),
    ],
)
def test_palindrome_config_rejects_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        bptt.PalindromeConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [{"clip": "norm", "clip_threshold": 1.0}, {"clip": None, "decay": False, "noise": 0.0, "window": 1}],
)
def test_train_palindrome_rnn_options_run_and_learn_something(kwargs):
    config = bptt.PalindromeConfig(**{"steps": 60, "streams": 3, "warmup_steps": 5, "eval_steps": 5, **kwargs})
    run = bptt.train_palindrome_rnn([1], config)
    assert np.all(np.isfinite(run.losses))
    assert run.losses[-10:].mean() < run.losses[:10].mean()
