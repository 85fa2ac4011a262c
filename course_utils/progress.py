"""Training progress as people expect it: a live bar within each epoch, one clean line per finished epoch.

In Jupyter and Colab, :class:`EpochProgress` shows one output that it updates
in place (an IPython display handle): the finished epochs' lines, then a bar
for the epoch in progress with its rate and time left. When an epoch ends its
bar is replaced by its summary line; when the training ends the display is
emptied and the lines are printed, so the saved notebook and the rendered web
page keep exactly one line per epoch, in order with the cell's other prints,
not thousands of updates. In a
terminal the bar is redrawn on one line with a carriage return; when the
output is a file or a pipe (a log, CI), only the summary lines are written.

Example:
    >>> bar = EpochProgress(epochs=2, steps=3, enabled=False)
    >>> for epoch in range(2):
    ...     for step in range(3):
    ...         bar.update(step + 1, loss=0.5)
    ...     bar.end_epoch(f"epoch {epoch + 1}: loss 0.5")
    >>> bar.lines
    ['epoch 1: loss 0.5', 'epoch 2: loss 0.5']
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping

import keras
from course_utils import i18n

__all__ = ["EpochProgress", "KerasProgress", "KerasEpochLog", "METRIC_NAMES", "format_bar", "format_duration",
           "keras_epoch_line", "metric_name", "in_notebook"]

BAR_WIDTH = 24


def in_notebook() -> bool:
    """Return True inside a Jupyter or Colab kernel (where display handles update in place)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and getattr(ip, "kernel", None) is not None


