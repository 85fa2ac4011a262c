"""Word-level LSTM language models: build one from a config, train it with carried state.

The model reads a window of word ids and the recurrent state left by the
previous window, and returns one row of logits (unnormalised scores over the
vocabulary) per position, and the new state::

    [ids (batch, steps), h1, c1, h2, c2, ...]  ->  [logits (batch, steps, vocab), h1, c1, ...]

Passing the state in and out explicitly lets one set of weights run with any
batch size: 60 rows to train, a few rows to evaluate, one row to sample text.
:func:`train` is the training recipe of the chapter: plain SGD whose learning
rate is halved every epoch after ``decay_after``, gradients clipped by their
global norm, the state carried from batch to batch and reset to zeros at the
start of every epoch and every evaluation.

Example:
    >>> from course_utils import lm, ptb
    >>> corpus = ptb.load_ptb()                                    # doctest: +SKIP
    >>> result = lm.train(lm.LMConfig(epochs=1), corpus)            # doctest: +SKIP
    >>> result.valid_perplexity[-1] < 300                           # doctest: +SKIP
    True
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from course_utils import i18n, progress
from course_utils.ptb import Corpus, make_windows
from course_utils.store import ResultsStore, fingerprint

__all__ = [
    "LMConfig",
    "TiedOutput",
    "LanguageModel",
    "TrainResult",
    "build_model",
    "zero_state",
    "learning_rate_at",
    "make_train_step",
    "make_eval_step",
    "evaluate",
    "train",
    "count_parameters",
    "epoch_line",
    "RECIPES",
    "RECIPE_NAMES",
    "display_name",
]


@dataclass(frozen=True)
class LMConfig:
    """Everything that defines a language model and its training.

    The defaults are the source notebook's recipe: PTB's 10,000 words,
    embeddings of 200, LSTMs of 256 then 128 units, windows of 20 steps,
    60 rows, SGD at 1.0 halved every epoch after the 4th, 15 epochs,
    gradients clipped to a global norm of 5, weights drawn from U(-0.1, 0.1).

    Attributes:
        vocab_size: Number of words (ids 0 .. vocab_size - 1).
        embedding_dim: Size of a word vector.
        lstm_units: Units of each stacked LSTM layer, bottom first.
        dropout: Share of activations dropped on the non-recurrent
            connections (embedding -> LSTM 1 -> ... -> output), 0 for none.
        tie_embeddings: Use the embedding matrix as the output layer too; a
            linear projection maps the top LSTM's output to ``embedding_dim``
            when the sizes differ.
        batch_size: Parallel rows of the training stream.
        num_steps: Window length, the number of steps gradients flow back.
        learning_rate: SGD's initial step size.
        lr_decay: Factor applied to the learning rate every epoch after ``decay_after``.
        decay_after: Last epoch (1-based) at the initial learning rate.
        epochs: Passes over the training data.
        clip_norm: Largest global norm of the gradients.
        init_scale: Weights start uniform in ``[-init_scale, init_scale]``.
        eval_batch_size: Parallel rows when evaluating (state carried too).
    """

    vocab_size: int = 10_000
    embedding_dim: int = 200
    lstm_units: tuple[int, ...] = (256, 128)
    dropout: float = 0.0
    tie_embeddings: bool = False
    batch_size: int = 60
    num_steps: int = 20
    learning_rate: float = 1.0
    lr_decay: float = 0.5
    decay_after: int = 4
    epochs: int = 15
    clip_norm: float = 5.0
    init_scale: float = 0.1
    eval_batch_size: int = 10

    def __post_init__(self) -> None:
        positive = ("vocab_size", "embedding_dim", "batch_size", "num_steps", "epochs", "eval_batch_size")
        for name in positive:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be an integer >= 1 (got {name}={value!r}).")
        units = tuple(self.lstm_units)
        if not units or any(isinstance(u, bool) or not isinstance(u, int) or u < 1 for u in units):
            raise ValueError(
                f"`lstm_units` must be a non-empty tuple of integers >= 1, one per layer "
                f"(got lstm_units={self.lstm_units!r})."
            )
        object.__setattr__(self, "lstm_units", units)
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1) (got dropout={self.dropout!r}).")
        for name in ("learning_rate", "clip_norm", "init_scale"):
            if not getattr(self, name) > 0:
                raise ValueError(f"`{name}` must be > 0 (got {name}={getattr(self, name)!r}).")
        if not 0.0 < self.lr_decay <= 1.0:
            raise ValueError(f"`lr_decay` must be in (0, 1] (got lr_decay={self.lr_decay!r}).")
        if isinstance(self.decay_after, bool) or not isinstance(self.decay_after, int) or self.decay_after < 0:
            raise ValueError(f"`decay_after` must be an integer >= 0 (got decay_after={self.decay_after!r}).")



RECIPES: dict[str, LMConfig] = {
    "source": LMConfig(epochs=10),
    "dropout": LMConfig(dropout=0.4, decay_after=6, epochs=10),
    "dropout + tied": LMConfig(dropout=0.4, decay_after=6, embedding_dim=256, lstm_units=(256, 256),
                               tie_embeddings=True, epochs=10),
}
"""The full-mode configurations of chapter 4, by name: the source notebook's recipe, the
same with dropout 0.4 between layers (full learning rate for 6 epochs), and the chapter's
design, dropout plus tied 256-wide embeddings and LSTMs (3,620,624 parameters). All three
train for 10 epochs, not the source's 15: in a 15-epoch run of the design, epochs 11-15
lowered the validation perplexity by less than one point (102.4 to 101.5)."""

RECIPE_NAMES: dict[str, str] = {
    # TRANSLATORS: chapter 4's first model, trained with the source notebook's recipe.
    "source": i18n.N_("source recipe"),
    "dropout": i18n.N_("dropout"),
    # TRANSLATORS: dropout plus tied (shared) input and output embeddings.
    "dropout + tied": i18n.N_("dropout + tied"),
}
"""The name a reader sees for each of :data:`RECIPES` (in legends and tables), in English."""


def display_name(recipe: str, lang: str | None = None) -> str:
    """Return the name of one of :data:`RECIPES` in the reader's language.

    Args:
        recipe: A key of :data:`RECIPES`, e.g. ``"dropout + tied"``.
        lang: A language for this call only; ``None`` for the notebook's.

    Raises:
        ValueError: ``recipe`` is not a key of :data:`RECIPES`, or ``lang`` is not
            one of :data:`course_utils.i18n.LANGUAGES`.

    Example:
        >>> display_name("dropout + tied", lang="es")
        'dropout + embeddings compartidos'
    """
    if recipe not in RECIPE_NAMES:
        raise ValueError(f"`recipe` must be one of {sorted(RECIPE_NAMES)} (got recipe={recipe!r}).")
    return i18n.gettext(RECIPE_NAMES[recipe], lang=lang)


@keras.saving.register_keras_serializable(package="course_utils")
class TiedOutput(keras.layers.Layer):
    """Output layer that reuses an embedding matrix: ``logits = x @ E.T + b``.

    Args:
        embedding: The model's ``Embedding`` layer; its matrix ``E`` has shape
            (vocab_size, embedding_dim) and is not copied.

    Input: (..., embedding_dim). Output: (..., vocab_size).

    Saving: :meth:`get_config` describes the embedding too, so the layer
    alone round-trips through ``keras.saving``; inside a
    :class:`LanguageModel` the model rebuilds the tie itself when loaded.
    """

    def __init__(self, embedding: keras.layers.Embedding, **kwargs) -> None:
        if not isinstance(embedding, keras.layers.Embedding):
            raise TypeError(f"`embedding` must be a keras.layers.Embedding (got {type(embedding).__name__}).")
        super().__init__(**kwargs)
        self._tied = [embedding]  # a list hides the layer from Keras's tracking: no double counting

    def get_config(self) -> dict:
        """Return the layer's config, with the tied embedding's own config under ``"embedding"``."""
        return {**super().get_config(), "embedding": keras.saving.serialize_keras_object(self._tied[0])}

    @classmethod
    def from_config(cls, config: dict) -> "TiedOutput":
        """Rebuild the layer (and an embedding of the same shape) from :meth:`get_config`."""
        config = dict(config)
        embedding = keras.saving.deserialize_keras_object(config.pop("embedding"))
        return cls(embedding, **config)

    def build(self, input_shape) -> None:
        vocab_size = self._tied[0].input_dim
        self.bias = self.add_weight(shape=(vocab_size,), initializer="zeros", name="bias")

    def call(self, x):
        matrix = self._tied[0].embeddings
        return keras.ops.matmul(x, keras.ops.transpose(matrix)) + self.bias


def _graph(config: LMConfig, seed: int):
    """Return the functional inputs and outputs of the model described by ``config``."""
    seeds = iter(range(seed * 1000, seed * 1000 + 1000))

    def uniform():
        return keras.initializers.RandomUniform(-config.init_scale, config.init_scale, seed=next(seeds))

    ids = keras.Input(shape=(None,), dtype="int32", name="ids")
    state_inputs = []
    for layer, units in enumerate(config.lstm_units, start=1):
        state_inputs += [keras.Input(shape=(units,), name=f"h{layer}"), keras.Input(shape=(units,), name=f"c{layer}")]
    embedding = keras.layers.Embedding(config.vocab_size, config.embedding_dim,
                                       embeddings_initializer=uniform(), name="embedding")
    x = embedding(ids)
    if config.dropout:
        x = keras.layers.Dropout(config.dropout, seed=next(seeds))(x)
    states_out = []
    for layer, units in enumerate(config.lstm_units, start=1):
        lstm = keras.layers.LSTM(units, return_sequences=True, return_state=True, unit_forget_bias=False,
                                 kernel_initializer=uniform(), recurrent_initializer=uniform(),
                                 name=f"lstm{layer}")
        x, h, c = lstm(x, initial_state=state_inputs[2 * layer - 2: 2 * layer])
        states_out += [h, c]
        if config.dropout:
            x = keras.layers.Dropout(config.dropout, seed=next(seeds))(x)
    if config.tie_embeddings:
        if config.lstm_units[-1] != config.embedding_dim:
            x = keras.layers.Dense(config.embedding_dim, kernel_initializer=uniform(), name="projection")(x)
        logits = TiedOutput(embedding, name="tied_output")(x)
    else:
        logits = keras.layers.Dense(config.vocab_size, kernel_initializer=uniform(), name="output")(x)
    return [ids, *state_inputs], [logits, *states_out]




@keras.saving.register_keras_serializable(package="course_utils")
class LanguageModel(keras.Model):
    """The stacked-LSTM language model of an :class:`LMConfig`: a functional Keras model that saves and loads.

    ``model.save("lm.keras")`` stores the config and the weights;
    ``keras.models.load_model("lm.keras")`` rebuilds the same graph from the
    config (the tie between embedding and output included) and loads them.

    Args:
        config: Sizes, dropout and tying.
        seed: Seed of the initial weights and of the dropout masks.
    """

    def __init__(self, config: LMConfig, seed: int = 0, name: str = "language_model", **kwargs) -> None:
        if not isinstance(config, LMConfig):
            raise TypeError(f"`config` must be an LMConfig (got {type(config).__name__}).")
        inputs, outputs = _graph(config, seed)
        super().__init__(inputs, outputs, name=name, **kwargs)
        self.lm_config = config
        self.seed = seed

    def get_config(self) -> dict:
        """Return ``{"config": <LMConfig as a dict>, "seed": ..., "name": ...}``."""
        return {"config": dataclasses.asdict(self.lm_config), "seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> "LanguageModel":
        """Rebuild the model from :meth:`get_config` (weights are loaded afterwards by Keras)."""
        settings = dict(config["config"])
        settings["lstm_units"] = tuple(settings["lstm_units"])
        return cls(LMConfig(**settings), seed=config.get("seed", 0), name=config.get("name", "language_model"))


def build_model(config: LMConfig, *, seed: int = 0) -> LanguageModel:
    """Build the stacked-LSTM language model described by ``config``.

    Args:
        config: Sizes, dropout and tying.
        seed: Seed of the initial weights and of the dropout masks.

    Returns:
        A :class:`LanguageModel` (a functional ``keras.Model``) with inputs
        ``[ids, h1, c1, h2, c2, ...]`` and outputs ``[logits, h1, c1, h2, c2, ...]``.

    Raises:
        TypeError: ``config`` is not an :class:`LMConfig`.

    Example:
        >>> model = build_model(LMConfig())                         # doctest: +SKIP
        >>> count_parameters(model)                                 # doctest: +SKIP
        3955088
    """
    if not isinstance(config, LMConfig):
        raise TypeError(f"`config` must be an LMConfig (got {type(config).__name__}).")
    return LanguageModel(config, seed=seed)


def count_parameters(model: keras.Model) -> int:
    """Return the number of distinct trainable numbers of ``model`` (a tied matrix counts once)."""
    unique = {id(v): v for v in model.trainable_variables}
    return int(sum(int(np.prod(v.shape)) for v in unique.values()))


def zero_state(config: LMConfig, batch_size: int) -> list[tf.Tensor]:
    """Return the all-zero state ``[h1, c1, h2, c2, ...]`` for ``batch_size`` rows.

    Raises:
        ValueError: ``batch_size`` < 1.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"`batch_size` must be an integer >= 1 (got batch_size={batch_size!r}).")
    return [tf.zeros((batch_size, units)) for units in config.lstm_units for _ in ("h", "c")]


