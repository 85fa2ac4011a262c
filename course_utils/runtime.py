"""The runtime a notebook runs on: TensorFlow and Keras versions, GPU and kernels.

Every chapter calls :func:`check_versions` right after its setup cell. In
Google Colab the runtime's TensorFlow and Keras come with the machine, not
with the course, so a notebook first makes sure they are versions the course
supports, and says what to do when they are not:

* :data:`SUPPORTED`: the ranges the course's code is written for (Keras 3 and
  a TensorFlow that ships it). Outside them, :func:`check_versions` raises
  :class:`UnsupportedRuntimeError`.
* :data:`TESTED`: the exact versions the course's tests and benchmarks run
  with (the pins of ``requirements.txt``). Inside the supported ranges but not
  these, the notebook runs and the report says so.

The versions are read from the installed distributions' metadata
(:mod:`importlib.metadata`), so the check does not import TensorFlow; a
TensorFlow installed as ``tensorflow``, ``tensorflow-cpu`` or
``tf-nightly`` is found all the same.

:func:`gpu_kernel_name` says which LSTM kernel Keras uses on this runtime:
NVIDIA's cuDNN kernel when a GPU is visible, the generic one otherwise;
:func:`kernel_display_name` gives that name in the reader's language.
Chapter 2 needs it, because the two write different values into the masked
steps of ``return_sequences`` outputs.

Example:
    >>> from course_utils import runtime
    >>> report = runtime.check_versions(versions={"tensorflow": "2.21.0", "keras": "3.15.1"})
    >>> report.tested
    True
"""

from __future__ import annotations

import importlib.metadata as _metadata
from collections.abc import Mapping
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from . import i18n

__all__ = [
    "SUPPORTED",
    "TESTED",
    "PACKAGES",
    "UnsupportedRuntimeError",
    "VersionReport",
    "installed_versions",
    "check_versions",
    "gpu_kernel_name",
    "KERNEL_NAMES",
    "kernel_display_name",
]

PACKAGES: tuple[str, ...] = ("tensorflow", "keras")
"""The packages :func:`check_versions` checks, by their import names."""

SUPPORTED: dict[str, str] = {
    "tensorflow": ">=2.16,<3",   # 2.16 is the first TensorFlow whose tf.keras is Keras 3
    "keras": ">=3.0,<4",         # the chapters use the Keras 3 API (keras.ops, keras.Input, use_cudnn)
}
"""Version ranges (PEP 440 specifiers) the course's code is written for."""

TESTED: dict[str, str] = {
    "tensorflow": "2.21.0",   # requirements.txt: tensorflow-cpu==2.21.0
    "keras": "3.15.1",        # requirements.txt: keras==3.15.1
}
"""The versions the tests and benchmarks use; a test holds them to requirements.txt."""

# Distributions that provide each import name, tried in this order when the
# metadata's own mapping (packages_distributions) does not name one.
_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly", "tensorflow-macos",
                   "tensorflow-intel"),
    "keras": ("keras", "keras-nightly"),
}
_NAMES = {"tensorflow": "TensorFlow", "keras": "Keras"}


class UnsupportedRuntimeError(RuntimeError):
    """TensorFlow or Keras is missing, or outside the versions the course supports."""


@dataclass(frozen=True)
class VersionReport:
    """What :func:`check_versions` found.

    Attributes:
        versions: The version of each package of :data:`PACKAGES`.
        tested: True when every version equals :data:`TESTED`'s.
        message: One line for the reader, in their language.
    """

    versions: dict[str, str]
    tested: bool
    message: str

    def __str__(self) -> str:
        return self.message


def _distribution_version(package: str) -> str | None:
    candidates: list[str] = []
    try:
        candidates += list(_metadata.packages_distributions().get(package, []))
    except Exception:  # pragma: no cover - a broken metadata directory elsewhere in site-packages
        pass
    candidates += [name for name in _DISTRIBUTIONS[package] if name not in candidates]
    for name in candidates:
        try:
            return _metadata.version(name)
        except _metadata.PackageNotFoundError:
            continue
    return None


def installed_versions() -> dict[str, str | None]:
    """Return the installed version of TensorFlow and Keras (None for a missing one), without importing them.

    Example:
        >>> sorted(installed_versions())
        ['keras', 'tensorflow']
    """
    return {package: _distribution_version(package) for package in PACKAGES}


