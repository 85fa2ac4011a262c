import dataclasses
import math

import numpy as np
import pytest
import tensorflow as tf

from course_utils import lm, ptb


def _tiny(**changes) -> lm.LMConfig:
    base = dict(vocab_size=12, embedding_dim=4, lstm_units=(5, 3), batch_size=2, num_steps=3,
                epochs=2, eval_batch_size=2)
    base.update(changes)
    return lm.LMConfig(**base)


def _tiny_corpus() -> ptb.Corpus:
    words = "a b c d e f g h i j".split()
    tokens = [words[i % 7] for i in range(300)]  # a repeating pattern a model can learn
    vocab = ptb.build_vocabulary(tokens + words + ["<eos>"], max_size=12)
    ids = ptb.encode(tokens, vocab)
    return ptb.Corpus(vocab=vocab, train=ids[:200], valid=ids[200:260], test=ids[260:])


def test_source_config_has_the_source_parameter_count():
    model = lm.build_model(lm.LMConfig())
    # 10000*200 + 4*256*(200+256+1) + 4*128*(256+128+1) + 128*10000 + 10000
    assert lm.count_parameters(model) == model.count_params() == 3_955_088


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (dict(), 12 * 4 + 4 * 5 * (4 + 5 + 1) + 4 * 3 * (5 + 3 + 1) + 3 * 12 + 12),
        (dict(tie_embeddings=True), 12 * 4 + 4 * 5 * 10 + 4 * 3 * 9 + (3 * 4 + 4) + 12),  # projection 3 -> 4
        (dict(tie_embeddings=True, lstm_units=(5, 4)), 12 * 4 + 4 * 5 * 10 + 4 * 4 * 10 + 12),  # sizes allow: no projection
        (dict(dropout=0.5), 12 * 4 + 4 * 5 * 10 + 4 * 3 * 9 + 3 * 12 + 12),  # dropout adds no weights
    ],
)
def test_parameter_counts(changes, expected):
    assert lm.count_parameters(lm.build_model(_tiny(**changes))) == expected


def test_model_shapes_and_state_round_trip():
    config = _tiny()
    model = lm.build_model(config)
    x = np.zeros((4, 7), dtype=np.int32)
    logits, *state = model([tf.constant(x), *lm.zero_state(config, 4)])
    assert logits.shape == (4, 7, 12)
    assert [tuple(s.shape) for s in state] == [(4, 5), (4, 5), (4, 3), (4, 3)]


def test_carried_state_equals_one_long_pass():
    # Reading 6 steps at once gives the same logits as reading 3, then 3 more from the carried state.
    config = _tiny()
    model = lm.build_model(config, seed=3)
    x = np.random.default_rng(0).integers(0, 12, size=(2, 6)).astype(np.int32)
    whole, *_ = model([tf.constant(x), *lm.zero_state(config, 2)])
    first, *state = model([tf.constant(x[:, :3]), *lm.zero_state(config, 2)])
    second, *_ = model([tf.constant(x[:, 3:]), *state])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, atol=1e-5)


def test_tied_output_uses_the_embedding_matrix():
    model = lm.build_model(_tiny(tie_embeddings=True, lstm_units=(5, 4)))
    embedding = model.get_layer("embedding").embeddings
    tied = model.get_layer("tied_output")
    assert tied._tied[0].embeddings is embedding
    assert sum(v is embedding for v in model.trainable_variables) == 1