def learning_rate_at(config: LMConfig, epoch: int) -> float:
    """Return the learning rate of ``epoch`` (1-based): ``lr * decay ** max(epoch - decay_after, 0)``.

    Raises:
        ValueError: ``epoch`` < 1.

    Example:
        >>> [learning_rate_at(LMConfig(), e) for e in (1, 4, 5, 6)]
        [1.0, 1.0, 0.5, 0.25]
    """
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 1:
        raise ValueError(f"`epoch` must be an integer >= 1, counted from 1 (got epoch={epoch!r}).")
    return config.learning_rate * config.lr_decay ** max(epoch - config.decay_after, 0)


def _mean_cross_entropy(targets, logits):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits))


def make_train_step(model: keras.Model, optimizer: keras.optimizers.Optimizer, num_steps: int) -> Callable:
    """Return a compiled function ``step(x, y, state) -> (mean loss, new state)``.

    The gradient is that of the loss summed over the ``num_steps`` positions
    and averaged over the rows, as in the source recipe (a learning rate of
    1.0 is tuned for that scale); the returned loss is the mean per word.
    """

    @tf.function
    def step(x, y, state):
        with tf.GradientTape() as tape:
            logits, *new_state = model([x, *state], training=True)
            loss = _mean_cross_entropy(y, logits)
            summed_over_steps = loss * num_steps
        grads = tape.gradient(summed_over_steps, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, new_state

    return step


def make_eval_step(model: keras.Model) -> Callable:
    """Return a compiled function ``step(x, y, state) -> (mean loss, new state)`` that does not learn."""

    @tf.function
    def step(x, y, state):
        logits, *new_state = model([x, *state], training=False)
        return _mean_cross_entropy(y, logits), new_state

    return step


def evaluate(model: keras.Model, config: LMConfig, ids: np.ndarray, *, eval_step: Callable | None = None) -> float:
    """Return the perplexity of ``model`` on the id stream ``ids``, state carried from a zero start.

    Args:
        model: A model from :func:`build_model`.
        config: Its config; ``eval_batch_size`` and ``num_steps`` cut the stream.
        ids: The token ids to score.
        eval_step: A function from :func:`make_eval_step`, to reuse its compilation.

    Returns:
        ``exp`` of the mean cross-entropy per word, in nats.

    Raises:
        ValueError: ``ids`` is empty or too short for one window (see
            :func:`course_utils.ptb.make_windows`).
    """
    inputs, targets = make_windows(ids, config.eval_batch_size, config.num_steps)
    step = eval_step or make_eval_step(model)
    state = zero_state(config, config.eval_batch_size)
    total = 0.0
    for x, y in zip(inputs, targets):
        loss, state = step(x, y, state)
        total += float(loss)
    return math.exp(total / len(inputs))


@dataclass
class TrainResult:
    """What :func:`train` measured.

    Attributes:
        model: The trained model.
        config: The config it was trained with.
        train_perplexity, valid_perplexity: One value per epoch.
        learning_rates: The learning rate of each epoch.
        test_perplexity: On the test split after the last epoch (None when no test ids were given).
        words_per_second: Training throughput, training tokens per second of training.
        seconds: Wall time of the whole run, evaluations included.
        parameters: Number of trainable parameters.
    """

    model: keras.Model
    config: LMConfig
    train_perplexity: list[float] = field(default_factory=list)
    valid_perplexity: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)
    test_perplexity: float | None = None
    words_per_second: float = 0.0
    seconds: float = 0.0
    parameters: int = 0


