import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from course_utils import mnist

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
NAMES = list(mnist.MNIST_FILES.values())
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = NAMES


def _real_mnist_dir() -> Path:
    """The real IDX files: $COURSE_DATA_DIR/mnist when set, else ../shared/data/mnist."""
    data_dir = os.environ.get(mnist.DATA_DIR_ENV_VAR)
    return Path(data_dir) / "mnist" if data_dir else SHARED_MNIST


# --- synthetic IDX files -------------------------------------------------------------


def _idx_bytes(array: np.ndarray, magic: bytes | None = None) -> bytes:
    array = np.asarray(array, dtype=np.uint8)
    head = magic if magic is not None else bytes([0, 0, 8, array.ndim])
    return head + np.asarray(array.shape, dtype=">i4").tobytes() + array.tobytes()


def _synthetic_arrays(n_train: int = 6, n_test: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        TRAIN_IMAGES: rng.integers(0, 256, size=(n_train, 28, 28), dtype=np.uint8),
        TRAIN_LABELS: (np.arange(n_train) % 10).astype(np.uint8),
        TEST_IMAGES: rng.integers(0, 256, size=(n_test, 28, 28), dtype=np.uint8),
        TEST_LABELS: (np.arange(n_test)[::-1] % 10).astype(np.uint8),
    }


def _write(directory: Path, name: str, payload: bytes, gz: bool) -> Path:
    path = directory / (name + ".gz" if gz else name)
    path.write_bytes(gzip.compress(payload, mtime=0) if gz else payload)
    return path


def _write_dataset(directory: Path, gz: bool | dict[str, bool] = True) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Write the four synthetic files; return the arrays and their MD5 table."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = _synthetic_arrays()
    table = {}
    for name, array in arrays.items():
        payload = _idx_bytes(array)
        _write(directory, name, payload, gz[name] if isinstance(gz, dict) else gz)
        table[name] = hashlib.md5(payload).hexdigest()
    return arrays, table


def _assert_loaded(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, name in ((x_train, TRAIN_IMAGES), (y_train, TRAIN_LABELS), (x_test, TEST_IMAGES), (y_test, TEST_LABELS)):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[name])


@pytest.fixture
def no_network(monkeypatch):
    """Make the Keras online route fail as it does offline, and count its calls."""
    keras = pytest.importorskip("keras")
    calls = []

    def fail(*args, **kwargs):
        calls.append(args)
        raise Exception("URL fetch failure on https://storage.googleapis.com/.../mnist.npz: None -- no network")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fail)
    return calls


# --- the real files ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_mnist():
    directory = _real_mnist_dir()
    if not directory.is_dir():
        pytest.fail(f"the real MNIST files are expected in {directory} (set COURSE_DATA_DIR)")
    return mnist.load_mnist(directory)


def test_real_files_have_the_standard_split(real_mnist):
    (x_train, y_train), (x_test, y_test) = real_mnist
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert x_train.min() == 0 and x_train.max() == 255
    assert x_train.flags.writeable, "arrays must be writable, like the ones Keras returns"


def test_real_files_have_the_known_labels(real_mnist):
    (_, y_train), (_, y_test) = real_mnist
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_real_files_through_the_environment_variable(real_mnist, no_network):
    data_dir = _real_mnist_dir().parent
    (x_train, _), (_, y_test) = mnist.load_mnist(environ={mnist.DATA_DIR_ENV_VAR: str(data_dir)})
    np.testing.assert_array_equal(x_train[:100], real_mnist[0][0][:100])
    np.testing.assert_array_equal(y_test, real_mnist[1][1])
    assert no_network == []


def test_real_test_labels_match_their_published_checksum():
    path = _real_mnist_dir() / (TEST_LABELS + ".gz")
    labels = mnist.read_idx(path, md5=mnist.MNIST_MD5[TEST_LABELS])
    assert labels.shape == (10000,)


# --- where the data come from ----------------------------------------------------------