@pytest.mark.parametrize(("epoch", "rate"), [(1, 1.0), (4, 1.0), (5, 0.5), (6, 0.25), (15, 0.5**11)])
def test_learning_rate_schedule(epoch, rate):
    assert lm.learning_rate_at(lm.LMConfig(), epoch) == pytest.approx(rate)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(lstm_units=()), "`lstm_units` must be a non-empty tuple"),
        (dict(lstm_units=(4, 0)), "`lstm_units` must be a non-empty tuple"),
        (dict(dropout=1.0), r"`dropout` must be in \[0, 1\) \(got dropout=1.0\)"),
        (dict(batch_size=0), r"`batch_size` must be an integer >= 1 \(got batch_size=0\)"),
        (dict(learning_rate=0.0), "`learning_rate` must be > 0"),
        (dict(lr_decay=1.5), r"`lr_decay` must be in \(0, 1\]"),
        (dict(decay_after=-1), "`decay_after` must be an integer >= 0"),
    ],
)
def test_config_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        _tiny(**changes)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: lm.learning_rate_at(lm.LMConfig(), 0), ValueError, "`epoch` must be an integer >= 1"),
    (lambda: lm.zero_state(lm.LMConfig(), 0), ValueError, "`batch_size` must be an integer >= 1"),
    (lambda: lm.build_model({"vocab_size": 3}), TypeError, "`config` must be an LMConfig"),
])
def test_function_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_train_learns_a_repeating_pattern_and_reports():
    corpus = _tiny_corpus()
    config = _tiny(epochs=6, learning_rate=0.5, num_steps=5)
    result = lm.train(config, corpus, seed=1, verbose=False)
    assert len(result.train_perplexity) == len(result.valid_perplexity) == 6
    assert result.learning_rates == [lm.learning_rate_at(config, e) for e in range(1, 7)]
    assert result.valid_perplexity[-1] < result.valid_perplexity[0] < 12 * 1.5
    assert result.test_perplexity is not None and math.isfinite(result.test_perplexity)
    assert result.words_per_second > 0 and result.parameters == lm.count_parameters(result.model)
    # evaluate() is the perplexity exp(mean loss) of the same stream.
    assert lm.evaluate(result.model, config, corpus.test) == pytest.approx(result.test_perplexity, rel=1e-5)


def test_train_rejects_a_vocabulary_mismatch():
    corpus = _tiny_corpus()
    with pytest.raises(ValueError, match=r"`config.vocab_size` must equal .*vocab_size=99"):
        lm.train(_tiny(vocab_size=99), corpus, verbose=False)


def test_train_rejects_a_too_short_split():
    corpus = dataclasses.replace(_tiny_corpus(), train=np.arange(5, dtype=np.int32))
    with pytest.raises(ValueError, match="the window is longer than the data"):
        lm.train(_tiny(), corpus, verbose=False)


@pytest.mark.parametrize(("recipe", "lang", "expected"), [
    ("source", "en", "source recipe"), ("source", "es", "receta original"), ("source", "pt", "receita original"),
    ("dropout + tied", "es", "dropout + embeddings compartidos"),
    ("dropout + tied", "pt", "dropout + embeddings compartilhados"),
])
def test_recipes_have_display_names_in_every_language(recipe, lang, expected):
    assert set(lm.RECIPE_NAMES) == set(lm.RECIPES)
    assert lm.display_name(recipe, lang=lang) == expected


def test_display_name_refuses_unknown_recipes():
    with pytest.raises(ValueError, match=r"`recipe` must be one of .* \(got recipe='tied'\)"):
        lm.display_name("tied")


@pytest.mark.parametrize("changes", [dict(tie_embeddings=True, dropout=0.3), dict(tie_embeddings=True, lstm_units=(5, 4)),
                                     dict()])
def test_saved_model_loads_back_with_identical_outputs_and_the_tie(tmp_path, changes):
    import keras

    config = _tiny(**changes)
    model = lm.build_model(config, seed=4)
    x = np.random.default_rng(1).integers(0, 12, size=(2, 6)).astype(np.int32)
    before = model([tf.constant(x), *lm.zero_state(config, 2)])
    model.save(tmp_path / "lm.keras")
    loaded = keras.models.load_model(tmp_path / "lm.keras")
    assert isinstance(loaded, lm.LanguageModel) and loaded.lm_config == config
    after = loaded([tf.constant(x), *lm.zero_state(config, 2)])
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    if config.tie_embeddings:
        assert loaded.get_layer("tied_output")._tied[0] is loaded.get_layer("embedding")
        assert lm.count_parameters(loaded) == lm.count_parameters(model)


def test_tied_output_config_round_trip():
    import keras

    embedding = keras.layers.Embedding(12, 4, name="embedding")
    layer = lm.TiedOutput(embedding, name="tied_output")
    copy = lm.TiedOutput.from_config(layer.get_config())
    assert copy.name == "tied_output" and copy._tied[0].input_dim == 12 and copy._tied[0].output_dim == 4
    with pytest.raises(TypeError, match="`embedding` must be a keras.layers.Embedding"):
        lm.TiedOutput("embedding")


def test_epoch_line_is_one_line_with_every_figure():
    line = lm.epoch_line(3, 0.5, 180.25, 170.5, 4200.4)
    assert "\n" not in line and all(part in line for part in ("3", "0.5000", "180.25", "170.50", "4,200"))
