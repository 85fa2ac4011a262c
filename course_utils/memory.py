"""Long-range memory, trained: the recall task and an experiment over cells, lags and seeds.

The task: the first step of a sequence shows one of ``num_symbols`` symbols
(one-hot); the next ``lag`` steps show random *distractor* symbols drawn from
another ``num_distractors`` symbols. At the end, the network must say which
symbol it saw first. Nothing in the distractors tells the answer, so a network
that forgets the first step scores the chance accuracy ``1 / num_symbols``.

:func:`make_recall_data` draws such a dataset; :func:`run_memory_experiment`
trains Keras's ``SimpleRNN``, ``GRU`` and ``LSTM`` on it at several lags and
seeds with one budget (a :class:`MemoryConfig`) and returns a tidy
:class:`MemoryResults`, one row per trained model; :func:`plot_memory_results`
draws held-out accuracy against the lag.

Example:
    >>> data = make_recall_data(3, lag=5, seed=0)
    >>> data.inputs.shape, data.targets.shape
    ((3, 6, 8), (3,))
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from course_utils import i18n
from course_utils.validation import require_int

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    import keras

    from course_utils.store import ResultsStore

__all__ = [
    "CELL_TYPES",
    "RecallData",
    "make_recall_data",
    "MemoryConfig",
    "MemoryRun",
    "MemoryResults",
    "build_recall_model",
    "run_memory_experiment",
    "plot_memory_results",
]

CELL_TYPES = ("SimpleRNN", "GRU", "LSTM")
"""The Keras recurrent layers the experiment compares, by class name."""

_SOURCE_FINGERPRINT = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
"""Part of every stored run's key: an edit of this module (its training code) trains again."""


@dataclass(frozen=True)
class RecallData:
    """A batch of the recall task.

    Attributes:
        inputs: float32 array ``(n, lag + 1, num_symbols + num_distractors)``,
            one-hot. One step of each sequence holds the symbol to recall
            (columns ``0 .. num_symbols - 1``); every other step holds a
            distractor (the other columns).
        targets: int32 array ``(n,)``, the symbol to recall.
        gaps: int32 array ``(n,)``, the steps between the symbol and the end
            of its sequence (``lag`` when the symbol is the first step).
        num_symbols: How many symbols can be recalled; chance accuracy is
            ``1 / num_symbols``.
    """

    inputs: np.ndarray
    targets: np.ndarray
    gaps: np.ndarray
    num_symbols: int

    def __len__(self) -> int:
        return int(self.targets.shape[0])

    @property
    def lag(self) -> int:
        """The longest gap: the sequences have ``lag + 1`` steps."""
        return int(self.inputs.shape[1]) - 1


def make_recall_data(
    num_samples: int,
    *,
    lag: int,
    min_gap: int | None = None,
    num_symbols: int = 4,
    num_distractors: int = 4,
    seed: int,
) -> RecallData:
    """Draw sequences of ``lag + 1`` steps whose one symbol must be recalled at the end.

    Each sequence holds one symbol, drawn from ``num_symbols``, ``gap`` steps
    before its end, with ``gap`` uniform in ``[min_gap, lag]``; every other
    step holds a distractor, drawn from ``num_distractors`` other symbols.
    With ``min_gap=None`` every gap is ``lag``: the symbol is the first step.

    Args:
        num_samples: How many sequences (>= 1).
        lag: The longest gap (>= 0); the sequences have ``lag + 1`` steps.
        min_gap: The shortest gap, in ``[0, lag]``; None for ``lag``.
        num_symbols: Symbols to recall (>= 2).
        num_distractors: Distractor symbols (>= 1), never equal to a symbol to recall.
        seed: Seed of the generator; the same seed gives the same data.

    Returns:
        A :class:`RecallData`.

    Raises:
        TypeError: An argument is not an integer.
        ValueError: An argument is below its minimum, or ``min_gap > lag``.

    Example:
        >>> data = make_recall_data(2, lag=3, num_symbols=2, num_distractors=1, seed=1)
        >>> data.inputs[0].argmax(axis=-1).tolist()[1:], data.gaps.tolist()   # three distractors
        ([2, 2, 2], [3, 3])
    """
    num_samples = require_int("num_samples", num_samples, 1)
    lag = require_int("lag", lag, 0)
    min_gap = lag if min_gap is None else require_int("min_gap", min_gap, 0)
    if min_gap > lag:
        raise ValueError(f"`min_gap` must be <= `lag` (got min_gap={min_gap}, lag={lag}).")
    num_symbols = require_int("num_symbols", num_symbols, 2)
    num_distractors = require_int("num_distractors", num_distractors, 1)
    seed = require_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, num_symbols, size=num_samples).astype(np.int32)
    gaps = rng.integers(min_gap, lag + 1, size=num_samples).astype(np.int32)
    tokens = rng.integers(num_symbols, num_symbols + num_distractors, size=(num_samples, lag + 1))
    tokens[np.arange(num_samples), lag - gaps] = targets
    inputs = np.eye(num_symbols + num_distractors, dtype=np.float32)[tokens]
    return RecallData(inputs=inputs, targets=targets, gaps=gaps, num_symbols=num_symbols)


