import numpy as np
import pytest

from course_utils import sequences


def _integers(data, i):
    return np.round(data.values[i, : data.lengths[i], 0] * 1000).astype(int)


def test_toy_sequences_shapes_and_types():
    data = sequences.make_toy_sequences(50, min_len=3, max_len=9, seed=0)
    assert data.values.shape == (50, 9, 1) and data.values.dtype == np.float32
    assert data.lengths.shape == (50,) and data.lengths.dtype == np.int32
    assert data.labels.shape == (50,) and set(np.unique(data.labels)) <= {0, 1}
    assert len(data) == 50


def test_toy_sequences_lengths_in_range_and_padding_after_them():
    data = sequences.make_toy_sequences(300, min_len=4, max_len=12, pad_value=-2.0, seed=1)
    assert data.lengths.min() >= 4 and data.lengths.max() <= 12
    steps = np.arange(12)[None, :]
    real = steps < data.lengths[:, None]
    assert np.all(data.values[..., 0][~real] == -2.0)
    assert np.all((data.values[..., 0][real] >= 0.0) & (data.values[..., 0][real] < 1.0))


def test_toy_sequences_classes_follow_their_definition():
    data = sequences.make_toy_sequences(400, seed=2)
    for i in range(len(data)):
        diffs = np.diff(_integers(data, i))
        if data.labels[i] == sequences.LINEAR:
            assert np.all(diffs == 1)
    random_rows = [i for i in range(len(data)) if data.labels[i] == sequences.RANDOM]
    # A random sequence of 3+ integers below 1000 is consecutive with probability ~1e-6.
    assert all(not np.all(np.diff(_integers(data, i)) == 1) for i in random_rows)
    assert 0.4 < data.labels.mean() < 0.6


def test_toy_sequences_are_reproducible_and_seed_dependent():
    a = sequences.make_toy_sequences(20, seed=5)
    b = sequences.make_toy_sequences(20, seed=5)
    c = sequences.make_toy_sequences(20, seed=6)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.values, c.values)


def test_toy_sequences_fixed_length():
    data = sequences.make_toy_sequences(10, min_len=5, max_len=5, max_value=5, seed=0)
    assert np.all(data.lengths == 5)
    linear = data.labels == sequences.LINEAR
    np.testing.assert_allclose(data.values[linear, :, 0], np.tile(np.arange(5) / 5, (linear.sum(), 1)))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"num_samples": 0}, ValueError, r"`num_samples` must be >= 1 \(got num_samples=0\)"),
        ({"num_samples": 2.5}, TypeError, r"`num_samples` must be an integer"),
        ({"num_samples": True}, TypeError, r"`num_samples` must be an integer"),
        ({"min_len": 0}, ValueError, r"`min_len` must be >= 1"),
        ({"min_len": 8, "max_len": 5}, ValueError, r"`max_len` must be >= `min_len` \(got max_len=5, min_len=8\)"),
        ({"max_value": 10, "max_len": 20}, ValueError, r"`max_value` must be >= `max_len`"),
        ({"pad_value": 0.0}, ValueError, r"outside the data range \[0, 1\) \(got pad_value=0.0\)"),
        ({"pad_value": 0.5}, ValueError, r"pad_value=0.5"),
        ({"pad_value": float("nan")}, ValueError, r"finite"),
    ],
)
def test_toy_sequences_reject_bad_arguments(kwargs, error, message):
    arguments = {"num_samples": 10, "seed": 0, **kwargs}
    with pytest.raises(error, match=message):
        sequences.make_toy_sequences(**arguments)


def test_pad_batch_pads_at_the_end_and_keeps_everything():
    values, lengths = sequences.pad_batch([[0.1, 0.2, 0.3], [0.4], [0.5, 0.6]], max_len=4, pad_value=-1.0)
    assert values.shape == (3, 4, 1) and values.dtype == np.float32
    np.testing.assert_array_equal(lengths, [3, 1, 2])
    np.testing.assert_allclose(
        values[:, :, 0],
        [[0.1, 0.2, 0.3, -1.0], [0.4, -1.0, -1.0, -1.0], [0.5, 0.6, -1.0, -1.0]],
        rtol=1e-6,
    )


def test_pad_batch_accepts_exact_length():
    values, lengths = sequences.pad_batch([[1.0, 2.0]], max_len=2)
    np.testing.assert_array_equal(values[0, :, 0], [1.0, 2.0])
    assert lengths.tolist() == [2]


