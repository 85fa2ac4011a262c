import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import memory


@pytest.mark.parametrize(
    ("num_samples", "lag", "min_gap", "num_symbols", "num_distractors"),
    [
        (5, 3, None, 4, 4),
        (7, 0, None, 2, 1),     # no distractor: the symbol is the only step
        (9, 10, 0, 3, 2),       # gaps anywhere from 0 to 10
        (1, 4, 4, 2, 3),
    ],
)
def test_make_recall_data_places_one_symbol_among_distractors(num_samples, lag, min_gap, num_symbols, num_distractors):
    data = memory.make_recall_data(num_samples, lag=lag, min_gap=min_gap, num_symbols=num_symbols,
                                   num_distractors=num_distractors, seed=3)
    assert data.inputs.shape == (num_samples, lag + 1, num_symbols + num_distractors)
    assert data.inputs.dtype == np.float32 and len(data) == num_samples and data.lag == lag
    np.testing.assert_array_equal(data.inputs.sum(axis=-1), 1.0)               # one-hot
    tokens = data.inputs.argmax(axis=-1)
    is_symbol = tokens < num_symbols
    np.testing.assert_array_equal(is_symbol.sum(axis=1), 1)                    # exactly one symbol each
    position = is_symbol.argmax(axis=1)
    np.testing.assert_array_equal(lag - position, data.gaps)
    np.testing.assert_array_equal(tokens[np.arange(num_samples), position], data.targets)
    low = lag if min_gap is None else min_gap
    assert data.gaps.min() >= low and data.gaps.max() <= lag


def test_make_recall_data_is_reproducible_and_covers_every_symbol():
    a = memory.make_recall_data(400, lag=5, min_gap=0, seed=1)
    b = memory.make_recall_data(400, lag=5, min_gap=0, seed=1)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    assert set(a.targets.tolist()) == {0, 1, 2, 3}
    assert set(a.gaps.tolist()) == set(range(6))
    assert not np.array_equal(a.inputs, memory.make_recall_data(400, lag=5, min_gap=0, seed=2).inputs)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(num_samples=0, lag=3), ValueError, r"`num_samples` must be >= 1 \(got num_samples=0\)"),
        (dict(num_samples=2, lag=-1), ValueError, r"`lag` must be >= 0"),
        (dict(num_samples=2, lag=3, min_gap=4), ValueError, r"`min_gap` must be <= `lag` \(got min_gap=4, lag=3\)"),
        (dict(num_samples=2, lag=3, num_symbols=1), ValueError, r"`num_symbols` must be >= 2"),
        (dict(num_samples=2, lag=3, num_distractors=0), ValueError, r"`num_distractors` must be >= 1"),
        (dict(num_samples=2, lag=2.5), TypeError, r"`lag` must be an integer"),
    ],
)
def test_make_recall_data_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        memory.make_recall_data(seed=0, **kwargs)


def test_memory_config_defaults_and_chance():
    config = memory.MemoryConfig()
    assert config.cell_types == memory.CELL_TYPES == ("SimpleRNN", "GRU", "LSTM")
    assert config.chance_accuracy == 0.25
    assert memory.MemoryConfig(lags=[5, 7], num_symbols=5).lags == (5, 7)   # lists become tuples
    with pytest.raises(AttributeError):
        config.units = 3                                                     # frozen


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(cell_types=("RNN",)), ValueError, r"`cell_types` must hold distinct names.*unknown: \['RNN'\]"),
        (dict(cell_types=()), ValueError, r"`cell_types` must hold distinct names"),
        (dict(cell_types="LSTM"), TypeError, r"`cell_types` must be a sequence"),
        (dict(lags=()), ValueError, r"`lags` must hold at least one value"),
        (dict(lags=(5, 5)), ValueError, r"`lags` must not repeat a value"),
        (dict(seeds=(0, -1)), ValueError, r"`seeds\[1\]` must be >= 0"),
        (dict(units=0), ValueError, r"`units` must be >= 1"),
        (dict(epochs=1.5), TypeError, r"`epochs` must be an integer"),
        (dict(learning_rate=0.0), ValueError, r"`learning_rate` must be a finite number > 0"),
        (dict(clip_norm="1"), TypeError, r"`clip_norm` must be a number"),
    ],
)
def test_memory_config_rejects_bad_fields(kwargs, error, message):
    with pytest.raises(error, match=message):
        memory.MemoryConfig(**kwargs)


