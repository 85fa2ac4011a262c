"""A results store for long trainings: train once, reuse everywhere, resume after an interruption.

A training that takes minutes or hours (chapter 4's language models, chapter
5's MNIST classifiers) is stored once it finishes: the model's variables and
its training history, in a folder named by a hash of everything that
determines them (the configuration, the seed, a fingerprint of the data, and
the versions of ``course_utils``, TensorFlow and Keras). The next run with the
same inputs (the Spanish and Portuguese notebooks, a second build of the
website, the reader's second run) loads it in seconds and prints the same
training log, saying that it was loaded and how to train again.

While it trains, the store keeps a checkpoint of the last finished epoch
(variables, optimizer state, random-generator state and history), so an
interrupted run (a killed build, a Colab runtime that disconnects) resumes
from there and ends with the same weights as an uninterrupted one.

Every entry and checkpoint is written to a temporary folder, with a manifest
of SHA-256 checksums written last, and then renamed into place in one step
(``os.replace``): a crash mid-write leaves no usable entry. A corrupt,
partial or mismatched entry is detected, reported with a :class:`StoreWarning`
and trained again, never used.

Where: ``$COURSE_STORE_DIR``, else ``~/.cache/course_utils/store``. To train
again, set ``COURSE_RETRAIN=1`` or delete the entry's folder. Every load
stamps the entry's ``last-used.txt`` (outside the manifest), so that
:meth:`ResultsStore.entries` can tell a maintainer which trainings a build
actually used and which are left over from older code.

Example:
    >>> from course_utils import store
    >>> results = store.ResultsStore()                                  # doctest: +SKIP
    >>> fitted = results.fit(model, x, y, epochs=25, batch_size=128,
    ...                      validation_data=(x_val, y_val), seed=42)    # doctest: +SKIP
    >>> fitted.history["val_accuracy"][-1], fitted.loaded               # doctest: +SKIP
    (0.99, True)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import shutil
import tempfile
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from course_utils import i18n, progress

__all__ = [
    "STORE_ENV_VAR",
    "RETRAIN_ENV_VAR",
    "FIT_RECIPE",
    "StoreWarning",
    "default_directory",
    "retrain_requested",
    "fingerprint",
    "versions",
    "entry_key",
    "Checkpoint",
    "Stored",
    "Computed",
    "Fitted",
    "Entry",
    "ResultsStore",
]

STORE_ENV_VAR = "COURSE_STORE_DIR"
"""Environment variable naming the store's folder."""

RETRAIN_ENV_VAR = "COURSE_RETRAIN"
"""Environment variable that, set to 1, trains again instead of loading (and replaces the entry)."""

FIT_RECIPE = 1
"""Version of :meth:`ResultsStore.fit`'s training loop (shuffling, one fit per epoch): part of its
key, so bump it when a change of the loop changes what it trains."""

DEFAULT_DIRECTORY = Path("~/.cache/course_utils/store")
MANIFEST = "manifest.json"
LAST_USED = "last-used.txt"
FORMAT = 1
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


_INITIAL_WEIGHTS: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()
"""Fingerprint of each model's weights when :meth:`ResultsStore.fit` first saw it: running the
cell again after an interruption (or after the training) finds the same entry, not a new one."""


class StoreWarning(UserWarning):
    """An entry or checkpoint of the store could not be used and is trained again."""


def default_directory(environ: Mapping[str, str] | None = None) -> Path:
    """Return the store's folder: ``$COURSE_STORE_DIR``, else ``~/.cache/course_utils/store``.

    Args:
        environ: Where to read the variable; ``os.environ`` when None.

    Example:
        >>> str(default_directory({"COURSE_STORE_DIR": "/tmp/store"}))
        '/tmp/store'
    """
    env = os.environ if environ is None else environ
    raw = env.get(STORE_ENV_VAR, "").strip()
    return Path(raw).expanduser() if raw else DEFAULT_DIRECTORY.expanduser()


def retrain_requested(environ: Mapping[str, str] | None = None) -> bool:
    """Return True when ``COURSE_RETRAIN`` asks to train again instead of loading.

    Raises:
        ValueError: The variable holds something other than 1/true/yes/on or 0/false/no/off.
    """
    env = os.environ if environ is None else environ
    raw = env.get(RETRAIN_ENV_VAR, "")
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"`{RETRAIN_ENV_VAR}` must be one of 1/true/yes/on or 0/false/no/off "
                     f"(got {RETRAIN_ENV_VAR}={raw!r}).")