@pytest.mark.parametrize(
    ("directory", "environ", "expected"),
    [
        ("/a/mnist", {"COURSE_DATA_DIR": "/b"}, "/a/mnist"),  # the argument wins
        (None, {"COURSE_DATA_DIR": "/b"}, "/b/mnist"),
        (None, {"COURSE_DATA_DIR": "  "}, None),  # blank: unset
        (None, {"COURSE_DATA_DIR": ""}, None),
        (None, {}, None),
        (Path("/c"), {}, "/c"),
    ],
)
def test_offline_directory_follows_the_precedence(directory, environ, expected):
    got = mnist.offline_directory(directory, environ=environ)
    assert (got.as_posix() if got is not None else None) == expected


def test_offline_directory_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", "/somewhere")
    assert mnist.offline_directory().as_posix() == "/somewhere/mnist"
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert mnist.offline_directory() is None


def test_directory_argument_wins_over_the_environment(tmp_path, no_network):
    arrays, table = _write_dataset(tmp_path / "good")
    environ = {"COURSE_DATA_DIR": str(tmp_path / "nowhere")}
    _assert_loaded(mnist.load_mnist(tmp_path / "good", environ=environ, checksums=table), arrays)


def test_environment_directory_without_mnist_is_an_error_not_a_download(tmp_path, no_network):
    with pytest.raises(FileNotFoundError, match=r"from the environment variable COURSE_DATA_DIR\) does not exist"):
        mnist.load_mnist(environ={"COURSE_DATA_DIR": str(tmp_path)})
    assert no_network == [], "a named directory must never fall back to the network"


def test_online_route_returns_what_keras_returns(monkeypatch):
    keras = pytest.importorskip("keras")
    fake = ((np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)), (np.ones((1, 28, 28), np.uint8), np.ones(1, np.uint8)))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    assert mnist.load_mnist(environ={}) is fake


def test_no_network_and_no_files_says_how_to_fix_it(no_network):
    with pytest.raises(mnist.MnistUnavailableError) as info:
        mnist.load_mnist(environ={})
    message = str(info.value)
    assert "URL fetch failure" in message
    assert "set the environment variable COURSE_DATA_DIR to a directory whose 'mnist/' subdirectory" in message
    assert all(name + ".gz" in message for name in NAMES)
    assert "pass the directory" in message and "load_mnist(directory=" in message
    assert "network access" in message
    assert len(no_network) == 1


# --- synthetic files: formats ------------------------------------------------------------


@pytest.mark.parametrize(
    "gz",
    [True, False, {TRAIN_IMAGES: True, TRAIN_LABELS: False, TEST_IMAGES: False, TEST_LABELS: True}],
    ids=["gzipped", "plain", "mixed"],
)
def test_synthetic_files_load_gzipped_or_plain(tmp_path, gz):
    arrays, table = _write_dataset(tmp_path, gz=gz)
    _assert_loaded(mnist.load_mnist(tmp_path, environ={}, checksums=table), arrays)
    _assert_loaded(mnist.load_mnist(str(tmp_path), environ={}, verify=False), arrays)


def test_gzipped_file_is_preferred_when_both_exist(tmp_path):
    arrays, table = _write_dataset(tmp_path, gz=True)
    (tmp_path / TRAIN_LABELS).write_bytes(b"not an IDX file")
    _assert_loaded(mnist.load_mnist(tmp_path, environ={}, checksums=table), arrays)


def test_gzip_is_detected_by_content_not_by_name(tmp_path):
    payload = _idx_bytes(np.arange(5))
    path = tmp_path / "labels-without-extension"
    path.write_bytes(gzip.compress(payload))
    np.testing.assert_array_equal(mnist.read_idx(path, md5=hashlib.md5(payload).hexdigest()), np.arange(5))


