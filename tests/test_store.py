import json
import os
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest

from course_utils import lm, ptb, store


def _build():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dense")], name="tiny")


def _train_counter():
    calls = []

    def train_fn(model, checkpoint):
        calls.append(1)
        model.get_layer("dense").kernel.assign(np.full((3, 2), 0.5 + len(calls), dtype="float32"))
        return {"loss": [1.0, 0.5], "run": len(calls)}

    return train_fn, calls


def _entry(results: store.ResultsStore) -> Path:
    (entry,) = [p for p in results.directory.iterdir() if not p.name.startswith(".")]
    return entry


def test_miss_then_hit_loads_weights_and_history_and_says_so(tmp_path):
    said = []
    results = store.ResultsStore(tmp_path, retrain=False, log=said.append)
    train_fn, calls = _train_counter()
    first = results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert not first.loaded and calls == [1] and first.history == {"loss": [1.0, 0.5], "run": 1}
    second = results.train_or_load("tiny", {"seed": 0}, _build, train_fn, describe=lambda h: said.append(h["loss"]))
    assert second.loaded and calls == [1] and second.history == first.history
    np.testing.assert_array_equal(second.model.get_layer("dense").kernel.numpy(), np.full((3, 2), 1.5))
    assert said[0] == [1.0, 0.5]
    assert "Loaded from the results store" in said[1] and "COURSE_RETRAIN=1" in said[1] and first.folder.name in said[1]
    assert str(tmp_path) not in said[1]  # no local path in a published page


def test_other_key_parts_are_a_miss(tmp_path):
    results = store.ResultsStore(tmp_path, retrain=False)
    train_fn, calls = _train_counter()
    results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    results.train_or_load("tiny", {"seed": 1}, _build, train_fn)
    assert len(calls) == 2 and len([p for p in tmp_path.iterdir()]) == 2


def test_a_version_change_gives_another_key(tmp_path, monkeypatch):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    train_fn, calls = _train_counter()
    before = results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    real = store.versions()
    monkeypatch.setattr(store, "versions", lambda: {**real, "tensorflow": "9.9.9"})
    after = results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert after.key != before.key and not after.loaded and len(calls) == 2


def _corrupt_truncate(entry: Path) -> None:
    data = (entry / "model.npz").read_bytes()
    (entry / "model.npz").write_bytes(data[: len(data) // 2])


def _corrupt_manifest_checksum(entry: Path) -> None:
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["files"]["history.json"]["sha256"] = "0" * 64
    (entry / "manifest.json").write_text(json.dumps(manifest))


def _corrupt_manifest_key(entry: Path) -> None:
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["key_parts"]["seed"] = 7  # an entry of another training under this name
    (entry / "manifest.json").write_text(json.dumps(manifest))


def _corrupt_history(entry: Path) -> None:
    (entry / "history.json").write_text('{"loss": [0.0]}')


def _remove_manifest(entry: Path) -> None:
    (entry / "manifest.json").unlink()


def _garble_manifest(entry: Path) -> None:
    (entry / "manifest.json").write_text("{not json")


@pytest.mark.parametrize("corrupt", [_corrupt_truncate, _corrupt_manifest_checksum, _corrupt_manifest_key,
                                     _corrupt_history, _remove_manifest, _garble_manifest])
def test_a_corrupt_entry_is_never_used_but_retrained_with_a_warning(tmp_path, corrupt):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    train_fn, calls = _train_counter()
    results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    corrupt(_entry(results))
    with pytest.warns(store.StoreWarning, match="cannot be used .* it is trained again"):
        again = results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert not again.loaded and again.history["run"] == 2 and len(calls) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new entry is sound
        assert results.train_or_load("tiny", {"seed": 0}, _build, train_fn).loaded


def test_weights_that_do_not_fit_the_model_are_a_mismatch(tmp_path):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    train_fn, _ = _train_counter()
    results.train_or_load("tiny", {"seed": 0}, _build, train_fn)

    def other_shape():
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="dense")])

    with pytest.warns(store.StoreWarning, match="has shape"):
        again = results.train_or_load("tiny", {"seed": 0}, other_shape, lambda model, checkpoint: {})
    assert not again.loaded