def _require_positive_float(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number (got {value!r} of type {type(value).__name__}).")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"`{name}` must be a finite number > 0 (got {name}={value}).")
    return float(value)


def _require_int_tuple(name: str, values: object, minimum: int) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"`{name}` must be a sequence of integers such as (1, 2) (got {type(values).__name__}).")
    if len(values) == 0:
        raise ValueError(f"`{name}` must hold at least one value (got an empty sequence).")
    checked = tuple(require_int(f"{name}[{i}]", value, minimum) for i, value in enumerate(values))
    if len(set(checked)) != len(checked):
        raise ValueError(f"`{name}` must not repeat a value (got {name}={checked}).")
    return checked


@dataclass(frozen=True)
class MemoryConfig:
    """The budget of the memory experiment, the same for every cell type, lag and seed.

    Attributes:
        cell_types: Keras layers to compare, names from :data:`CELL_TYPES`.
        lags: Distractor steps between the symbol and the answer (each >= 0).
        seeds: One model per seed and (cell type, lag); the seed sets the
            initial weights and the order of the batches.
        units: Size of the hidden state of every cell.
        num_symbols: Symbols to recall; chance accuracy is ``1 / num_symbols``.
        num_distractors: Distractor symbols.
        train_samples: Training sequences per lag (the same for every cell and seed).
        test_samples: Held-out sequences per lag, drawn with another seed.
        batch_size: Sequences per gradient step.
        epochs: Passes over the training sequences.
        learning_rate: Adam's step size.
        clip_norm: Each gradient is rescaled to this norm at most.
        data_seed: Seed of the training data; the test data use ``data_seed + 1``.

    Raises:
        TypeError, ValueError: A field has the wrong type or is out of range
            (checked when the config is created).

    Example:
        >>> config = MemoryConfig(lags=(5, 50), seeds=(0,), epochs=2)
        >>> config.chance_accuracy
        0.25
    """

    cell_types: tuple[str, ...] = CELL_TYPES
    lags: tuple[int, ...] = (5, 25, 50, 100)
    seeds: tuple[int, ...] = (0, 1, 2)
    units: int = 16
    num_symbols: int = 4
    num_distractors: int = 4
    train_samples: int = 2048
    test_samples: int = 512
    batch_size: int = 64
    epochs: int = 10
    learning_rate: float = 0.01
    clip_norm: float = 1.0
    data_seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.cell_types, (str, bytes)) or not isinstance(self.cell_types, Sequence):
            raise TypeError(f"`cell_types` must be a sequence of names from {CELL_TYPES} "
                            f"(got {type(self.cell_types).__name__}).")
        unknown = [name for name in self.cell_types if name not in CELL_TYPES]
        if not self.cell_types or unknown or len(set(self.cell_types)) != len(self.cell_types):
            raise ValueError(f"`cell_types` must hold distinct names from {CELL_TYPES} "
                             f"(got {tuple(self.cell_types)!r}; unknown: {unknown}).")
        object.__setattr__(self, "cell_types", tuple(self.cell_types))
        object.__setattr__(self, "lags", _require_int_tuple("lags", self.lags, 0))
        object.__setattr__(self, "seeds", _require_int_tuple("seeds", self.seeds, 0))
        for name, minimum in (("units", 1), ("num_symbols", 2), ("num_distractors", 1), ("train_samples", 1),
                              ("test_samples", 1), ("batch_size", 1), ("epochs", 1), ("data_seed", 0)):
            require_int(name, getattr(self, name), minimum)
        _require_positive_float("learning_rate", self.learning_rate)
        _require_positive_float("clip_norm", self.clip_norm)

    @property
    def chance_accuracy(self) -> float:
        """Accuracy of a guess that ignores the input: ``1 / num_symbols``."""
        return 1.0 / self.num_symbols