def format_duration(seconds: float) -> str:
    """Return ``seconds`` as ``m:ss`` or ``h:mm:ss``.

    Example:
        >>> format_duration(75), format_duration(3725)
        ('1:15', '1:02:05')
    """
    seconds = max(int(round(seconds)), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_bar(epoch: int, epochs: int, step: int, steps: int, elapsed: float,
               values: Mapping[str, float] | None = None) -> str:
    """Return one progress line: ``epoch 2/10 |█████░░░| 120/774 [0:31<2:49, 3.9 batch/s] loss 4.81``.

    Raises:
        ValueError: ``steps`` < 1 or ``step`` outside [0, steps].

    Example:
        >>> format_bar(1, 2, 2, 4, 10.0)
        'epoch 1/2 |████████████░░░░░░░░░░░░| 2/4 [0:10<0:10, 0.2 batch/s]'
    """
    if steps < 1 or not 0 <= step <= steps:
        raise ValueError(f"`step` must be in [0, steps] with steps >= 1 (got step={step}, steps={steps}).")
    filled = int(BAR_WIDTH * step / steps)
    rate = step / elapsed if elapsed > 0 else 0.0
    left = (steps - step) / rate if rate > 0 else 0.0
    text = i18n.gettext("epoch {epoch}/{epochs}").format(epoch=epoch, epochs=epochs)
    text += f" |{'█' * filled}{'░' * (BAR_WIDTH - filled)}| {step}/{steps} "
    text += "[" + i18n.gettext("{elapsed}<{left}, {rate} batch/s").format(
        elapsed=format_duration(elapsed), left=format_duration(left), rate=i18n.format_number(rate, digits=1)) + "]"
    if values:
        text += " " + _metrics_text(values.items())
    return text


#: Keras's names of the metrics the course trains with, as the reader's language writes them.
#: English keeps Keras's own names, which are also the keys of ``history.history``.
METRIC_NAMES: dict[str, str] = {
    # TRANSLATORS: the training loss, in one line per epoch ("epoch 2/5  loss 0.6931  ...").
    "loss": i18n.N_("loss"),
    # TRANSLATORS: the training accuracy, in one line per epoch.
    "accuracy": i18n.N_("accuracy"),
    # TRANSLATORS: Keras's name of the loss on the validation set; translate it as words.
    "val_loss": i18n.N_("val_loss"),
    # TRANSLATORS: Keras's name of the accuracy on the validation set; translate it as words.
    "val_accuracy": i18n.N_("val_accuracy"),
}


def metric_name(name: str) -> str:
    """Return the reader's name of the Keras metric ``name`` (other names unchanged).

    Example:
        >>> metric_name("val_loss"), metric_name("val_accuracy"), metric_name("auc")
        ('val_loss', 'val_accuracy', 'auc')
    """
    return i18n.gettext(METRIC_NAMES[name]) if name in METRIC_NAMES else name


def _metrics_text(items) -> str:
    return "  ".join(f"{metric_name(name)} {i18n.format_number(float(value), digits=4)}" for name, value in items)


def keras_epoch_line(epoch: int, epochs: int, values: Mapping[str, float], seconds: float) -> str:
    """Return the one line a Keras training leaves for ``epoch``: its metrics and its time.

    Example:
        >>> keras_epoch_line(3, 25, {"loss": 0.1, "val_accuracy": 0.98}, 41.2)
        'epoch  3/25  loss 0.1000  val_accuracy 0.9800  (41 s)'
    """
    width = len(str(epochs))
    # Keras's order: the loss, then the other metrics; validation figures after training ones.
    names = sorted(values, key=lambda name: (name.startswith("val_"), name.removeprefix("val_") != "loss", name))
    metrics = _metrics_text((name, values[name]) for name in names)
    return i18n.gettext("epoch {epoch}/{epochs}  {metrics}  ({seconds} s)").format(
        epoch=f"{epoch:{width}d}", epochs=epochs, metrics=metrics, seconds=i18n.format_number(seconds, digits=0))


class EpochProgress:
    """Show progress within each epoch and keep one line per finished epoch.

    Args:
        epochs: Number of epochs of the training.
        steps: Batches per epoch.
        log: Where finished lines go outside a notebook (``print``).
        enabled: False to show nothing live (the lines are still kept in :attr:`lines`).
        min_interval: Fewest seconds between two redraws of the bar.
        display: IPython's ``display`` function; None for IPython's own when
            running in a notebook, which selects the notebook mode.

    Attributes:
        lines: The finished lines so far, one per epoch (plus any :meth:`write` line).

    Raises:
        ValueError: ``epochs`` or ``steps`` < 1.
    """

    def __init__(self, epochs: int, steps: int, *, log: Callable[[str], None] = print, enabled: bool = True,
                 min_interval: float = 0.5, display: Callable | None = None) -> None:
        for name, value in (("epochs", epochs), ("steps", steps)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be an integer >= 1 (got {name}={value!r}).")
        if not callable(log):
            raise TypeError(f"`log` must be callable (got {type(log).__name__}).")
        self.epochs, self.steps, self.log, self.enabled = epochs, steps, log, enabled
        self.min_interval = min_interval
        self.lines: list[str] = []
        self.epoch = 0
        self._epoch_start = time.perf_counter()
        self._last_draw = 0.0
        self._handle = None
        self._tty = False
        if display is None and enabled and log is print and in_notebook():
            from IPython.display import display as display  # noqa: PLW0127 - IPython's own
        self._display = display if enabled else None
        if self._display is None and enabled and log is print:
            self._tty = bool(getattr(sys.stdout, "isatty", lambda: False)())

    # -- the live part ---------------------------------------------------------------
    def _show(self, text: str) -> None:
        bundle = {"text/plain": text}
        if self._handle is None:
            self._handle = self._display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)

    def start_epoch(self, epoch: int | None = None) -> None:
        """Start the clock of ``epoch`` (1-based; the next one when None)."""
        self.epoch = self.epoch + 1 if epoch is None else epoch
        self._epoch_start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, step: int, **values: float) -> None:
        """Redraw the bar after ``step`` of ``steps`` batches (at most every ``min_interval`` seconds)."""
        if self.epoch == 0:
            self.start_epoch()
        if not (self._display or self._tty):
            return
        now = time.perf_counter()
        if step < self.steps and now - self._last_draw < self.min_interval:
            return
        self._last_draw = now
        bar = format_bar(self.epoch, self.epochs, min(step, self.steps), self.steps, now - self._epoch_start, values)
        if self._display:
            self._show("\n".join(self.lines + [bar]))
        else:
            sys.stdout.write("\r" + bar)
            sys.stdout.flush()

    def write(self, line: str) -> None:
        """Add a finished line (a replayed epoch, a note) above the bar."""
        self.lines.append(line)
        if not self.enabled:
            return
        if self._display:
            self._show("\n".join(self.lines))
        elif self._tty:
            sys.stdout.write("\r" + line + "\033[K\n")
            sys.stdout.flush()
        else:
            self.log(line)

    def end_epoch(self, line: str) -> None:
        """Replace the epoch's bar by its summary ``line``; the next update starts the next epoch."""
        self.write(line)

    def close(self) -> None:
        """Leave only the finished lines, as printed text after anything printed before the training.

        In a notebook the live display is emptied and its lines are printed
        instead: a rendered page (myst-nb merges a cell's printed text into one
        block) then keeps them in order with the cell's other prints, rather
        than after all of them.
        """
        if self._display and self._handle is not None:
            self._handle.update({"text/plain": "", "text/html": ""}, raw=True)
            if self.lines:
                self.log("\n".join(self.lines))