def _results(accuracy):
    config = memory.MemoryConfig(cell_types=("SimpleRNN", "LSTM"), lags=(2, 8), seeds=(0, 1))
    runs = tuple(memory.MemoryRun(cell, lag, seed, accuracy(cell, lag, seed), 0.5, 1.0)
                 for cell in config.cell_types for lag in config.lags for seed in config.seeds)
    return memory.MemoryResults(config=config, runs=runs)


def test_memory_results_tidy_accessors():
    results = _results(lambda cell, lag, seed: 1.0 if cell == "LSTM" or lag == 2 else 0.25 + 0.1 * seed)
    np.testing.assert_allclose(results.accuracies("SimpleRNN", 8), [0.25, 0.35])
    assert results.mean_accuracy("SimpleRNN", 8) == pytest.approx(0.30)
    assert results.table() == {"SimpleRNN": [1.0, pytest.approx(0.30)], "LSTM": [1.0, 1.0]}
    assert results.seconds == pytest.approx(8.0)
    with pytest.raises(ValueError, match=r"no run for cell_type='GRU' and lag=2"):
        results.accuracies("GRU", 2)


def test_plot_memory_results_draws_a_line_per_cell_and_the_chance_level():
    results = _results(lambda cell, lag, seed: 0.5)
    ax = memory.plot_memory_results(results, title="T", xlabel="lag", ylabel="acc", chance_label="chance")
    assert [line.get_label() for line in ax.get_lines()] == ["SimpleRNN", "LSTM", "chance"]
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [2, 8])
    assert ax.get_lines()[2].get_ydata()[0] == 0.25
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "lag", "acc")
    assert len(ax.collections) == 4                          # one scatter of seeds per cell and lag
    plt.close("all")


def test_plot_memory_results_rejects_bad_input():
    with pytest.raises(TypeError, match=r"`results` must be a MemoryResults \(got dict\)"):
        memory.plot_memory_results({}, title="", xlabel="", ylabel="", chance_label="")
    empty = memory.MemoryResults(config=memory.MemoryConfig(), runs=())
    with pytest.raises(ValueError, match=r"holds no run"):
        memory.plot_memory_results(empty, title="", xlabel="", ylabel="", chance_label="")


def test_run_memory_experiment_rejects_bad_arguments():
    with pytest.raises(TypeError, match=r"`config` must be a MemoryConfig \(got dict\)"):
        memory.run_memory_experiment({})
    with pytest.raises(TypeError, match=r"`progress` must be callable"):
        memory.run_memory_experiment(memory.MemoryConfig(), progress="print")


def test_build_recall_model_rejects_an_unknown_cell():
    with pytest.raises(ValueError, match=r"`cell_type` must be one of \('SimpleRNN', 'GRU', 'LSTM'\) \(got 'RNN'\)"):
        memory.build_recall_model("RNN", 3, memory.MemoryConfig())


def test_run_memory_experiment_trains_every_cell_lag_and_seed():
    pytest.importorskip("keras")
    config = memory.MemoryConfig(lags=(0, 2), seeds=(0, 1), units=4, train_samples=64, test_samples=32,
                                 batch_size=32, epochs=1)
    seen = []
    results = memory.run_memory_experiment(config, keep_models=True, progress=seen.append)
    assert [(r.cell_type, r.lag, r.seed) for r in results.runs] == [
        (cell, lag, seed) for cell in config.cell_types for lag in config.lags for seed in config.seeds]
    assert list(results.runs) == seen
    assert all(0.0 <= r.test_accuracy <= 1.0 and np.isfinite(r.test_loss) and r.seconds > 0 for r in results.runs)
    model = results.models[("GRU", 2, 1)]
    assert model.input_shape == (None, 3, 8) and model.output_shape == (None, 4)
    assert model.get_layer("gru").units == 4