@pytest.mark.parametrize(
    ("array", "shape"),
    [(np.arange(3), (3,)), (np.zeros((0,)), (0,)), (np.ones((2, 3, 4)), (2, 3, 4)), (np.zeros((0, 28, 28)), (0, 28, 28))],
    ids=["labels", "no-labels", "images", "no-images"],
)
def test_read_idx_shapes(tmp_path, array, shape):
    path = _write(tmp_path, "x", _idx_bytes(array), gz=False)
    got = mnist.read_idx(path)
    assert got.shape == shape and got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.asarray(array, dtype=np.uint8))


# --- synthetic files: what goes wrong -------------------------------------------------------


def test_published_checksums_reject_files_that_are_not_mnist(tmp_path):
    _write_dataset(tmp_path)
    with pytest.raises(mnist.MnistFileError, match=rf"{TRAIN_IMAGES}\.gz' is corrupt or truncated: .* expected {mnist.MNIST_MD5[TRAIN_IMAGES]}"):
        mnist.load_mnist(tmp_path, environ={})


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "plain"])
def test_corrupt_file_names_file_and_both_checksums(tmp_path, gz):
    arrays, table = _write_dataset(tmp_path, gz=False)
    payload = bytearray(_idx_bytes(arrays[TEST_IMAGES]))
    payload[100] ^= 0xFF
    _write(tmp_path, TEST_IMAGES, bytes(payload), gz=gz)
    if gz:
        (tmp_path / TEST_IMAGES).unlink()
    actual = hashlib.md5(payload).hexdigest()
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(mnist.MnistFileError, match=rf"{TEST_IMAGES}(\.gz)?' is corrupt .* is {actual}, expected {table[TEST_IMAGES]}"):
        mnist.load_mnist(tmp_path, environ={}, checksums=table)
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "a failed load must leave nothing behind"


def test_truncated_gzip_file_names_file_and_checksums(tmp_path):
    arrays, table = _write_dataset(tmp_path, gz=True)
    path = tmp_path / (TRAIN_IMAGES + ".gz")
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(mnist.MnistFileError, match=rf"{TRAIN_IMAGES}\.gz' is truncated or corrupt: .* have MD5 [0-9a-f]{{32}}, expected MD5 of the uncompressed bytes {table[TRAIN_IMAGES]}"):
        mnist.load_mnist(tmp_path, environ={}, checksums=table)


def test_corrupt_gzip_stream_is_reported(tmp_path):
    path = tmp_path / "labels.gz"
    raw = bytearray(gzip.compress(_idx_bytes(np.arange(200) % 10)))
    raw[-6] ^= 0xFF  # inside the CRC / size trailer
    path.write_bytes(bytes(raw))
    with pytest.raises(mnist.MnistFileError, match=r"labels\.gz' is truncated or corrupt: .* no checksum given"):
        mnist.read_idx(path)


@pytest.mark.parametrize("gz", [True, False], ids=["gzipped", "plain"])
def test_truncated_file_without_verification_fails_on_its_size(tmp_path, gz):
    payload = _idx_bytes(np.zeros((3, 28, 28)))[:-10]
    path = _write(tmp_path, "images", payload, gz=gz)
    with pytest.raises(mnist.MnistFileError, match=r"holds 2342 bytes of data, but its header announces shape \(3, 28, 28\), that is 2352 bytes"):
        mnist.read_idx(path)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", r"magic number is missing \(empty file\)"),
        (b"\x00\x00", r"magic number is 00 00, expected 00 00 08"),
        (b"\x12\x34\x56\x78" + bytes(8), r"magic number is 12 34 56 78, expected 00 00 08"),
        (b"\x00\x00\x0d\x01" + bytes(8), r"magic number is 00 00 0d 01"),  # float32 IDX
        (b"\x00\x00\x08\x00", r"magic number is 00 00 08 00"),  # zero dimensions
        (b"\x00\x00\x08\x03\x00\x00", r"header needs 16 bytes for 3 dimensions, the file has 6"),
    ],
    ids=["empty", "short", "garbage", "float", "zero-dim", "short-header"],
)
def test_bad_magic_numbers_and_headers(tmp_path, payload, message):
    path = _write(tmp_path, "bad", payload, gz=False)
    with pytest.raises(mnist.MnistFileError, match=message):
        mnist.read_idx(path)