_SOURCE_FINGERPRINT = fingerprint(Path(__file__).read_text(encoding="utf-8"))


def epoch_line(epoch: int, rate: float, train_perplexity: float, valid_perplexity: float,
               words_per_second: float, lang: str | None = None) -> str:
    """Return the one log line of a finished epoch of :func:`train`, in the reader's language.

    Numbers follow the language's convention (:func:`course_utils.i18n.format_number`);
    the perplexities are right-aligned so that the epochs line up.

    Example:
        >>> epoch_line(3, 1.0, 180.25, 170.5, 4200, lang="en")
        'epoch  3  lr 1.0000  train ppl   180.25  valid ppl   170.50  (4,200 words/s)'
    """
    number = i18n.format_number
    return i18n.gettext(
        "epoch {epoch}  lr {rate}  train ppl {train}  valid ppl {valid}  ({speed} words/s)", lang=lang
    ).format(epoch=f"{epoch:2d}", rate=number(rate, 4, lang=lang),
             train=number(train_perplexity, 2, lang=lang).rjust(8), valid=number(valid_perplexity, 2, lang=lang).rjust(8),
             speed=number(round(words_per_second), lang=lang))


def _test_line(test_perplexity: float) -> str:
    return i18n.gettext("test ppl {perplexity}").format(perplexity=i18n.format_number(test_perplexity, 2))


