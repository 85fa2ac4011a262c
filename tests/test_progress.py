import sys
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils import progress


class _FakeHandle:
    def __init__(self, screen):
        self.screen = screen

    def update(self, bundle, raw=False):
        self.screen[0] = bundle["text/plain"]


def _fake_display():
    screen, calls = [None], []

    def display(bundle, raw=False, display_id=False):
        assert raw and display_id
        calls.append(bundle)
        screen[0] = bundle["text/plain"]
        return _FakeHandle(screen)

    return display, screen, calls


def _run(bar, epochs=3, steps=40):
    for epoch in range(1, epochs + 1):
        bar.start_epoch(epoch)
        for step in range(1, steps + 1):
            bar.update(step, loss=1.0 / step)
        bar.end_epoch(f"epoch {epoch}: done")
    bar.close()


def test_notebook_mode_updates_one_display_that_ends_with_one_line_per_epoch(capsys):
    display, screen, calls = _fake_display()
    bar = progress.EpochProgress(3, 40, display=display, min_interval=0.0)
    seen = []
    original = _FakeHandle.update

    def spy(self, bundle, raw=False):
        seen.append(bundle["text/plain"])
        original(self, bundle, raw)

    _FakeHandle.update = spy
    try:
        _run(bar)
    finally:
        _FakeHandle.update = original
    assert len(calls) == 1  # one output, updated in place
    lines = ["epoch 1: done", "epoch 2: done", "epoch 3: done"]
    assert seen[-2].splitlines() == lines  # the finished epochs, on screen until the training ends ...
    assert screen[0] == "" and capsys.readouterr().out.splitlines() == lines  # ... then printed, in order
    assert any("█" in text and "batch/s" in text and "<" in text for text in seen)  # a live bar with rate and time left


def test_pipe_mode_writes_only_the_epoch_lines(capsys):
    bar = progress.EpochProgress(3, 40, min_interval=0.0)
    _run(bar)
    assert capsys.readouterr().out.splitlines() == ["epoch 1: done", "epoch 2: done", "epoch 3: done"]


def test_custom_log_gets_the_lines_and_disabled_shows_nothing(capsys):
    lines = []
    _run(progress.EpochProgress(2, 5, log=lines.append), epochs=2, steps=5)
    quiet = progress.EpochProgress(2, 5, enabled=False)
    _run(quiet, epochs=2, steps=5)
    assert lines == ["epoch 1: done", "epoch 2: done"] and quiet.lines == lines
    assert capsys.readouterr().out == ""


def test_throttling_limits_redraws():
    display, screen, calls = _fake_display()
    count = []
    bar = progress.EpochProgress(1, 10_000, display=lambda *a, **k: (count.append(1), _FakeHandle(screen))[1],
                                 min_interval=3600)
    _run(bar, epochs=1, steps=10_000)
    assert len(count) == 1


def test_formatting():
    assert progress.format_duration(59) == "0:59" and progress.format_duration(3600) == "1:00:00"
    text = progress.format_bar(2, 10, 50, 100, 25.0, {"loss": 4.5})
    assert text.startswith("epoch 2/10 |") and "50/100" in text and "[0:25<0:25, 2.0 batch/s]" in text
    assert text.endswith("loss 4.5000")
    assert progress.keras_epoch_line(7, 25, {"loss": 0.25}, 12.3) == "epoch  7/25  loss 0.2500  (12 s)"
    line = progress.keras_epoch_line(1, 2, {"val_accuracy": 0.5, "accuracy": 0.25, "val_loss": 1.0, "loss": 2.0}, 1)
    assert line == "epoch 1/2  loss 2.0000  accuracy 0.2500  val_loss 1.0000  val_accuracy 0.5000  (1 s)"
    with pytest.raises(ValueError, match=r"`step` must be in \[0, steps\]"):
        progress.format_bar(1, 1, 5, 4, 1.0)
    with pytest.raises(ValueError, match="`steps` must be an integer >= 1"):
        progress.EpochProgress(1, 0)