class KerasProgress(keras.callbacks.Callback):
    """A Keras callback that feeds an :class:`EpochProgress` from ``model.fit`` (use ``verbose=0``).

    It draws the bar within the epoch (loss and accuracy so far); the epoch's
    summary line is the caller's, through :meth:`EpochProgress.end_epoch`.

    Args:
        bar: The progress display; one training's epochs share it.

    Raises:
        TypeError: ``bar`` is not an :class:`EpochProgress`.
    """

    def __init__(self, bar: EpochProgress) -> None:
        if not isinstance(bar, EpochProgress):
            raise TypeError(f"`bar` must be an EpochProgress (got {type(bar).__name__}).")
        super().__init__()
        self.bar = bar

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.bar.start_epoch(epoch + 1)

    def on_train_batch_end(self, batch, logs=None) -> None:
        values = {k: float(v) for k, v in (logs or {}).items() if k in ("loss", "accuracy")}
        self.bar.update(batch + 1, **values)


class KerasEpochLog(keras.callbacks.Callback):
    """Show ``model.fit`` in the reader's language: a bar within each epoch, then one line per epoch.

    Keras's own log (``verbose=1`` or ``2``) is English ("Epoch 1/3", ``loss:``);
    train with ``verbose=0`` and this callback instead. Each finished epoch
    leaves :func:`keras_epoch_line`: its metrics (names and numbers in the
    notebook's language) and its time.

    Args:
        log: Where finished lines go outside a notebook (``print``).
        enabled: False to show nothing (the lines are still kept in ``bar.lines``).

    Raises:
        TypeError: ``log`` is not callable.

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
        >>> model.compile(loss="mse")
        >>> epoch_log = KerasEpochLog(enabled=False)
        >>> _ = model.fit(np.zeros((4, 1)), np.zeros((4, 1)), epochs=2, verbose=0, callbacks=[epoch_log])
        >>> [line.split("  ")[0] for line in epoch_log.bar.lines]
        ['epoch 1/2', 'epoch 2/2']
    """

    def __init__(self, *, log: Callable[[str], None] = print, enabled: bool = True) -> None:
        if not callable(log):
            raise TypeError(f"`log` must be callable (got {type(log).__name__}).")
        super().__init__()
        self.log, self.enabled = log, enabled
        self.bar: EpochProgress | None = None
        self._steps: int | None = None
        self._epoch_start = 0.0

    def on_train_begin(self, logs=None) -> None:
        self._steps = self.params.get("steps")  # None when the data's length is unknown: no bar then
        self.bar = EpochProgress(self.params["epochs"], self._steps or 1, log=self.log, enabled=self.enabled)

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.bar.start_epoch(epoch + 1)
        self._epoch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None) -> None:
        if self._steps:
            self.bar.update(batch + 1, **{k: float(v) for k, v in (logs or {}).items() if k in ("loss", "accuracy")})

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.bar.end_epoch(keras_epoch_line(epoch + 1, self.bar.epochs, dict(logs or {}),
                                            time.perf_counter() - self._epoch_start))

    def on_train_end(self, logs=None) -> None:
        self.bar.close()