def train(
    config: LMConfig,
    corpus: Corpus,
    *,
    seed: int = 0,
    evaluate_test: bool = True,
    verbose: bool = True,
    log: Callable[[str], None] = print,
    store: ResultsStore | None = None,
    name: str = "language-model",
) -> TrainResult:
    """Build a model from ``config`` and train it for ``config.epochs`` epochs, state carried.

    Every epoch starts from a zero state; within the epoch, the state left by
    one batch is the initial state of the next (row ``i`` continues row ``i``).
    Gradients stop at window boundaries: truncated backpropagation through time.

    With a ``store``, a training that was already done with the same config,
    seed, data and library versions is loaded instead (its log printed again),
    and a training in progress keeps a checkpoint of its last finished epoch,
    from which an interrupted run resumes with the same final result.

    Args:
        config: The model and the recipe.
        corpus: PTB from :func:`course_utils.ptb.load_ptb`, or a copy with
            shorter splits (fast mode); the model trains on ``corpus.train``,
            scores ``corpus.valid`` after every epoch and ``corpus.test`` at the end.
        seed: Seed of the weights and the dropout masks.
        evaluate_test: Score the test split at the end.
        verbose: Show progress within each epoch and log one line per epoch.
        log: Where the lines go (in a notebook, ``print`` shows a live bar that
            leaves one line per epoch).
        store: A :class:`course_utils.store.ResultsStore` to load from and save
            to, or None to train without one.
        name: Readable name of the store entry.

    Returns:
        A :class:`TrainResult`.

    Raises:
        TypeError: ``config`` is not an :class:`LMConfig`, or ``store`` is not a ResultsStore.
        ValueError: A split is too short for one batch, or the
            vocabulary size differs from ``config.vocab_size``.
    """
    if not isinstance(config, LMConfig):
        raise TypeError(f"`config` must be an LMConfig (got {type(config).__name__}).")
    if len(corpus.vocab) != config.vocab_size:
        raise ValueError(
            f"`config.vocab_size` must equal the corpus vocabulary size "
            f"(got vocab_size={config.vocab_size}, vocabulary of {len(corpus.vocab)})."
        )
    if store is not None and not isinstance(store, ResultsStore):
        raise TypeError(f"`store` must be a course_utils.store.ResultsStore or None (got {type(store).__name__}).")
    inputs, targets = make_windows(corpus.train, config.batch_size, config.num_steps)

    def build() -> LanguageModel:
        keras.utils.set_random_seed(seed)
        return build_model(config, seed=seed)

    def train_fn(model: LanguageModel, checkpoint) -> dict:
        return _train_epochs(model, config, corpus, inputs, targets, checkpoint=checkpoint,
                             evaluate_test=evaluate_test, verbose=verbose, log=log)

    def describe(history: dict) -> None:
        if verbose:
            for epoch, values in enumerate(zip(history["learning_rates"], history["train_perplexity"],
                                               history["valid_perplexity"], history["epoch_words_per_second"]),
                                           start=1):
                log(epoch_line(epoch, *values))
            if history["test_perplexity"] is not None:
                log(_test_line(history["test_perplexity"]))

    if store is None:
        model = build()
        history = train_fn(model, None)
    else:
        key_parts = {"kind": "course_utils.lm.train", "config": dataclasses.asdict(config), "seed": seed,
                     "code": _SOURCE_FINGERPRINT,  # any edit of this module's training code retrains
                     "evaluate_test": evaluate_test,
                     "data": fingerprint(corpus.train, corpus.valid, corpus.test, "\n".join(corpus.vocab.words))}
        stored = store.train_or_load(name, key_parts, build, train_fn, describe=describe)
        model, history = stored.model, stored.history
    return TrainResult(
        model=model, config=config, parameters=count_parameters(model),
        train_perplexity=list(history["train_perplexity"]), valid_perplexity=list(history["valid_perplexity"]),
        learning_rates=list(history["learning_rates"]), test_perplexity=history["test_perplexity"],
        words_per_second=history["words_per_second"], seconds=history["seconds"],
    )