def test_a_failure_mid_write_leaves_no_usable_entry(tmp_path, monkeypatch):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    train_fn, calls = _train_counter()
    real_save = store._save_arrays

    def crash_after_writing(path, variables):
        real_save(path, variables)
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(store, "_save_arrays", crash_after_writing)
    with pytest.raises(KeyboardInterrupt):
        results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert list(tmp_path.iterdir()) == []  # neither the entry nor its temporary folder
    monkeypatch.setattr(store, "_save_arrays", real_save)
    again = results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert not again.loaded and len(calls) == 2


def test_retrain_replaces_the_entry(tmp_path, monkeypatch):
    train_fn, calls = _train_counter()
    store.ResultsStore(tmp_path, retrain=False).train_or_load("tiny", {"seed": 0}, _build, train_fn)
    monkeypatch.setenv("COURSE_RETRAIN", "1")
    again = store.ResultsStore(tmp_path).train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert not again.loaded and len(calls) == 2
    monkeypatch.setenv("COURSE_RETRAIN", "0")
    loaded = store.ResultsStore(tmp_path, log=lambda _: None).train_or_load("tiny", {"seed": 0}, _build, train_fn)
    assert loaded.loaded and loaded.history["run"] == 2
    assert len(list(tmp_path.iterdir())) == 1


def test_location_and_switches_from_the_environment(tmp_path):
    assert store.default_directory({"COURSE_STORE_DIR": str(tmp_path)}) == tmp_path
    assert store.default_directory({}) == Path("~/.cache/course_utils/store").expanduser()
    assert store.retrain_requested({"COURSE_RETRAIN": "yes"}) and not store.retrain_requested({})
    with pytest.raises(ValueError, match=r"`COURSE_RETRAIN` must be one of .*got COURSE_RETRAIN='ture'"):
        store.retrain_requested({"COURSE_RETRAIN": "ture"})


def test_keys_are_canonical_and_include_the_versions(tmp_path):
    assert store.entry_key({"a": 1, "b": [1, 2]}) == store.entry_key({"b": [1, 2], "a": 1})
    assert store.entry_key({"a": 1}) != store.entry_key({"a": 2})
    parts = store.ResultsStore(tmp_path, retrain=False).full_key_parts({"seed": 0})
    assert set(parts["versions"]) >= {"course_utils", "tensorflow", "keras"}
    assert store.fingerprint(np.zeros(3, "float32")) != store.fingerprint(np.zeros(3, "float64"))
    assert store.fingerprint(np.zeros((2, 3))) != store.fingerprint(np.zeros((3, 2)))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda r: r.train_or_load("../x", {}, _build, _build), ValueError, "`name` must be a non-empty string"),
    (lambda r: r.train_or_load("x", {"f": object()}, _build, _build), TypeError, "`key_parts` must hold only JSON"),
    (lambda r: r.train_or_load("x", [1], _build, _build), TypeError, "`key_parts` must be a mapping"),
    (lambda r: r.train_or_load("x", {}, None, _build), TypeError, "`build_fn` must be callable"),
    (lambda r: r.fit(_build(), np.zeros((2, 3)), np.zeros(2), epochs=1, batch_size=1), TypeError,
     "`model` must be a compiled keras.Model"),
    (lambda r: store.ResultsStore(3), TypeError, "`directory` must be a path"),
    (lambda r: store.fingerprint(), ValueError, "needs at least one array"),
])
def test_errors_say_what_is_wrong(tmp_path, call, error, message):
    with pytest.raises(error, match=message):
        call(store.ResultsStore(tmp_path, retrain=False))


# --- resume: 3 epochs straight equals 2 + resume 1 ------------------------------------------------------

class _Interrupt(Exception):
    pass