@pytest.mark.parametrize(
    ("batch", "max_len", "message"),
    [
        ([], 3, r"at least one sequence \(got an empty batch\)"),
        ([[0.1], []], 3, r"`sequences\[1\]` is empty"),
        ([[0.1], [0.1, 0.2, 0.3, 0.4]], 3, r"`sequences\[1\]` has length 4, beyond the padded size max_len=3"),
        ([[0.1]], 0, r"`max_len` must be >= 1"),
    ],
)
def test_pad_batch_rejects_bad_input(batch, max_len, message):
    with pytest.raises(ValueError, match=message):
        sequences.pad_batch(batch, max_len)


def test_make_dataset_batches_every_example_once():
    features = np.arange(10, dtype=np.float32).reshape(10, 1, 1)
    labels = np.arange(10)
    batches = list(sequences.make_dataset(features, labels, batch_size=4))
    assert [int(x.shape[0]) for x, _ in batches] == [4, 4, 2]
    seen = np.concatenate([y.numpy() for _, y in batches])
    np.testing.assert_array_equal(seen, labels)


def test_make_dataset_shuffles_reproducibly_and_keeps_pairs():
    features = np.arange(32, dtype=np.float32).reshape(32, 1, 1)
    labels = np.arange(32)
    first = [(x.numpy(), y.numpy()) for x, y in sequences.make_dataset(features, labels, 32, shuffle_seed=3)]
    second = [(x.numpy(), y.numpy()) for x, y in sequences.make_dataset(features, labels, 32, shuffle_seed=3)]
    x, y = first[0]
    np.testing.assert_array_equal(x[:, 0, 0], y)  # each feature still sits with its label
    assert not np.array_equal(y, labels)  # the order changed
    assert sorted(y.tolist()) == labels.tolist()  # nothing lost
    np.testing.assert_array_equal(y, second[0][1])


@pytest.mark.parametrize(
    ("features", "labels", "batch_size", "message"),
    [
        (np.zeros((0, 3, 1)), np.zeros(0), 4, r"`features` must hold at least one example"),
        (np.zeros((5, 3, 1)), np.zeros(4), 4, r"same number of examples \(got 5 features"),
        (np.zeros((5, 3, 1)), np.zeros(5), 0, r"`batch_size` must be >= 1"),
    ],
)
def test_make_dataset_rejects_bad_input(features, labels, batch_size, message):
    with pytest.raises(ValueError, match=message):
        sequences.make_dataset(features, labels, batch_size)


def test_accuracy_by_length_groups_and_counts():
    lengths = np.array([3, 5, 3, 5, 5, 9])
    labels = np.array([0, 1, 1, 0, 1, 1])
    predictions = np.array([0, 1, 0, 1, 1, 0])
    unique, accuracy, count = sequences.accuracy_by_length(lengths, labels, predictions)
    np.testing.assert_array_equal(unique, [3, 5, 9])
    np.testing.assert_allclose(accuracy, [0.5, 2 / 3, 0.0])
    np.testing.assert_array_equal(count, [2, 3, 1])


@pytest.mark.parametrize(
    ("lengths", "labels", "predictions", "message"),
    [
        ([], [], [], r"`lengths` must be a non-empty 1-D array"),
        ([3, 4], [0], [0, 1], r"same size"),
        ([[3, 4]], [[0, 1]], [[0, 1]], r"1-D"),
    ],
)
def test_accuracy_by_length_rejects_bad_input(lengths, labels, predictions, message):
    with pytest.raises(ValueError, match=message):
        sequences.accuracy_by_length(np.array(lengths), np.array(labels), np.array(predictions))


def test_pad_batch_agrees_with_keras_pad_sequences_padding_post():
    keras = pytest.importorskip("keras")
    batch = [[0.1, 0.2, 0.3], [0.4], [0.5, 0.6]]
    values, _ = sequences.pad_batch(batch, max_len=4, pad_value=-1.0)
    expected = keras.utils.pad_sequences(batch, maxlen=4, padding="post", dtype="float32", value=-1.0)
    np.testing.assert_array_equal(values[:, :, 0], expected)
    assert not hasattr(sequences, "pad_sequences")      # no name that shadows Keras's with other defaults