def test_run_memory_experiment_learns_a_short_lag():
    pytest.importorskip("keras")
    config = memory.MemoryConfig(cell_types=("LSTM",), lags=(1,), seeds=(0,), units=8, train_samples=512,
                                 test_samples=128, epochs=4)
    results = memory.run_memory_experiment(config)
    assert results.mean_accuracy("LSTM", 1) > 0.9          # chance is 0.25


def test_run_memory_experiment_rejects_a_bad_store_or_name(tmp_path):
    from course_utils import store

    with pytest.raises(TypeError, match=r"`store` must be a course_utils.store.ResultsStore or None \(got str\)"):
        memory.run_memory_experiment(memory.MemoryConfig(), store=str(tmp_path))
    with pytest.raises(ValueError, match=r"`name` must be a non-empty string"):
        memory.run_memory_experiment(memory.MemoryConfig(), store=store.ResultsStore(tmp_path), name="a/b")


def test_run_memory_experiment_trains_once_then_loads_from_the_store(tmp_path, monkeypatch):
    keras = pytest.importorskip("keras")
    from course_utils import store

    config = memory.MemoryConfig(cell_types=("SimpleRNN", "LSTM"), lags=(0, 3), seeds=(0,), units=4,
                                 train_samples=64, test_samples=32, batch_size=32, epochs=2)
    messages, first_lines = [], []
    results_store = store.ResultsStore(tmp_path, retrain=False, log=messages.append)
    first = memory.run_memory_experiment(config, keep_models=True, progress=first_lines.append,
                                         store=results_store, name="test-memory")
    assert messages == []                                             # all trained, nothing loaded
    entries = sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert entries == ["test-memory-LSTM-lag0-seed0", "test-memory-LSTM-lag3-seed0",
                       "test-memory-SimpleRNN-lag0-seed0", "test-memory-SimpleRNN-lag3-seed0"]
    assert list(first.runs) == first_lines

    def no_training(*args, **kwargs):
        raise AssertionError("a stored model was trained again")

    monkeypatch.setattr(keras.Model, "fit", no_training)
    second_lines = []
    second = memory.run_memory_experiment(config, keep_models=True, progress=second_lines.append,
                                          store=results_store, name="test-memory")
    assert second == first and second_lines == first_lines            # same runs, same seconds, same log
    assert second.seconds == first.seconds
    assert set(second.models) == set(first.models)
    for key, model in first.models.items():
        for a, b in zip(model.get_weights(), second.models[key].get_weights()):
            np.testing.assert_array_equal(a, b)
    probe = memory.make_recall_data(8, lag=3, seed=9)
    np.testing.assert_allclose(second.models[("LSTM", 3, 0)].predict(probe.inputs, verbose=0),
                               first.models[("LSTM", 3, 0)].predict(probe.inputs, verbose=0), rtol=1e-6)
    assert len(messages) == 1 and "Loaded 4 of 4 models from the results store" in messages[0]

    # Another config is another key: that model trains (and fit, blocked above, is called).
    with pytest.raises(AssertionError, match="trained again"):
        memory.run_memory_experiment(dataclasses.replace(config, epochs=3), store=results_store, name="test-memory")


def test_run_memory_experiment_with_a_store_trains_as_without_one(tmp_path):
    pytest.importorskip("keras")
    from course_utils import store

    config = memory.MemoryConfig(cell_types=("GRU",), lags=(2,), seeds=(1,), units=4, train_samples=64,
                                 test_samples=32, batch_size=32, epochs=2)
    plain = memory.run_memory_experiment(config)
    stored = memory.run_memory_experiment(config, store=store.ResultsStore(tmp_path, log=lambda m: None))
    assert [value for r in stored.runs for value in (r.test_accuracy, r.test_loss)] == pytest.approx(
        [value for r in plain.runs for value in (r.test_accuracy, r.test_loss)], rel=1e-5)