def _tiny_corpus() -> ptb.Corpus:
    words = "a b c d e f g h i j".split()
    tokens = [words[(i * 3) % 7] for i in range(300)]
    vocab = ptb.build_vocabulary(tokens + words + ["<eos>"], max_size=12)
    ids = ptb.encode(tokens, vocab)
    return ptb.Corpus(vocab=vocab, train=ids[:200], valid=ids[200:260], test=ids[260:])


def test_lm_training_resumes_after_an_interruption_with_the_same_result(tmp_path):
    config = lm.LMConfig(vocab_size=12, embedding_dim=4, lstm_units=(5, 4), batch_size=2, num_steps=3, epochs=3,
                         eval_batch_size=2, dropout=0.3, tie_embeddings=True, learning_rate=0.5, decay_after=1)
    corpus = _tiny_corpus()
    straight = lm.train(config, corpus, seed=5, store=store.ResultsStore(tmp_path / "a", retrain=False), log=lambda _: None)

    def stop_after_two(line):
        if line.startswith("epoch  2"):
            raise _Interrupt
    resumed_store = store.ResultsStore(tmp_path / "b", retrain=False, log=lambda _: None)
    with pytest.raises(_Interrupt):
        lm.train(config, corpus, seed=5, store=resumed_store, log=stop_after_two)
    assert [p.name.endswith(".partial") for p in (tmp_path / "b").iterdir()] == [True]
    lines = []
    resumed = lm.train(config, corpus, seed=5, store=resumed_store, log=lines.append)
    assert lines[0].startswith("epoch  1") and lines[1].startswith("epoch  2") and "Resumed after epoch 2" in lines[2]
    assert [line[:8] for line in lines[3:]] == ["epoch  3", "test ppl"]
    for a, b in zip(straight.model.variables, resumed.model.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    assert resumed.valid_perplexity == straight.valid_perplexity
    assert resumed.test_perplexity == straight.test_perplexity
    assert not any(p.name.endswith(".partial") for p in (tmp_path / "b").iterdir())  # the checkpoint is gone
    # and the stored result loads back with the same numbers, in a new model
    again = lm.train(config, corpus, seed=5, store=resumed_store, log=lines.append)
    assert again.test_perplexity == straight.test_perplexity and again.model is not resumed.model
    for a, b in zip(straight.model.variables, again.model.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def _classifier(seed=0, epochs=3, steps=4):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((6, 5)),
        keras.layers.Reshape((6, 5, 1)),
        keras.layers.RandomTranslation(0.2, 0.2, fill_mode="constant", interpolation="nearest", seed=seed),
        keras.layers.Reshape((6, 5)),
        keras.layers.Bidirectional(keras.layers.LSTM(4)),
        keras.layers.Dropout(0.2, seed=seed),
        keras.layers.Dense(3),
    ], name="small_bilstm")
    schedule = keras.optimizers.schedules.CosineDecay(0.01, decay_steps=epochs * steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule, global_clipnorm=1.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def test_keras_fit_resumes_after_an_interruption_with_the_same_result(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 6, 5), dtype=np.float32), rng.integers(0, 3, 32)
    valid = (x[:8], y[:8])
    straight_model = _classifier()
    straight = store.ResultsStore(tmp_path / "a", retrain=False).fit(
        straight_model, x, y, epochs=3, batch_size=8, validation_data=valid, seed=1, show_progress=False)

    class StopBeforeThird(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise _Interrupt

    resumed_store = store.ResultsStore(tmp_path / "b", retrain=False, log=lambda _: None)
    with pytest.raises(_Interrupt):
        resumed_store.fit(_classifier(), x, y, epochs=3, batch_size=8, validation_data=valid, seed=1,
                          callbacks=[StopBeforeThird()], show_progress=False)
    resumed_model = _classifier()  # a fresh kernel: everything rebuilt
    resumed = resumed_store.fit(resumed_model, x, y, epochs=3, batch_size=8, validation_data=valid, seed=1,
                                show_progress=False)
    assert not resumed.loaded and len(resumed.epoch_seconds) == 3
    for a, b in zip(straight_model.variables, resumed_model.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for a, b in zip(straight_model.optimizer.variables, resumed_model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    assert resumed.history == straight.history
    loaded_model = _classifier()
    loaded = resumed_store.fit(loaded_model, x, y, epochs=3, batch_size=8, validation_data=valid, seed=1,
                               show_progress=False)
    assert loaded.loaded and loaded.history == straight.history and loaded.seconds == resumed.seconds
    np.testing.assert_array_equal(loaded_model.predict(x, verbose=0), straight_model.predict(x, verbose=0))
    other = _classifier(seed=3)  # other initial weights: another training
    assert not resumed_store.fit(other, x, y, epochs=3, batch_size=8, seed=1, show_progress=False).loaded


def test_a_corrupt_checkpoint_restarts_the_training_with_a_warning(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 6, 5), dtype=np.float32), rng.integers(0, 3, 16)

    class StopBeforeSecond(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise _Interrupt

    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    with pytest.raises(_Interrupt):
        results.fit(_classifier(epochs=2, steps=2), x, y, epochs=2, batch_size=8, seed=1,
                    callbacks=[StopBeforeSecond()], show_progress=False)
    (partial,) = tmp_path.iterdir()
    (partial / "optimizer.npz").write_bytes(b"garbage")
    with pytest.warns(store.StoreWarning, match="checkpoint .* cannot be used .* training starts over"):
        fitted = results.fit(_classifier(epochs=2, steps=2), x, y, epochs=2, batch_size=8, seed=1,
                             show_progress=False)
    assert len(fitted.history["loss"]) == 2


def test_fit_called_again_on_the_same_model_resumes_or_loads_instead_of_training_on(tmp_path):
    # In a notebook the reader may interrupt the training cell and run it again, with the
    # model object of the earlier cell: the store must resume that training, not start another.
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 6, 5), dtype=np.float32), rng.integers(0, 3, 16)
    straight_model = _classifier(epochs=3, steps=2)
    store.ResultsStore(tmp_path / "a", retrain=False).fit(straight_model, x, y, epochs=3, batch_size=8, seed=1,
                                                          show_progress=False)

    class StopBeforeThird(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise _Interrupt

    results = store.ResultsStore(tmp_path / "b", retrain=False, log=lambda _: None)
    model = _classifier(epochs=3, steps=2)
    with pytest.raises(_Interrupt):
        results.fit(model, x, y, epochs=3, batch_size=8, seed=1, callbacks=[StopBeforeThird()], show_progress=False)
    first = results.fit(model, x, y, epochs=3, batch_size=8, seed=1, show_progress=False)
    again = results.fit(model, x, y, epochs=3, batch_size=8, seed=1, show_progress=False)
    assert not first.loaded and again.loaded and again.key == first.key
    for a, b in zip(straight_model.variables, model.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


def test_an_edit_of_the_training_code_is_a_miss(tmp_path, monkeypatch):
    config = lm.LMConfig(vocab_size=12, embedding_dim=4, lstm_units=(5,), batch_size=2, num_steps=3, epochs=1,
                         eval_batch_size=2)
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    lm.train(config, _tiny_corpus(), store=results, verbose=False)
    assert lm.train(config, _tiny_corpus(), store=results, verbose=False).model is not None
    assert len(list(tmp_path.iterdir())) == 1
    monkeypatch.setattr(lm, "_SOURCE_FINGERPRINT", "edited")
    lm.train(config, _tiny_corpus(), store=results, verbose=False)
    assert len(list(tmp_path.iterdir())) == 2


def test_two_processes_storing_the_same_training_do_not_fail(tmp_path, monkeypatch):
    # Test workers (or two languages' notebooks) may finish the same training at once.
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    train_fn, calls = _train_counter()
    real_replace = store.os.replace

    raced = []

    def other_process_finishes_first(source, target):
        target = Path(target)
        if Path(source).name.startswith(".tmp-") and target.parent == tmp_path and not raced:
            raced.append(target)
            other = store.ResultsStore(tmp_path / "other", retrain=False)
            done = other.train_or_load("tiny", {"seed": 0}, _build, train_fn)
            real_replace(done.folder, target)  # the other process's entry lands first
        return real_replace(source, target)

    monkeypatch.setattr(store.os, "replace", other_process_finishes_first)
    stored = results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    monkeypatch.setattr(store.os, "replace", real_replace)
    assert not stored.loaded and len(calls) == 2
    assert results.train_or_load("tiny", {"seed": 0}, _build, train_fn).loaded
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


# --- compute_or_load: studies that keep arrays, not one model (chapter 3) ---

def _computer():
    calls = []

    def compute():
        calls.append(1)
        return {"losses": np.arange(6.0).reshape(3, 2) * len(calls), "seeds": np.array([1, 2])}, {"seconds": 1.5}

    return compute, calls


def test_compute_or_load_miss_then_hit_in_one_short_line(tmp_path):
    said = []
    results = store.ResultsStore(tmp_path, retrain=False, log=said.append)
    compute, calls = _computer()
    first = results.compute_or_load("study", {"seed": 0}, compute)
    assert not first.loaded and calls == [1] and said == []
    second = results.compute_or_load("study", {"seed": 0}, compute)
    assert second.loaded and calls == [1] and second.key == first.key and second.info == {"seconds": 1.5}
    assert sorted(second.arrays) == ["losses", "seeds"] and second.arrays["seeds"].dtype == np.array([1]).dtype
    np.testing.assert_array_equal(second.arrays["losses"], first.arrays["losses"])
    assert len(said) == 1 and said[0].startswith("study: loaded from the results store") and "COURSE_RETRAIN=1" in said[0]
    assert str(tmp_path) not in said[0]
    results.compute_or_load("study", {"seed": 1}, compute)  # other key parts: a miss
    assert len(calls) == 2


def _truncate_arrays(entry: Path) -> None:
    data = (entry / "arrays.npz").read_bytes()
    (entry / "arrays.npz").write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("corrupt", [_truncate_arrays, _remove_manifest, _garble_manifest, _corrupt_manifest_key])
def test_compute_or_load_never_uses_a_corrupt_entry(tmp_path, corrupt):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    compute, calls = _computer()
    results.compute_or_load("study", {"seed": 0}, compute)
    corrupt(_entry(results))
    with pytest.warns(store.StoreWarning, match="cannot be used"):
        again = results.compute_or_load("study", {"seed": 0}, compute)
    assert not again.loaded and len(calls) == 2
    np.testing.assert_array_equal(again.arrays["losses"], np.arange(6.0).reshape(3, 2) * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert results.compute_or_load("study", {"seed": 0}, compute).loaded


def test_compute_or_load_retrain_and_version_change(tmp_path, monkeypatch):
    compute, calls = _computer()
    store.ResultsStore(tmp_path, retrain=False, log=lambda _: None).compute_or_load("study", {"seed": 0}, compute)
    again = store.ResultsStore(tmp_path, retrain=True, log=lambda _: None).compute_or_load("study", {"seed": 0}, compute)
    assert not again.loaded and len(calls) == 2 and len(list(tmp_path.iterdir())) == 1  # replaced, not added
    real = store.versions()
    monkeypatch.setattr(store, "versions", lambda: {**real, "tensorflow": "0.0"})
    other = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None).compute_or_load("study", {"seed": 0}, compute)
    assert not other.loaded and other.key != again.key and len(calls) == 3


@pytest.mark.parametrize("result, message", [
    ([1, 2], "must return a pair"),
    (({"losses": np.zeros(2)}, "not a mapping"), "must return a pair"),
    (({"bad name": np.zeros(2)}, {}), "identifiers to numeric arrays"),
    (({"objects": np.array([object()])}, {}), "identifiers to numeric arrays"),
    (({"losses": np.zeros(2)}, {"seconds": object()}), "info must hold only JSON values"),
])
def test_compute_or_load_says_what_a_bad_result_is(tmp_path, result, message):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda _: None)
    with pytest.raises(TypeError, match=message):
        results.compute_or_load("study", {"seed": 0}, lambda: result)
    assert [p for p in tmp_path.iterdir() if not p.name.startswith(".")] == []  # nothing half-written
    with pytest.raises(TypeError, match="callable"):
        results.compute_or_load("study", {"seed": 0}, "not a function")
    with pytest.raises(ValueError, match="name"):
        results.compute_or_load("../study", {"seed": 0}, lambda: ({}, {}))


def test_a_stored_palindrome_study_equals_the_study_run_now(tmp_path):
    from course_utils import bptt

    config = bptt.PalindromeConfig(steps=30, warmup_steps=5, eval_steps=5)
    said = []
    results = store.ResultsStore(tmp_path, retrain=False, log=said.append)
    plain = bptt.train_palindrome_rnn([0, 1], config)
    first = bptt.train_palindrome_rnn([0, 1], config, store=results, name="ch03-test")
    loaded = bptt.train_palindrome_rnn([0, 1], config, store=results, name="ch03-test")
    assert said and said[-1].startswith("ch03-test: loaded")
    for run in (first, loaded):
        assert run.seeds == plain.seeds
        for field in ("losses", "final_losses", "max_errors", "predictions"):
            np.testing.assert_allclose(getattr(run, field), getattr(plain, field), rtol=1e-6)
    assert loaded.seconds == pytest.approx(first.seconds)
    other = bptt.train_palindrome_rnn([0, 1], bptt.PalindromeConfig(steps=31, warmup_steps=5, eval_steps=5),
                                      store=results, name="ch03-test")
    assert other.losses.shape == (31, 2)  # another config is a miss, not the stored study
    with pytest.raises(TypeError, match="ResultsStore"):
        bptt.train_palindrome_rnn([0], config, store=str(tmp_path))


# --- entries(): what a build used, for benchmarks.full_build ---

def test_entries_list_what_was_written_and_when_each_was_last_loaded(tmp_path):
    results = store.ResultsStore(tmp_path, retrain=False, log=lambda line: None)
    compute, _ = _computer()
    results.compute_or_load("study", {"seed": 0}, compute)
    train_fn, _ = _train_counter()
    trained = results.train_or_load("tiny", {"seed": 0}, _build, lambda m, c: {**train_fn(m, c), "seconds": 7.0})
    (tmp_path / f"{trained.folder.name}.partial").mkdir()  # an unfinished training's checkpoint: not an entry
    (tmp_path / f"{trained.folder.name}.partial" / "manifest.json").write_text("{}")
    listed = {e.name: e for e in results.entries()}
    assert sorted(listed) == ["study", "tiny"]
    assert listed["study"].seconds == 1.5 and listed["tiny"].seconds == 7.0
    assert listed["tiny"].folder == trained.folder and listed["tiny"].written.tzinfo is not None
    assert listed["study"].last_used is None and listed["tiny"].last_used is None  # written, never loaded
    results.train_or_load("tiny", {"seed": 0}, _build, train_fn)
    results.compute_or_load("study", {"seed": 0}, compute)
    listed = {e.name: e for e in results.entries()}
    assert listed["tiny"].last_used is not None and listed["tiny"].last_used >= listed["tiny"].written
    assert listed["study"].last_used is not None
    # The stamp lies outside the manifest: the entry still loads, checksums intact.
    assert results.train_or_load("tiny", {"seed": 0}, _build, train_fn).loaded


def test_entries_say_which_entry_cannot_be_read(tmp_path):
    folder = tmp_path / "broken-0123"
    folder.mkdir()
    (folder / "manifest.json").write_text("{not json")
    (folder / "history.json").write_text("{}")
    with pytest.raises(ValueError, match="cannot read the store entry .*broken-0123"):
        store.ResultsStore(tmp_path, retrain=False).entries()