def test_an_executed_notebook_keeps_exactly_one_line_per_epoch():
    # The real thing: a kernel, IPython's display handles, nbclient's in-place updates
    # (what jupyter-book's execution cache stores and renders).
    code = textwrap.dedent("""
        import time
        from course_utils import progress
        print("before training")
        bar = progress.EpochProgress(4, 30, min_interval=0.0)
        for epoch in range(1, 5):
            bar.start_epoch(epoch)
            for step in range(1, 31):
                time.sleep(0.001)
                bar.update(step, loss=1.0 / step)
            bar.end_epoch(f"epoch {epoch}/4  loss {1 / 30:.4f}")
        bar.close()
        print("after training")
    """)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    displays = [o for o in outputs if o.output_type == "display_data"]
    assert len(displays) == 1, outputs
    assert displays[0].data["text/plain"] == "" and displays[0].data["text/html"] == ""  # the live bar, emptied
    streams = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    lines = [f"epoch {e}/4  loss 0.0333" for e in range(1, 5)]
    # Printed, in order with the cell's other prints (what myst-nb's merged text block shows).
    assert streams == "before training\n" + "\n".join(lines) + "\nafter training\n" and "\r" not in streams


def test_keras_callback_draws_the_bar_from_fit():
    import keras
    import numpy as np

    display, screen, calls = _fake_display()
    bar = progress.EpochProgress(1, 4, display=display, min_interval=0.0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 3)), np.zeros((8, 2)), batch_size=2, epochs=1, verbose=0,
              callbacks=[progress.KerasProgress(bar)])
    assert len(calls) == 1 and "4/4" in screen[0] and "loss" in screen[0]
    with pytest.raises(TypeError, match="`bar` must be an EpochProgress"):
        progress.KerasProgress("bar")


@pytest.fixture
def _spanish_then_english():
    from course_utils import i18n

    yield i18n
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize("lang, expected", [
    ("en", "epoch 1/2  loss 2.0000  accuracy 0.2500  val_loss 1.0000  val_accuracy 0.5000  (1,234 s)"),
    ("es", "época 1/2  pérdida 2.0000  exactitud 0.2500  pérdida (validación) 1.0000  exactitud (validación) 0.5000"
           "  (1234 s)"),
    ("pt", "época 1/2  perda 2,0000  acurácia 0,2500  perda (validação) 1,0000  acurácia (validação) 0,5000"
           "  (1.234 s)"),
])
def test_epoch_lines_and_bars_are_in_the_notebook_language(_spanish_then_english, lang, expected):
    _spanish_then_english.set_language(lang)
    values = {"val_accuracy": 0.5, "accuracy": 0.25, "val_loss": 1.0, "loss": 2.0}
    assert progress.keras_epoch_line(1, 2, values, 1234.4) == expected
    assert progress.metric_name("auc") == "auc"  # a metric the course does not name stays Keras's
    bar = progress.format_bar(2, 10, 50, 100, 20.0, {"loss": 4.5})
    rate = {"en": "2.5 batch/s", "es": "2.5 lotes/s", "pt": "2,5 lotes/s"}[lang]
    assert rate in bar and bar.endswith({"en": "loss 4.5000", "es": "pérdida 4.5000", "pt": "perda 4,5000"}[lang])


def test_keras_epoch_log_leaves_one_translated_line_per_epoch(_spanish_then_english):
    import keras
    import numpy as np

    _spanish_then_english.set_language("es")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    epoch_log = progress.KerasEpochLog(enabled=False)
    history = model.fit(np.zeros((8, 3)), np.ones((8, 1)), validation_data=(np.zeros((4, 3)), np.ones((4, 1))),
                        batch_size=2, epochs=3, verbose=0, callbacks=[epoch_log])
    lines = epoch_log.bar.lines
    assert [line.split("  ")[0] for line in lines] == ["época 1/3", "época 2/3", "época 3/3"]
    last = history.history
    assert f"pérdida (validación) {last['val_loss'][-1]:.4f}" in lines[-1] and "exactitud " in lines[-1]
    assert "loss" not in "".join(lines) and "Epoch" not in "".join(lines)
    with pytest.raises(TypeError, match="`log` must be callable"):
        progress.KerasEpochLog(log="stdout")


def test_keras_epoch_log_writes_its_lines_where_it_is_told(capsys):
    import keras
    import numpy as np

    printed = []
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((8, 3)), np.zeros((8, 2)), batch_size=4, epochs=2, verbose=0,
              callbacks=[progress.KerasEpochLog(log=printed.append)])
    assert [line.split("  ")[0] for line in printed] == ["epoch 1/2", "epoch 2/2"]
    assert capsys.readouterr().out == ""