@dataclass(frozen=True)
class MemoryRun:
    """One trained model: its cell type, lag, seed and held-out scores.

    Attributes:
        cell_type: Name of the Keras layer.
        lag: Distractor steps of its data.
        seed: Seed of its initial weights and batch order.
        test_accuracy: Share of held-out sequences whose symbol it recalls.
        test_loss: Held-out cross-entropy (chance: ``log(num_symbols)``).
        seconds: Wall time of training and evaluation.
    """

    cell_type: str
    lag: int
    seed: int
    test_accuracy: float
    test_loss: float
    seconds: float


@dataclass(frozen=True)
class MemoryResults:
    """What :func:`run_memory_experiment` measured: one :class:`MemoryRun` per model.

    Attributes:
        config: The budget used.
        runs: The runs, in the order cell type, lag, seed.
        models: The trained Keras models by ``(cell_type, lag, seed)``, kept
            only when asked for (``keep_models=True``).
    """

    config: MemoryConfig
    runs: tuple[MemoryRun, ...]
    models: dict[tuple[str, int, int], Any] = field(default_factory=dict, repr=False, compare=False)

    def accuracies(self, cell_type: str, lag: int) -> np.ndarray:
        """Return the held-out accuracy of every seed for one cell type and lag.

        Raises:
            ValueError: No run has that cell type and lag.
        """
        values = [run.test_accuracy for run in self.runs if run.cell_type == cell_type and run.lag == lag]
        if not values:
            raise ValueError(f"no run for cell_type={cell_type!r} and lag={lag}; "
                             f"cell types {self.config.cell_types}, lags {self.config.lags}.")
        return np.array(values)

    def mean_accuracy(self, cell_type: str, lag: int) -> float:
        """Return the mean held-out accuracy over the seeds for one cell type and lag."""
        return float(self.accuracies(cell_type, lag).mean())

    def table(self) -> dict[str, list[float]]:
        """Return, for each cell type, the mean accuracy at each lag of ``config.lags``."""
        return {cell: [self.mean_accuracy(cell, lag) for lag in self.config.lags] for cell in self.config.cell_types}

    @property
    def seconds(self) -> float:
        """Total training and evaluation time of all the runs."""
        return float(sum(run.seconds for run in self.runs))