def check_versions(
    versions: Mapping[str, str | None] | None = None,
    *,
    supported: Mapping[str, str] | None = None,
    tested: Mapping[str, str] | None = None,
    verbose: bool = True,
) -> VersionReport:
    """Check that this runtime's TensorFlow and Keras are versions the course supports.

    Args:
        versions: The version of each of ``"tensorflow"`` and ``"keras"``
            (None for a missing package); the installed ones when None.
        supported: PEP 440 ranges per package; :data:`SUPPORTED` when None.
        tested: The tested version per package; :data:`TESTED` when None.
        verbose: Print the report's one-line message.

    Returns:
        A :class:`VersionReport` (also printed when ``verbose``).

    Raises:
        TypeError: ``versions``, ``supported`` or ``tested`` is not a mapping,
            or ``verbose`` is not a bool.
        ValueError: A mapping lacks ``"tensorflow"`` or ``"keras"``, or holds
            something that is not a version or a version range.
        UnsupportedRuntimeError: A package is missing or outside its supported
            range; the message names the versions found, the supported ones,
            and what to do.

    Example:
        >>> check_versions(versions={"tensorflow": "2.15.0", "keras": "2.15.0"})  # doctest: +SKIP
        UnsupportedRuntimeError: This runtime has TensorFlow 2.15.0 and Keras 2.15.0, ...
    """
    if not isinstance(verbose, bool):
        raise TypeError(f"`verbose` must be True or False (got {verbose!r}).")
    found = dict(installed_versions() if versions is None else _require_mapping("versions", versions))
    ranges = dict(SUPPORTED if supported is None else _require_mapping("supported", supported))
    wanted = dict(TESTED if tested is None else _require_mapping("tested", tested))
    specifiers: dict[str, SpecifierSet] = {}
    for package in PACKAGES:
        for name, table in (("versions", found), ("supported", ranges), ("tested", wanted)):
            if package not in table:
                raise ValueError(f"`{name}` must have an entry for {package!r} (got keys {sorted(table)}).")
        try:
            specifiers[package] = SpecifierSet(str(ranges[package]))
        except InvalidSpecifier as error:
            raise ValueError(
                f"`supported[{package!r}]` must be a version range such as '>=2.16,<3' (got {ranges[package]!r})."
            ) from error
        try:
            Version(str(wanted[package]))
        except InvalidVersion as error:
            raise ValueError(f"`tested[{package!r}]` must be a version such as '2.21.0' (got {wanted[package]!r}).") from error
    parsed: dict[str, Version | None] = {}
    for package in PACKAGES:
        value = found[package]
        if value is None:
            parsed[package] = None
            continue
        try:
            parsed[package] = Version(str(value))
        except InvalidVersion as error:
            raise ValueError(f"`versions[{package!r}]` must be a version such as '2.21.0' (got {value!r}).") from error
    shown = {p: (str(found[p]) if found[p] is not None else i18n.gettext("not installed")) for p in PACKAGES}
    pins = " ".join(f"'{p}=={wanted[p]}'" for p in PACKAGES)
    fields = dict(tensorflow=shown["tensorflow"], keras=shown["keras"],
                  tensorflow_range=ranges["tensorflow"], keras_range=ranges["keras"],
                  tensorflow_tested=wanted["tensorflow"], keras_tested=wanted["keras"], pins=pins)
    bad = [p for p in PACKAGES if parsed[p] is None or not specifiers[p].contains(parsed[p], prereleases=True)]
    if bad:
        raise UnsupportedRuntimeError(i18n.gettext(
            "This runtime has TensorFlow {tensorflow} and Keras {keras}, but the course supports TensorFlow "
            "{tensorflow_range} and Keras {keras_range} (tested with TensorFlow {tensorflow_tested} and Keras "
            "{keras_tested}). To fix it, install the tested versions and restart the runtime: run "
            "`pip install {pins}` (in Colab: `!pip install {pins}`, then Runtime > Restart session), or run "
            "the course locally as its README explains."
        ).format(**fields))
    is_tested = all(parsed[p] == Version(str(wanted[p])) for p in PACKAGES)
    if is_tested:
        message = i18n.gettext(
            "TensorFlow {tensorflow}, Keras {keras}: the versions the course is tested with.").format(**fields)
    else:
        message = i18n.gettext(
            "TensorFlow {tensorflow}, Keras {keras}: supported, though the course is tested with TensorFlow "
            "{tensorflow_tested} and Keras {keras_tested}. If a cell fails, install those: run "
            "`pip install {pins}` and restart the runtime."
        ).format(**fields)
    report = VersionReport(versions={p: str(found[p]) for p in PACKAGES}, tested=is_tested, message=message)
    if verbose:
        print(message)
    return report


def _require_mapping(name: str, value: object) -> Mapping[str, str | None]:
    if not isinstance(value, Mapping):
        raise TypeError(f"`{name}` must map package names to versions (got {type(value).__name__}).")
    return value


def gpu_kernel_name() -> str:
    """Return which LSTM/GRU kernel Keras runs here: ``"cuDNN"`` with a visible GPU, else ``"generic"``.

    Keras's TensorFlow backend picks NVIDIA's cuDNN kernel for ``LSTM`` and
    ``GRU`` layers whose settings it supports (the defaults) when a GPU is
    visible (a logical GPU device); otherwise it runs its generic loop. This function imports
    TensorFlow.

    Example:
        >>> gpu_kernel_name() in ("cuDNN", "generic")   # doctest: +SKIP
        True
    """
    import tensorflow as tf

    return "cuDNN" if tf.config.list_logical_devices("GPU") else "generic"


KERNEL_NAMES: dict[str, str] = {
    "cuDNN": "cuDNN",  # a product name: the same in every language
    # TRANSLATORS: Keras's LSTM kernel that runs anywhere (as opposed to NVIDIA's cuDNN kernel).
    "generic": i18n.N_("generic"),
}
"""The name a reader sees for each identifier :func:`gpu_kernel_name` returns, in English."""


def kernel_display_name(kernel: str, lang: str | None = None) -> str:
    """Return the name of a kernel from :func:`gpu_kernel_name` in the reader's language.

    Args:
        kernel: ``"cuDNN"`` or ``"generic"``.
        lang: A language for this call only; ``None`` for the notebook's.

    Raises:
        ValueError: ``kernel`` is not a key of :data:`KERNEL_NAMES`, or ``lang``
            is not one of :data:`course_utils.i18n.LANGUAGES`.

    Example:
        >>> kernel_display_name("generic", lang="es")
        'genérico'
    """
    if not isinstance(kernel, str) or kernel not in KERNEL_NAMES:
        raise ValueError(f"`kernel` must be one of {sorted(KERNEL_NAMES)}, as gpu_kernel_name() returns "
                         f"(got kernel={kernel!r}).")
    return i18n.gettext(KERNEL_NAMES[kernel], lang=lang)