def _train_epochs(model, config: LMConfig, corpus: Corpus, inputs, targets, *, checkpoint, evaluate_test: bool,
                  verbose: bool, log: Callable[[str], None]) -> dict:
    """Train ``model`` epoch by epoch (resuming from ``checkpoint``); return the JSON history."""
    optimizer = keras.optimizers.SGD(learning_rate=config.learning_rate, global_clipnorm=config.clip_norm)
    train_step = make_train_step(model, optimizer, config.num_steps)
    eval_step = make_eval_step(model)
    history = {"learning_rates": [], "train_perplexity": [], "valid_perplexity": [], "epoch_words_per_second": [],
               "train_seconds": 0.0, "words": 0, "seconds": 0.0}
    done = 0
    bar = progress.EpochProgress(config.epochs, len(inputs), log=log, enabled=verbose)
    if checkpoint is not None:
        done, saved = checkpoint.restore(model, optimizer)
        history.update(saved)
        for epoch in range(done):
            bar.write(epoch_line(epoch + 1, history["learning_rates"][epoch], history["train_perplexity"][epoch],
                                 history["valid_perplexity"][epoch], history["epoch_words_per_second"][epoch]))
        if done:
            bar.write(i18n.gettext("Resumed after epoch {epoch} from a checkpoint.").format(epoch=done))
    start = time.perf_counter() - history["seconds"]
    for epoch in range(done + 1, config.epochs + 1):
        rate = learning_rate_at(config, epoch)
        optimizer.learning_rate.assign(rate)
        state = zero_state(config, config.batch_size)
        total = 0.0
        bar.start_epoch(epoch)
        epoch_start = time.perf_counter()
        for step, (x, y) in enumerate(zip(inputs, targets), start=1):
            loss, state = train_step(x, y, state)
            total += float(loss)
            bar.update(step, loss=total / step)
        history["train_seconds"] += time.perf_counter() - epoch_start
        history["words"] += int(inputs.size)
        history["learning_rates"].append(rate)
        history["train_perplexity"].append(math.exp(total / len(inputs)))
        history["valid_perplexity"].append(evaluate(model, config, corpus.valid, eval_step=eval_step))
        history["epoch_words_per_second"].append(history["words"] / history["train_seconds"])
        history["seconds"] = time.perf_counter() - start
        if checkpoint is not None:
            checkpoint.save(epoch, model, optimizer, history)
        bar.end_epoch(epoch_line(epoch, rate, history["train_perplexity"][-1], history["valid_perplexity"][-1],
                                 history["epoch_words_per_second"][-1]))
    bar.close()
    history["test_perplexity"] = None
    if evaluate_test:
        history["test_perplexity"] = evaluate(model, config, corpus.test, eval_step=eval_step)
        if verbose:
            log(_test_line(history["test_perplexity"]))
    history["words_per_second"] = history["words"] / history["train_seconds"]
    history["seconds"] = time.perf_counter() - start
    return history