def build_recall_model(cell_type: str, lag: int, config: MemoryConfig) -> keras.Model:
    """Build and compile the classifier: one recurrent layer, then a softmax over the symbols.

    Args:
        cell_type: A name from :data:`CELL_TYPES`; the layer keeps Keras's defaults.
        lag: Distractor steps; the input has ``lag + 1`` steps.
        config: Units, vocabulary, learning rate and clipping.

    Returns:
        A compiled ``keras.Model`` (Adam, sparse categorical cross-entropy, accuracy).

    Raises:
        ValueError: ``cell_type`` is not in :data:`CELL_TYPES`.
    """
    if cell_type not in CELL_TYPES:
        raise ValueError(f"`cell_type` must be one of {CELL_TYPES} (got {cell_type!r}).")
    lag = require_int("lag", lag, 0)
    import keras  # noqa: PLC0415 - TensorFlow only when a model is built

    layer = getattr(keras.layers, cell_type)(config.units, name=cell_type.lower())
    model = keras.Sequential([
        keras.Input(shape=(lag + 1, config.num_symbols + config.num_distractors)),
        layer,
        keras.layers.Dense(config.num_symbols, activation="softmax", name="symbol"),
    ], name=f"recall_{cell_type.lower()}_lag{lag}")
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate, clipnorm=config.clip_norm),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def run_memory_experiment(
    config: MemoryConfig,
    *,
    keep_models: bool = False,
    progress: Callable[[MemoryRun], None] | None = None,
    store: ResultsStore | None = None,
    name: str = "memory",
) -> MemoryResults:
    """Train every cell type at every lag with every seed, with the same budget, and score held-out data.

    For each lag, ``config.train_samples`` training and ``config.test_samples``
    test sequences are drawn once (seeds ``data_seed`` and ``data_seed + 1``)
    and shared by all cell types and seeds, so that the models differ only by
    their cell and initial weights. Each model trains ``config.epochs`` epochs
    with ``model.fit`` and is scored on the test sequences.

    With a ``store``, each model goes through :meth:`ResultsStore.train_or_load`
    as its own entry ``<name>-<cell type>-lag<lag>-seed<seed>``, keyed by its
    cell type, lag and seed, the whole ``config``, a fingerprint of its data
    and of this module's code (plus the library versions the store adds). The
    entry keeps the trained weights, Keras's history, the held-out scores and
    the training time, so a second call with the same arguments (another
    language of the chapter, a second build) trains nothing and returns equal
    results, models included. The training is the same as without a store;
    an interrupted experiment resumes at the first model not yet stored.
    ``progress`` is called for a loaded model too, with the stored run, so the
    log reads the same; the store's own messages are gathered into one line
    at the end.

    Args:
        config: The budget, see :class:`MemoryConfig`.
        keep_models: Keep the trained models in ``MemoryResults.models``.
        progress: Called with each :class:`MemoryRun` as soon as it is done
            (or loaded), e.g. ``print``.
        store: A :class:`course_utils.store.ResultsStore` to load the models
            from and save them to; None trains every model, stores nothing.
        name: Start of the store entries' names (letters, digits, ``-``, ``_``, ``.``).

    Returns:
        A :class:`MemoryResults`.

    Raises:
        TypeError: ``config`` is not a :class:`MemoryConfig`, ``progress`` is
            not callable, or ``store`` is not a ``ResultsStore``.
        ValueError: ``name`` is not a plain folder name.
    """
    if not isinstance(config, MemoryConfig):
        raise TypeError(f"`config` must be a MemoryConfig (got {type(config).__name__}).")
    if progress is not None and not callable(progress):
        raise TypeError(f"`progress` must be callable or None (got {type(progress).__name__}).")
    if store is not None:
        from course_utils.store import ResultsStore  # noqa: PLC0415 - imports Keras, only when needed

        if not isinstance(store, ResultsStore):
            raise TypeError(f"`store` must be a course_utils.store.ResultsStore or None "
                            f"(got {type(store).__name__}).")
        store.folder(name, "key")  # checks `name` (a plain folder name) before any training
    import keras  # noqa: PLC0415

    runs, models = [], {}
    data = {lag: (make_recall_data(config.train_samples, lag=lag, min_gap=0, num_symbols=config.num_symbols,
                                   num_distractors=config.num_distractors, seed=config.data_seed),
                  make_recall_data(config.test_samples, lag=lag, num_symbols=config.num_symbols,
                                   num_distractors=config.num_distractors, seed=config.data_seed + 1))
            for lag in config.lags}
    quiet, loaded, was_loaded = None, 0, False
    if store is not None:  # the store's "loaded" message once per model would drown the log: gather them
        quiet = copy.copy(store)
        quiet.log = lambda message: None
    for cell_type in config.cell_types:
        for lag in config.lags:
            train, test = data[lag]
            for seed in config.seeds:
                if quiet is None:
                    started = time.perf_counter()
                    keras.utils.set_random_seed(seed)
                    model = build_recall_model(cell_type, lag, config)
                    model.fit(train.inputs, train.targets, batch_size=config.batch_size, epochs=config.epochs,
                              shuffle=True, verbose=0)
                    loss, accuracy = model.evaluate(test.inputs, test.targets, batch_size=512, verbose=0)
                    run = MemoryRun(cell_type, lag, seed, float(accuracy), float(loss),
                                    time.perf_counter() - started)
                else:
                    model, run, was_loaded = _train_or_load_one(quiet, name, cell_type, lag, seed, config,
                                                               train, test, progress)
                    loaded += was_loaded
                runs.append(run)
                if keep_models:
                    models[(cell_type, lag, seed)] = model
                if progress is not None and not was_loaded:    # a loaded run was reported by `describe`
                    progress(run)
    if store is not None and loaded:
        store.log(i18n.gettext(
            "Loaded {loaded} of {total} models from the results store (entries {name}-*). To train again, "
            "set COURSE_RETRAIN=1 or delete those entries from the store's folder (COURSE_STORE_DIR, by default "
            "~/.cache/course_utils/store).").format(loaded=loaded, total=len(runs), name=name))
    return MemoryResults(config=config, runs=tuple(runs), models=models)