def fingerprint(*arrays: Any) -> str:
    """Return a SHA-256 hex digest of arrays' dtypes, shapes and bytes (or of strings).

    Two calls give the same digest exactly when the data are identical, so a
    fingerprint of the training data is a stable part of a store key.

    Raises:
        ValueError: No array given.

    Example:
        >>> fingerprint(np.arange(3)) == fingerprint(np.arange(3)), fingerprint(np.arange(3)) == fingerprint(np.arange(4))
        (True, False)
    """
    if not arrays:
        raise ValueError("`fingerprint` needs at least one array (got none).")
    digest = hashlib.sha256()
    for item in arrays:
        if isinstance(item, str):
            data = item.encode("utf-8")
            digest.update(b"str:" + str(len(data)).encode() + b":" + data)
            continue
        array = np.ascontiguousarray(np.asarray(item))
        if array.dtype == object:
            raise ValueError(f"`fingerprint` takes numeric arrays or strings (got an array of Python objects "
                             f"of shape {array.shape}).")
        digest.update(f"{array.dtype.str}:{array.shape}:".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Return the versions that a stored result depends on: course_utils, TensorFlow, Keras, NumPy."""
    import keras
    import tensorflow as tf

    import course_utils

    return {"course_utils": course_utils.__version__, "tensorflow": tf.__version__,
            "keras": keras.__version__, "numpy": np.__version__}


def _canonical(key_parts: Mapping[str, Any]) -> str:
    try:
        return json.dumps(key_parts, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"`key_parts` must hold only JSON values (str, int, float, bool, None, lists, dicts "
                        f"with string keys); {error}") from None


def entry_key(key_parts: Mapping[str, Any]) -> str:
    """Return the 20-character hash that names an entry: SHA-256 of the canonical JSON of ``key_parts``.

    The canonical JSON sorts keys and uses fixed separators, so the same parts
    give the same key on any machine and in any order of insertion.

    Raises:
        TypeError: ``key_parts`` is not a mapping, or holds values JSON cannot write.

    Example:
        >>> entry_key({"seed": 1, "epochs": 2}) == entry_key({"epochs": 2, "seed": 1})
        True
    """
    if not isinstance(key_parts, Mapping):
        raise TypeError(f"`key_parts` must be a mapping (got {type(key_parts).__name__}).")
    return hashlib.sha256(_canonical(key_parts).encode("utf-8")).hexdigest()[:20]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _save_arrays(path: Path, variables: Sequence[Any]) -> list[dict]:
    arrays = {f"v{i:05d}": np.asarray(v.numpy() if hasattr(v, "numpy") else v) for i, v in enumerate(variables)}
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return [{"path": str(getattr(v, "path", i)), "shape": list(arrays[f"v{i:05d}"].shape),
             "dtype": arrays[f"v{i:05d}"].dtype.str} for i, v in enumerate(variables)]


def _load_arrays(path: Path, variables: Sequence[Any], described: list[dict]) -> None:
    """Assign the arrays saved by :func:`_save_arrays` to ``variables``; ValueError when they do not fit."""
    with np.load(path, allow_pickle=False) as data:
        if len(data.files) != len(variables) or len(described) != len(variables):
            raise ValueError(f"{len(data.files)} saved arrays for {len(variables)} variables")
        arrays = [data[f"v{i:05d}"] for i in range(len(variables))]
    for variable, array in zip(variables, arrays):
        if tuple(variable.shape) != array.shape:
            raise ValueError(f"variable {getattr(variable, 'path', '?')} has shape {tuple(variable.shape)}, "
                             f"saved {array.shape}")
    for variable, array in zip(variables, arrays):
        variable.assign(array)


def _write_folder(final: Path, files: Callable[[Path], dict], manifest: dict) -> None:
    """Write a folder atomically: files into a temporary sibling, the manifest last, then one rename."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name}-", dir=final.parent))
    try:
        extra = files(temporary)
        checksums = {p.name: {"sha256": _sha256(p), "bytes": p.stat().st_size}
                     for p in sorted(temporary.iterdir())}
        manifest = {**manifest, **extra, "files": checksums}
        with open(temporary / MANIFEST, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        old = None
        if final.exists():  # os.replace cannot replace a non-empty folder: move the old one aside first
            old = final.parent / f".old-{final.name}-{uuid.uuid4().hex[:8]}"
            try:
                os.replace(final, old)
            except FileNotFoundError:  # another process removed it meanwhile
                old = None
        try:
            os.replace(temporary, final)
        except OSError:
            if not (final / MANIFEST).is_file():
                raise
            # Another process (a parallel test worker, another language's notebook) stored the
            # same training meanwhile: keep its copy, which has the same key.
            shutil.rmtree(temporary, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _read_manifest(folder: Path, key: str) -> dict:
    """Return the manifest of ``folder`` after checking its key and every file's checksum; ValueError otherwise."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ValueError("no manifest (a partial write)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"unreadable manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("manifest of an unknown format")
    if manifest.get("key") != key or entry_key(manifest.get("key_parts", {})) != key:
        raise ValueError("manifest of another training (its key differs)")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ValueError("manifest lists no files")
    for name, expected in files.items():
        file = folder / name
        if not file.is_file():
            raise ValueError(f"{name} is missing")
        if file.stat().st_size != expected.get("bytes") or _sha256(file) != expected.get("sha256"):
            raise ValueError(f"{name} does not match its checksum (truncated or changed)")
    return manifest


def _random_state() -> dict:
    import random

    return {"python": random.getstate(), "numpy": np.random.get_state()}


@dataclass
class Checkpoint:
    """The last finished epoch of a training in progress, kept in the store so it can resume.

    A training function calls :meth:`restore` once before its first epoch and
    :meth:`save` after every epoch. Both cover the model's variables (weights
    and the state of its seeded random generators, such as dropout's), the
    optimizer's variables (step count, moments) and a JSON ``state`` (the
    history so far, anything needed to continue exactly).

    Attributes:
        folder: Where the checkpoint lives (``<store>/<name>-<key>.partial``).
        key: The key of the training it belongs to.
        key_parts: What the key is a hash of.
    """

    folder: Path
    key: str
    key_parts: dict

    def save(self, epoch: int, model, optimizer, state: Mapping[str, Any]) -> None:
        """Write the checkpoint of finished ``epoch`` (1-based), replacing the previous one atomically.

        Raises:
            ValueError: ``epoch`` < 1.
            TypeError: ``state`` holds values JSON cannot write.
        """
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 1:
            raise ValueError(f"`epoch` must be an integer >= 1 (got epoch={epoch!r}).")
        state_text = _canonical(dict(state))

        def files(folder: Path) -> dict:
            model_vars = _save_arrays(folder / "model.npz", model.variables)
            optimizer_vars = _save_arrays(folder / "optimizer.npz", optimizer.variables) if optimizer else []
            (folder / "state.json").write_text(state_text, encoding="utf-8")
            return {"model_variables": model_vars, "optimizer_variables": optimizer_vars}

        _write_folder(self.folder, files, {"format": FORMAT, "key": self.key, "key_parts": self.key_parts,
                                           "epoch": epoch, "written": _now()})

    def restore(self, model, optimizer) -> tuple[int, dict]:
        """Load the last checkpoint into ``model`` and ``optimizer``; return ``(epochs done, state)``.

        Returns ``(0, {})`` when there is no checkpoint. A checkpoint that is
        corrupt or does not fit the model is reported with a
        :class:`StoreWarning`, deleted, and ``(0, {})`` returned: the training
        starts over. ``optimizer`` is built for ``model.trainable_variables``
        first if needed, so that its variables exist.
        """
        if not self.folder.exists():
            return 0, {}
        try:
            manifest = _read_manifest(self.folder, self.key)
            if optimizer is not None and not optimizer.built:
                optimizer.build(model.trainable_variables)
            snapshot = [np.array(v.numpy()) for v in model.variables]
            try:
                _load_arrays(self.folder / "model.npz", model.variables, manifest["model_variables"])
                if optimizer is not None:
                    _load_arrays(self.folder / "optimizer.npz", optimizer.variables, manifest["optimizer_variables"])
            except BaseException:
                for variable, value in zip(model.variables, snapshot):
                    variable.assign(value)
                raise
            state = json.loads((self.folder / "state.json").read_text(encoding="utf-8"))
            epoch = int(manifest["epoch"])
        except (ValueError, KeyError, OSError) as error:
            _warn(i18n.gettext("The checkpoint {name} cannot be used ({reason}); training starts over.").format(
                name=self.folder.name, reason=error))
            shutil.rmtree(self.folder, ignore_errors=True)
            return 0, {}
        return epoch, state

    def discard(self) -> None:
        """Delete the checkpoint (once the finished training is stored)."""
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Stored:
    """What :meth:`ResultsStore.train_or_load` returns.

    Attributes:
        model: The trained model (loaded, or just trained).
        history: The JSON history the training function returned.
        loaded: True when it came from the store, False when it was trained now.
        key: The entry's key; ``name`` and ``key`` make the folder's name.
        folder: The entry's folder.
    """

    model: Any
    history: dict
    loaded: bool
    key: str
    folder: Path


@dataclass
class Computed:
    """What :meth:`ResultsStore.compute_or_load` returns.

    Attributes:
        arrays: The named NumPy arrays the computation returned.
        info: Its JSON values (seeds, timings, ...).
        loaded: True when they came from the store, False when computed now.
        key: The entry's key.
    """

    arrays: dict[str, np.ndarray]
    info: dict
    loaded: bool
    key: str


@dataclass
class Fitted:
    """What :meth:`ResultsStore.fit` returns.

    Attributes:
        history: Keras's history: one list per metric (``loss``, ``val_accuracy``, ...), one value per epoch.
        seconds: Training time, summed over the epochs (the original run's when loaded).
        epoch_seconds: Training time of each epoch.
        loaded: True when the weights came from the store.
        key: The entry's key.
    """

    history: dict[str, list[float]]
    seconds: float
    epoch_seconds: list[float] = field(default_factory=list)
    loaded: bool = False
    key: str = ""


def _architecture(model) -> Any:
    """Return the model's JSON config and compile config with automatic names replaced by positions.

    Keras numbers automatic names across a session (``lstm_3`` the fourth time,
    ``adam_1`` the second), so the same model built twice, or after other
    models, would otherwise get another key.
    """
    import keras

    names = {}
    for layer in model._flatten_layers(include_self=False, recursive=True):
        names.setdefault(layer.name, f"layer-{len(names)}")
    names[model.optimizer.name] = "optimizer"

    def rename(value):
        if isinstance(value, dict):
            return {k: rename(v) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    compiled = json.loads(json.dumps(keras.saving.serialize_keras_object(model.get_compile_config()), default=str))
    return {"model": rename(json.loads(model.to_json())), "compile": rename(compiled)}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _mark_used(folder: Path) -> None:
    """Stamp ``folder`` with the time it was loaded (best effort: a read-only store still loads)."""
    try:
        (folder / LAST_USED).write_text(_now() + "\n", encoding="utf-8")
    except OSError:
        pass


def _parse_moment(text: object, where: str) -> _dt.datetime:
    try:
        moment = _dt.datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"{where}: expected an ISO 8601 time such as 2026-12-01T21:18:30+00:00 (got {text!r})") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)).astimezone(_dt.timezone.utc)


def _recorded_seconds(record: Mapping[str, Any], where: str) -> float | None:
    """The training time an entry's log recorded: ``seconds``, or the sum of ``epoch_seconds`` (``fit``)."""
    if "seconds" in record:
        seconds = record["seconds"]
    elif isinstance(record.get("epoch_seconds"), list):
        seconds = sum(record["epoch_seconds"]) if all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in record["epoch_seconds"]) else None
    else:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{where}: the training time must be a non-negative number of seconds (got {seconds!r})")
    return float(seconds)


@dataclass(frozen=True)
class Entry:
    """One finished entry of a store, as :meth:`ResultsStore.entries` lists it.

    Attributes:
        name: The readable name it was stored under (``"ch04-source"``).
        folder: Its folder.
        written: When it was trained or computed (UTC).
        last_used: When a run last loaded it (UTC), or None if never since it was written.
        seconds: The training or computing time its log recorded, or None if it recorded none.
    """

    name: str
    folder: Path
    written: _dt.datetime
    last_used: _dt.datetime | None
    seconds: float | None


def _warn(message: str) -> None:
    warnings.warn(message, StoreWarning, stacklevel=3)


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name or not all(c.isalnum() or c in "-_." for c in name) or name[0] == ".":
        raise ValueError(f"`name` must be a non-empty string of letters, digits, '-', '_' or '.', not starting "
                         f"with '.' (got name={name!r}).")
    return name


class ResultsStore:
    """A folder of finished trainings, each keyed by everything that determines it.

    Args:
        directory: The store's folder; ``None`` for :func:`default_directory`
            (``$COURSE_STORE_DIR``, else ``~/.cache/course_utils/store``).
        retrain: Train again even when an entry exists (and replace it);
            ``None`` reads ``COURSE_RETRAIN``.
        log: Where messages for the reader go (``print``).

    Raises:
        TypeError: ``directory`` is not a path, or ``log`` is not callable.
        ValueError: ``COURSE_RETRAIN`` holds an unrecognised value.
    """

    def __init__(self, directory: str | os.PathLike | None = None, *, retrain: bool | None = None,
                 log: Callable[[str], None] = print) -> None:
        if directory is not None and not isinstance(directory, (str, os.PathLike)):
            raise TypeError(f"`directory` must be a path or None (got {type(directory).__name__}).")
        if retrain is not None and not isinstance(retrain, bool):
            raise TypeError(f"`retrain` must be True, False or None (got {retrain!r}).")
        if not callable(log):
            raise TypeError(f"`log` must be callable (got {type(log).__name__}).")
        self.directory = Path(directory).expanduser() if directory is not None else default_directory()
        self.retrain = retrain_requested() if retrain is None else retrain
        self.log = log

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.directory)!r}, retrain={self.retrain})"

    def entries(self) -> list[Entry]:
        """Return the store's finished entries, sorted by folder name.

        Left out: checkpoints of unfinished trainings (``*.partial``) and the
        temporary folders of a write in progress. The entries are not verified
        against their checksums (a load does that).

        Raises:
            ValueError: An entry's manifest or log cannot be read.
        """
        found = []
        for manifest_path in sorted(self.directory.glob(f"*/{MANIFEST}")):
            folder = manifest_path.parent
            if folder.name.startswith(".") or folder.name.endswith(".partial"):
                continue
            # A trained model keeps its log in history.json; a computed result (compute_or_load) in info.json.
            log = folder / "history.json" if (folder / "history.json").is_file() else folder / "info.json"
            used = folder / LAST_USED
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                record = json.loads(log.read_text(encoding="utf-8"))
                last_used = used.read_text(encoding="utf-8") if used.is_file() else None
            except (OSError, ValueError) as error:
                raise ValueError(f"cannot read the store entry {folder}: {error}") from None
            if not isinstance(manifest, dict) or not isinstance(record, dict) or "name" not in manifest:
                raise ValueError(f"cannot read the store entry {folder}: its manifest or log is not a JSON object "
                                 "with the expected fields")
            found.append(Entry(
                name=str(manifest["name"]), folder=folder,
                written=_parse_moment(manifest.get("written"), f"{manifest_path}: 'written'"),
                last_used=None if last_used is None else _parse_moment(last_used, str(used)),
                seconds=_recorded_seconds(record, str(log))))
        return found

    def full_key_parts(self, key_parts: Mapping[str, Any]) -> dict:
        """Return ``key_parts`` plus the library versions a result depends on (under ``"versions"``)."""
        if not isinstance(key_parts, Mapping):
            raise TypeError(f"`key_parts` must be a mapping (got {type(key_parts).__name__}).")
        return {**dict(key_parts), "versions": versions(), "store_format": FORMAT}

    def folder(self, name: str, key: str) -> Path:
        """Return the folder of entry ``name`` with ``key``."""
        return self.directory / f"{_check_name(name)}-{key}"

    def train_or_load(
        self,
        name: str,
        key_parts: Mapping[str, Any],
        build_fn: Callable[[], Any],
        train_fn: Callable[[Any, Checkpoint], Mapping[str, Any]],
        *,
        describe: Callable[[Mapping[str, Any]], None] | None = None,
    ) -> Stored:
        """Return the model and history of a training: from the store if there, else trained now and stored.

        Args:
            name: A readable name of the training (``"ch04-source"``); the
                entry's folder is ``<name>-<key>``.
            key_parts: Everything that determines the result besides the
                library versions, which are added: configuration, seed, data
                fingerprint (:func:`fingerprint`). JSON values only.
            build_fn: Builds the untrained model (the same architecture and
                variables as the one ``train_fn`` trains).
            train_fn: ``train_fn(model, checkpoint) -> history``: trains the
                model built by ``build_fn``, calling ``checkpoint.restore`` before
                its first epoch and ``checkpoint.save`` after every epoch, and
                returns a JSON-writable history.
            describe: Called with the history after a load, to print the
                training log again (the reader sees the same lines as the run that trained).

        Returns:
            A :class:`Stored`.

        Raises:
            TypeError: A function is not callable, or ``key_parts`` is not JSON.
            ValueError: ``name`` is not a plain folder name.
        """
        _check_name(name)
        for arg, fn in (("build_fn", build_fn), ("train_fn", train_fn)):
            if not callable(fn):
                raise TypeError(f"`{arg}` must be callable (got {type(fn).__name__}).")
        if describe is not None and not callable(describe):
            raise TypeError(f"`describe` must be callable or None (got {type(describe).__name__}).")
        parts = self.full_key_parts(key_parts)
        key = entry_key(parts)
        folder = self.folder(name, key)
        if folder.exists() and not self.retrain:
            model = build_fn()
            try:
                manifest = _read_manifest(folder, key)
                _load_arrays(folder / "model.npz", model.variables, manifest["model_variables"])
                history = json.loads((folder / "history.json").read_text(encoding="utf-8"))
            except (ValueError, KeyError, OSError, json.JSONDecodeError) as error:
                _warn(i18n.gettext("The stored result {entry} cannot be used ({reason}); it is trained again.")
                      .format(entry=folder.name, reason=error))
                shutil.rmtree(folder, ignore_errors=True)
            else:
                if describe is not None:
                    describe(history)
                self.log(i18n.gettext(
                    "Loaded from the results store, trained on {date} (entry {entry}). "
                    "To train again, set COURSE_RETRAIN=1 or delete that entry from the store's folder "
                    "(COURSE_STORE_DIR, by default ~/.cache/course_utils/store).").format(
                        date=str(manifest.get("written", "?"))[:10], entry=folder.name))
                _mark_used(folder)
                return Stored(model=model, history=history, loaded=True, key=key, folder=folder)
        checkpoint = Checkpoint(folder=self.directory / f"{folder.name}.partial", key=key, key_parts=parts)
        if self.retrain:
            checkpoint.discard()
        model = build_fn()
        history = dict(train_fn(model, checkpoint))
        history_text = json.dumps(history, indent=1, sort_keys=True, allow_nan=True)

        def files(temporary: Path) -> dict:
            described = _save_arrays(temporary / "model.npz", model.variables)
            (temporary / "history.json").write_text(history_text, encoding="utf-8")
            return {"model_variables": described}

        _write_folder(folder, files, {"format": FORMAT, "name": name, "key": key, "key_parts": parts,
                                      "written": _now()})
        checkpoint.discard()
        return Stored(model=model, history=history, loaded=False, key=key, folder=folder)

    def compute_or_load(
        self,
        name: str,
        key_parts: Mapping[str, Any],
        compute_fn: Callable[[], tuple[Mapping[str, Any], Mapping[str, Any]]],
    ) -> Computed:
        """Return the result of a computation that makes no single Keras model: from the store, else computed now.

        For studies that train many small models at once and keep only what
        they measured (chapter 3's seeds and settings): named arrays plus JSON
        values, stored and checked like a training (atomic write, checksums, a
        corrupt entry recomputed with a :class:`StoreWarning`). A load says so
        in one short line.

        Args:
            name: A readable name of the computation; the entry's folder is ``<name>-<key>``.
            key_parts: Everything that determines the result besides the library
                versions, which are added (settings, seeds, a fingerprint of the code). JSON values only.
            compute_fn: ``compute_fn() -> (arrays, info)``: a mapping of names to
                numeric arrays, and a mapping of JSON values.

        Returns:
            A :class:`Computed`.

        Raises:
            TypeError: ``compute_fn`` is not callable, ``key_parts`` is not JSON, or
                ``compute_fn`` returns something other than (arrays, info) as described.
            ValueError: ``name`` is not a plain folder name.
        """
        _check_name(name)
        if not callable(compute_fn):
            raise TypeError(f"`compute_fn` must be callable (got {type(compute_fn).__name__}).")
        parts = self.full_key_parts(key_parts)
        key = entry_key(parts)
        folder = self.folder(name, key)
        if folder.exists() and not self.retrain:
            try:
                manifest = _read_manifest(folder, key)
                names = manifest["arrays"]
                with np.load(folder / "arrays.npz", allow_pickle=False) as data:
                    if sorted(data.files) != sorted(names):
                        raise ValueError(f"arrays {sorted(data.files)} instead of {sorted(names)}")
                    arrays = {array_name: data[array_name] for array_name in names}
                info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
            except (ValueError, KeyError, OSError, json.JSONDecodeError) as error:
                _warn(i18n.gettext("The stored result {entry} cannot be used ({reason}); it is trained again.")
                      .format(entry=folder.name, reason=error))
                shutil.rmtree(folder, ignore_errors=True)
            else:
                self.log(i18n.gettext("{name}: loaded from the results store (computed on {date}; "
                                      "COURSE_RETRAIN=1 computes it again).").format(
                                          name=name, date=str(manifest.get("written", "?"))[:10]))
                _mark_used(folder)
                return Computed(arrays=arrays, info=info, loaded=True, key=key)
        result = compute_fn()
        if not (isinstance(result, tuple) and len(result) == 2 and all(isinstance(r, Mapping) for r in result)):
            raise TypeError(f"`compute_fn` must return a pair (arrays, info) of mappings (got {type(result).__name__}).")
        arrays = {}
        for array_name, value in result[0].items():
            array = np.asarray(value)
            if not isinstance(array_name, str) or not array_name.isidentifier() or array.dtype == object:
                raise TypeError(f"`compute_fn`'s arrays must map identifiers to numeric arrays "
                                f"(got {array_name!r}: {type(value).__name__}).")
            arrays[array_name] = array
        info = dict(result[1])
        try:  # checked now, before anything is written
            info_text = json.dumps(info, sort_keys=True, indent=1, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"`compute_fn`'s info must hold only JSON values (str, int, finite float, bool, None, "
                            f"lists, dicts with string keys); {error}") from None

        def files(temporary: Path) -> dict:
            with open(temporary / "arrays.npz", "wb") as handle:
                np.savez(handle, **arrays)
            (temporary / "info.json").write_text(info_text, encoding="utf-8")
            return {"arrays": {n: {"shape": list(a.shape), "dtype": a.dtype.str} for n, a in arrays.items()}}

        _write_folder(folder, files, {"format": FORMAT, "name": name, "key": key, "key_parts": parts,
                                      "written": _now()})
        return Computed(arrays=arrays, info=info, loaded=False, key=key)

    def fit(
        self,
        model,
        x: np.ndarray,
        y: np.ndarray,
        *,
        epochs: int,
        batch_size: int,
        validation_data: tuple[np.ndarray, np.ndarray] | None = None,
        seed: int = 0,
        name: str | None = None,
        callbacks: Sequence[Any] = (),
        show_progress: bool = True,
    ) -> Fitted:
        """Train a compiled Keras model like ``model.fit``, or load the weights of the same training.

        The key covers the model's architecture and compile settings
        (optimizer, schedule, loss, metrics), its initial weights (hence
        its seed), the data, ``epochs``, ``batch_size`` and ``seed``. Each
        epoch shuffles the training examples with a NumPy generator seeded by
        ``(seed, epoch)`` and runs one ``model.fit`` epoch; the last finished
        epoch is checkpointed, so an interrupted training resumes and ends
        with the same weights. Progress shows within each epoch (a bar with
        rate and time left) and leaves one line per epoch.

        Args:
            model: A compiled, built Keras model; trained in place, or given the stored weights.
            x, y: Training examples and labels.
            epochs: Passes over the training examples.
            batch_size: Examples per gradient step.
            validation_data: ``(x_val, y_val)`` scored after every epoch, or None.
            seed: Seed of the shuffling order.
            name: The entry's readable name; ``model.name`` when None.
            callbacks: More Keras callbacks, passed to every epoch's ``fit``.
            show_progress: Show the bar and the per-epoch lines.

        Returns:
            A :class:`Fitted` with Keras's history and the training time.

        Raises:
            TypeError: ``model`` is not compiled, or an argument has the wrong type.
            ValueError: ``epochs`` or ``batch_size`` < 1, or ``x`` and ``y`` differ in length.
        """
        import keras

        if not isinstance(model, keras.Model) or getattr(model, "optimizer", None) is None:
            raise TypeError(f"`model` must be a compiled keras.Model (got {type(model).__name__}"
                            f"{'' if not isinstance(model, keras.Model) else ' that is not compiled'}).")
        for arg, value in (("epochs", epochs), ("batch_size", batch_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"`{arg}` must be an integer >= 1 (got {arg}={value!r}).")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"`seed` must be an integer (got seed={seed!r}).")
        if len(x) != len(y):
            raise ValueError(f"`x` and `y` must have the same length (got {len(x)} and {len(y)}).")
        if validation_data is not None and (not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2):
            raise TypeError("`validation_data` must be a pair (x_val, y_val) or None "
                            f"(got {type(validation_data).__name__}).")
        epochs, batch_size, seed = int(epochs), int(batch_size), int(seed)
        if model not in _INITIAL_WEIGHTS:
            _INITIAL_WEIGHTS[model] = fingerprint(*model.get_weights())
        arrays = [x, y] + (list(validation_data) if validation_data is not None else [])
        key_parts = {
            "kind": "keras.fit",
            "recipe": FIT_RECIPE,
            "architecture": _architecture(model),
            "initial_weights": _INITIAL_WEIGHTS[model],
            "data": fingerprint(*arrays),
            "epochs": epochs, "batch_size": batch_size, "seed": seed,
            "validation": validation_data is not None,
        }
        steps = int(np.ceil(len(x) / batch_size))

        def train_fn(trained, checkpoint: Checkpoint) -> dict:
            done, state = checkpoint.restore(trained, trained.optimizer)
            history: dict[str, list[float]] = state.get("history", {})
            epoch_seconds: list[float] = state.get("epoch_seconds", [])
            bar = progress.EpochProgress(epochs, steps, enabled=show_progress)
            for line_epoch in range(done):
                bar.write(progress.keras_epoch_line(line_epoch + 1, epochs, {k: v[line_epoch] for k, v in history.items()},
                                                    epoch_seconds[line_epoch]))
            if done:
                bar.write(i18n.gettext("Resumed after epoch {epoch} from a checkpoint.").format(epoch=done))
            for epoch in range(done, epochs):
                order = np.random.default_rng([seed, epoch]).permutation(len(x))
                start = time.perf_counter()
                logs = trained.fit(x[order], y[order], batch_size=batch_size, epochs=epoch + 1, initial_epoch=epoch,
                                   validation_data=validation_data, shuffle=False, verbose=0,
                                   callbacks=[progress.KerasProgress(bar), *callbacks]).history
                seconds = time.perf_counter() - start
                for metric, values in logs.items():
                    history.setdefault(metric, []).append(float(values[-1]))
                epoch_seconds.append(seconds)
                bar.end_epoch(progress.keras_epoch_line(epoch + 1, epochs, {k: v[-1] for k, v in history.items()},
                                                        seconds))
                checkpoint.save(epoch + 1, trained, trained.optimizer,
                                {"history": history, "epoch_seconds": epoch_seconds})
            bar.close()
            return {"history": history, "epoch_seconds": epoch_seconds}

        def describe(stored: Mapping[str, Any]) -> None:
            if not show_progress:
                return
            bar = progress.EpochProgress(epochs, steps)
            for epoch in range(epochs):
                bar.write(progress.keras_epoch_line(epoch + 1, epochs, {k: v[epoch] for k, v in stored["history"].items()},
                                                    stored["epoch_seconds"][epoch]))
            bar.close()

        stored = self.train_or_load(name or model.name, key_parts, lambda: model, train_fn, describe=describe)
        history = {k: list(v) for k, v in stored.history["history"].items()}
        seconds_each = [float(s) for s in stored.history["epoch_seconds"]]
        return Fitted(history=history, seconds=float(sum(seconds_each)), epoch_seconds=seconds_each,
                      loaded=stored.loaded, key=stored.key)