def test_labels_in_the_images_slot_are_rejected(tmp_path):
    arrays, _ = _write_dataset(tmp_path, gz=False)
    (tmp_path / TEST_IMAGES).write_bytes(_idx_bytes(arrays[TEST_LABELS]))
    with pytest.raises(mnist.MnistFileError, match=rf"{TEST_IMAGES}' has 1 dimensions \(4,\), expected 3 for test images"):
        mnist.load_mnist(tmp_path, environ={}, verify=False)


def test_images_and_labels_must_agree_in_number(tmp_path):
    _write_dataset(tmp_path, gz=False)
    (tmp_path / TRAIN_LABELS).write_bytes(_idx_bytes(np.arange(5)))
    with pytest.raises(mnist.MnistFileError, match=r"the train split .* has 6 images but 5 labels"):
        mnist.load_mnist(tmp_path, environ={}, verify=False)


def test_missing_directory_says_how_to_fix_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"(?s)'.*nowhere' \(from the `directory` argument\) does not exist.*COURSE_DATA_DIR"):
        mnist.load_mnist(tmp_path / "nowhere", environ={})


def test_missing_files_are_listed(tmp_path):
    _write_dataset(tmp_path)
    (tmp_path / (TEST_LABELS + ".gz")).unlink()
    (tmp_path / (TRAIN_IMAGES + ".gz")).unlink()
    with pytest.raises(FileNotFoundError, match=rf"lacks 2 of the 4 files: {TRAIN_IMAGES}\(\.gz\), {TEST_LABELS}\(\.gz\)"):
        mnist.load_mnist(tmp_path, environ={})


def test_parent_directory_gets_a_hint(tmp_path):
    _write_dataset(tmp_path / "mnist")
    with pytest.raises(FileNotFoundError, match=r"It has a 'mnist/' subdirectory: pass that one instead"):
        mnist.load_mnist(tmp_path, environ={})


def test_missing_single_file_for_read_idx(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no such file: '.*absent'"):
        mnist.read_idx(tmp_path / "absent")


# --- argument validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"directory": 123}, TypeError, r"`directory` must be a path \(str or os.PathLike\) \(got 123 of type int\)"),
        ({"directory": ""}, ValueError, r"`directory` must name a directory \(got an empty string\)"),
        ({"environ": ["COURSE_DATA_DIR"]}, TypeError, r"`environ` must be a mapping .* \(got list\)"),
        ({"verify": "yes"}, TypeError, r"`verify` must be True or False \(got 'yes' of type str\)"),
        ({"checksums": ["abc"]}, TypeError, r"`checksums` must map file names to MD5 checksums \(got list\)"),
        ({"checksums": {}}, ValueError, r"`checksums` must hold an MD5 for each of the 4 files .* verify=False"),
        ({"checksums": {**mnist.MNIST_MD5, TEST_LABELS: "xyz"}}, ValueError,
         r"`checksums\['t10k-labels-idx1-ubyte'\]` must be an MD5 checksum, 32 hexadecimal digits \(got 'xyz'\)"),
    ],
)
def test_load_mnist_rejects_bad_arguments(kwargs, error, message, no_network):
    with pytest.raises(error, match=message):
        mnist.load_mnist(**{"environ": {}, **kwargs})
    assert no_network == []


def test_checksums_are_ignored_when_verification_is_off(tmp_path):
    arrays, _ = _write_dataset(tmp_path)
    _assert_loaded(mnist.load_mnist(tmp_path, environ={}, verify=False, checksums={}), arrays)


def test_read_idx_rejects_a_bad_md5(tmp_path):
    with pytest.raises(ValueError, match=r"`md5` must be an MD5 checksum"):
        mnist.read_idx(tmp_path / "x", md5="1234")
