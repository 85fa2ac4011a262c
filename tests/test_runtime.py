import re
from pathlib import Path

import pytest

from course_utils import runtime

ROOT = Path(__file__).resolve().parents[1]


def test_tested_versions_are_the_pins_of_requirements():
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.txt").read_text(), flags=re.M))
    assert runtime.TESTED == {"tensorflow": pins["tensorflow-cpu"], "keras": pins["keras"]}


def test_installed_versions_are_found_without_importing_tensorflow():
    import keras
    import tensorflow as tf

    assert runtime.installed_versions() == {"tensorflow": tf.__version__, "keras": keras.__version__}


def test_this_environment_is_the_tested_one(capsys):
    report = runtime.check_versions()
    assert report.tested is True
    assert "the versions the course is tested with" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("versions", "tested"),
    [
        ({"tensorflow": "2.21.0", "keras": "3.15.1"}, True),
        ({"tensorflow": "2.19.0", "keras": "3.10.0"}, False),   # a Colab of 2025: supported, not tested
        ({"tensorflow": "2.16.1", "keras": "3.0.0"}, False),    # the lower bounds
        ({"tensorflow": "2.22.0rc1", "keras": "3.16.0.dev2026"}, False),
    ],
)
def test_supported_versions(versions, tested, capsys):
    report = runtime.check_versions(versions=versions)
    assert report.tested is tested and report.versions == versions
    out = capsys.readouterr().out
    assert versions["tensorflow"] in out and versions["keras"] in out
    if not tested:
        assert "pip install 'tensorflow==2.21.0' 'keras==3.15.1'" in out


@pytest.mark.parametrize(
    ("versions", "found"),
    [
        ({"tensorflow": "2.15.0", "keras": "2.15.0"}, "TensorFlow 2.15.0 and Keras 2.15.0"),   # Keras 2
        ({"tensorflow": "2.21.0", "keras": "2.15.0"}, "TensorFlow 2.21.0 and Keras 2.15.0"),
        ({"tensorflow": "3.0.0", "keras": "3.15.1"}, "TensorFlow 3.0.0 and Keras 3.15.1"),
        ({"tensorflow": None, "keras": "3.15.1"}, "TensorFlow not installed and Keras 3.15.1"),
    ],
)
def test_unsupported_versions_stop_with_what_to_do(versions, found):
    with pytest.raises(runtime.UnsupportedRuntimeError) as info:
        runtime.check_versions(versions=versions, verbose=False)
    message = str(info.value)
    assert f"This runtime has {found}" in message
    assert "supports TensorFlow >=2.16,<3 and Keras >=3.0,<4" in message
    assert "tested with TensorFlow 2.21.0 and Keras 3.15.1" in message
    assert "pip install 'tensorflow==2.21.0' 'keras==3.15.1'" in message and "Restart session" in message


def test_ranges_and_tested_versions_can_be_given():
    report = runtime.check_versions(versions={"tensorflow": "2.10.0", "keras": "2.10.0"},
                                    supported={"tensorflow": ">=2.10", "keras": ">=2"},
                                    tested={"tensorflow": "2.10.0", "keras": "2.10.0"}, verbose=False)
    assert report.tested and str(report) == report.message


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"versions": [("tensorflow", "2.21.0")]}, TypeError, r"`versions` must map package names to versions \(got list\)"),
        ({"versions": {"tensorflow": "2.21.0"}}, ValueError, r"`versions` must have an entry for 'keras'"),
        ({"versions": {"tensorflow": "two", "keras": "3.15.1"}}, ValueError,
         r"`versions\['tensorflow'\]` must be a version such as '2.21.0' \(got 'two'\)"),
        ({"supported": {"tensorflow": "at least 2", "keras": ">=3"}}, ValueError,
         r"`supported\['tensorflow'\]` must be a version range"),
        ({"tested": {"keras": "3.15.1"}}, ValueError, r"`tested` must have an entry for 'tensorflow'"),
        ({"tested": {"tensorflow": "latest", "keras": "3.15.1"}}, ValueError, r"`tested\['tensorflow'\]` must be a version"),
        ({"verbose": "yes"}, TypeError, r"`verbose` must be True or False \(got 'yes'\)"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        runtime.check_versions(**kwargs)


def test_kernel_name_on_this_machine():
    import tensorflow as tf

    expected = "cuDNN" if tf.config.list_logical_devices("GPU") else "generic"
    assert runtime.gpu_kernel_name() == expected


@pytest.mark.parametrize(
    "kernel, lang, expected",
    [("generic", "en", "generic"), ("generic", "es", "genérico"), ("generic", "pt", "genérico"),
     ("cuDNN", "es", "cuDNN"), ("cuDNN", "pt", "cuDNN")],
)
def test_kernel_display_name_speaks_the_readers_language(kernel, lang, expected):
    # Chapter 2's legend read "kernel generic" on the Spanish and Portuguese pages.
    assert runtime.kernel_display_name(kernel, lang=lang) == expected


def test_kernel_display_name_covers_what_gpu_kernel_name_returns():
    assert runtime.kernel_display_name(runtime.gpu_kernel_name()) in {"cuDNN", "generic"}


@pytest.mark.parametrize("kernel", ["cudnn", "", None, 3])
def test_kernel_display_name_rejects_unknown_kernels(kernel):
    with pytest.raises(ValueError, match=r"`kernel` must be one of \['cuDNN', 'generic'\]"):
        runtime.kernel_display_name(kernel)


def test_kernel_display_name_rejects_unknown_languages():
    with pytest.raises(ValueError, match="fr"):
        runtime.kernel_display_name("generic", lang="fr")
