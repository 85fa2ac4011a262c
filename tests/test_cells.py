import numpy as np
import pytest

from course_utils import cells


@pytest.mark.parametrize(
    ("shape", "gates", "part_shape"),
    [
        ((3, 16), cells.LSTM_GATES, (3, 4)),      # LSTM kernel: 3 inputs, 4 units
        ((4, 16), cells.LSTM_GATES, (4, 4)),      # LSTM recurrent kernel
        ((16,), cells.LSTM_GATES, (4,)),          # LSTM bias
        ((2, 9), cells.GRU_GATES, (2, 3)),        # GRU bias with reset_after=True
        ((1, 4), cells.LSTM_GATES, (1, 1)),       # one unit
        ((0, 8), cells.LSTM_GATES, (0, 2)),       # no input features: still splits
        ((5,), ("only",), (5,)),                  # a single gate
    ],
)
def test_split_gates_shapes_and_round_trip(shape, gates, part_shape):
    weights = np.arange(int(np.prod(shape)), dtype=float).reshape(shape)
    parts = cells.split_gates(weights, gates)
    assert list(parts) == list(gates)
    assert all(part.shape == part_shape for part in parts.values())
    np.testing.assert_array_equal(cells.join_gates(parts, gates), weights)


def test_split_gates_follows_keras_order_for_an_lstm_bias():
    units = 2
    bias = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0])  # Keras unit_forget_bias layout
    parts = cells.split_gates(bias, cells.LSTM_GATES)
    np.testing.assert_array_equal(parts["f"], np.ones(units))
    assert all(not parts[g].any() for g in ("i", "c", "o"))


def test_split_gates_returns_copies():
    weights = np.zeros((2, 8))
    cells.split_gates(weights, cells.LSTM_GATES)["f"][:] = 5.0
    assert not weights.any()


def test_split_gates_accepts_lists():
    parts = cells.split_gates([[1, 2, 3]], cells.GRU_GATES)
    assert parts["r"].tolist() == [[2]]


def test_keras_gate_orders():
    assert cells.LSTM_GATES == ("i", "f", "c", "o")
    assert cells.GRU_GATES == ("z", "r", "h")


@pytest.mark.parametrize(
    ("weights", "gates", "error", "message"),
    [
        (np.zeros((3, 10)), cells.LSTM_GATES, ValueError, r"split into 4 equal non-empty blocks.*got shape \(3, 10\)"),
        (np.zeros((3, 0)), cells.LSTM_GATES, ValueError, r"last axis 0"),
        (np.float64(1.0), cells.LSTM_GATES, ValueError, r"at least one axis.*got a scalar"),
        (np.zeros(8), (), ValueError, r"at least one gate"),
        (np.zeros(8), ("i", "i"), ValueError, r"unique.*repeated: \['i'\]"),
        (np.zeros(8), "ifco", TypeError, r"sequence of gate names"),
        (np.zeros(8), ("i", 2), TypeError, r"must be a string"),
    ],
)
def test_split_gates_rejects_bad_input(weights, gates, error, message):
    with pytest.raises(error, match=message):
        cells.split_gates(weights, gates)


@pytest.mark.parametrize(
    ("parts", "error", "message"),
    [
        ({"z": [1.0], "r": [2.0]}, ValueError, r"missing: \['h'\]"),
        ({"z": [1.0], "r": [2.0], "h": [3.0], "x": [4.0]}, ValueError, r"unknown: \['x'\]"),
        ({"z": [1.0], "r": [2.0, 3.0], "h": [3.0]}, ValueError, r"one common shape"),
        ({"z": 1.0, "r": 2.0, "h": 3.0}, ValueError, r"at least one axis"),
        ([[1.0], [2.0], [3.0]], TypeError, r"must be a mapping"),
    ],
)
def test_join_gates_rejects_bad_input(parts, error, message):
    with pytest.raises(error, match=message):
        cells.join_gates(parts, cells.GRU_GATES)


def test_join_gates_uses_the_order_of_gates_not_of_the_mapping():
    joined = cells.join_gates({"h": [3.0], "z": [1.0], "r": [2.0]}, cells.GRU_GATES)
    np.testing.assert_array_equal(joined, [1.0, 2.0, 3.0])


def test_split_gates_matches_a_keras_lstm_cell():
    keras = pytest.importorskip("keras")
    cell = keras.layers.LSTMCell(3)
    cell.build((None, 2))
    kernel = cells.split_gates(cell.kernel.numpy(), cells.LSTM_GATES)
    np.testing.assert_array_equal(kernel["f"], cell.kernel.numpy()[:, 3:6])
    bias = cells.split_gates(cell.bias.numpy(), cells.LSTM_GATES)
    np.testing.assert_array_equal(bias["f"], np.ones(3))   # unit_forget_bias=True


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("reset_after", [True, False])
def test_split_gates_lets_a_numpy_gru_step_match_keras(reset_after):
    keras = pytest.importorskip("keras")
    cell = keras.layers.GRUCell(3, reset_after=reset_after)
    cell.build((None, 2))
    rng = np.random.default_rng(0)
    cell.bias.assign(rng.normal(size=cell.bias.shape).astype("float32"))     # Keras starts it at zero
    x, h = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=(4, 3)).astype("float32")
    W = cells.split_gates(cell.kernel.numpy(), cells.GRU_GATES)
    U = cells.split_gates(cell.recurrent_kernel.numpy(), cells.GRU_GATES)
    B = cells.split_gates(cell.bias.numpy(), cells.GRU_GATES)
    if reset_after:                                  # bias (2, 3n): row 0 input side, row 1 recurrent side
        b_in, b_rec = {g: B[g][0] for g in B}, {g: B[g][1] for g in B}
    else:                                            # bias (3n,): one vector per gate
        b_in, b_rec = B, {g: np.zeros(3) for g in B}
    z = _sigmoid(x @ W["z"] + b_in["z"] + h @ U["z"] + b_rec["z"])
    r = _sigmoid(x @ W["r"] + b_in["r"] + h @ U["r"] + b_rec["r"])
    if reset_after:
        candidate = np.tanh(x @ W["h"] + b_in["h"] + r * (h @ U["h"] + b_rec["h"]))
    else:
        candidate = np.tanh(x @ W["h"] + b_in["h"] + (r * h) @ U["h"])
    expected = z * h + (1 - z) * candidate
    np.testing.assert_allclose(cell(x, [h])[0], expected, rtol=1e-5, atol=1e-6)
    assert cell.bias.shape == ((2, 9) if reset_after else (9,))