def _train_or_load_one(
    store: ResultsStore,
    name: str,
    cell_type: str,
    lag: int,
    seed: int,
    config: MemoryConfig,
    train: RecallData,
    test: RecallData,
    progress: Callable[[MemoryRun], None] | None,
) -> tuple[Any, MemoryRun, bool]:
    """One model of :func:`run_memory_experiment` through the store: ``(model, run, loaded)``.

    It trains exactly as without a store (seed, build, ``model.fit``,
    ``model.evaluate``); each model is short, so it is stored whole, not checkpointed per epoch.
    """
    from course_utils.store import fingerprint  # noqa: PLC0415

    started = [0.0]

    def build() -> Any:
        started[0] = time.perf_counter()
        import keras  # noqa: PLC0415

        keras.utils.set_random_seed(seed)
        return build_recall_model(cell_type, lag, config)

    def train_fn(model: Any, checkpoint: Any) -> dict:
        fitted = model.fit(train.inputs, train.targets, batch_size=config.batch_size, epochs=config.epochs,
                           shuffle=True, verbose=0)
        loss, accuracy = model.evaluate(test.inputs, test.targets, batch_size=512, verbose=0)
        return {"history": {k: [float(v) for v in values] for k, values in fitted.history.items()},
                "test_accuracy": float(accuracy), "test_loss": float(loss),
                "seconds": time.perf_counter() - started[0]}

    def as_run(history: dict) -> MemoryRun:
        return MemoryRun(cell_type, lag, seed, float(history["test_accuracy"]), float(history["test_loss"]),
                         float(history["seconds"]))

    def describe(history: dict) -> None:
        if progress is not None:
            progress(as_run(history))          # the same line as the run that trained it

    key_parts = {"kind": "course_utils.memory.run_memory_experiment", "cell_type": cell_type, "lag": lag,
                 "seed": seed, "config": dataclasses.asdict(config),
                 "code": _SOURCE_FINGERPRINT,  # any edit of this module's training code retrains
                 "data": fingerprint(train.inputs, train.targets, test.inputs, test.targets)}
    stored = store.train_or_load(f"{name}-{cell_type}-lag{lag}-seed{seed}", key_parts, build, train_fn,
                                 describe=describe)
    return stored.model, as_run(stored.history), stored.loaded


def plot_memory_results(
    results: MemoryResults,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    chance_label: str,
    ax: Axes | None = None,
) -> Axes:
    """Draw held-out accuracy against the lag: one line per cell type (mean over seeds), a dot per seed.

    Each cell type has its own marker and line style, so that lines which
    coincide (two cells at 100 %) stay visible. A dashed grey line marks the chance accuracy ``1 / num_symbols``.

    Args:
        results: What :func:`run_memory_experiment` returned.
        title, xlabel, ylabel: Text of the plot, in the reader's language.
        chance_label: Legend entry of the chance line, in the reader's language.
        ax: Where to draw; a new figure when None.

    Returns:
        The Axes drawn on.

    Raises:
        TypeError: ``results`` is not a :class:`MemoryResults`.
        ValueError: ``results`` holds no run.

    Example:
        >>> ax = plot_memory_results(results, title="Recall", xlabel="lag", ylabel="accuracy",
        ...                          chance_label="chance")  # doctest: +SKIP
    """
    if not isinstance(results, MemoryResults):
        raise TypeError(f"`results` must be a MemoryResults (got {type(results).__name__}).")
    if not results.runs:
        raise ValueError("`results` holds no run; train at least one model.")
    config = results.config
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    lags = np.array(config.lags)
    styles = [("o", "-"), ("s", "--"), ("^", "-.")]           # lines that coincide stay visible
    for k, cell_type in enumerate(config.cell_types):
        means = [results.mean_accuracy(cell_type, lag) for lag in config.lags]
        marker, linestyle = styles[k % len(styles)]
        (line,) = ax.plot(lags, means, marker=marker, linestyle=linestyle, linewidth=2, markersize=7,
                          label=cell_type, alpha=0.9)
        for lag in config.lags:
            seeds = results.accuracies(cell_type, lag)
            ax.scatter(np.full(seeds.shape, lag), seeds, color=line.get_color(), marker=marker, alpha=0.3, s=18)
    ax.axhline(config.chance_accuracy, color="gray", linestyle="--", linewidth=1, label=chance_label)
    ax.set_ylim(0.0, 1.05)
    ax.set_xticks(lags)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9)
    return ax
