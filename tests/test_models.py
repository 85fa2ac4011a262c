"""Tests of course_utils.models: a model's layer table in the reader's language."""

import keras
import pytest

from course_utils import i18n, models


@pytest.fixture(autouse=True)
def _restore_language():
    yield
    i18n.set_language(i18n.DEFAULT_LANGUAGE)


def _sequential():
    return keras.Sequential([keras.Input(shape=(20, 1)), keras.layers.Masking(), keras.layers.LSTM(32, name="lstm"),
                             keras.layers.Dense(1, activation="sigmoid", name="dense")], name="classifier")


def _functional():
    inputs = keras.Input(shape=(None, 6), name="input_layer")
    sequence_1 = keras.layers.LSTM(4, return_sequences=True, name="lstm")(inputs)
    sequence_2, h_2, c_2 = keras.layers.LSTM(5, return_sequences=True, return_state=True, name="lstm_1")(sequence_1)
    return keras.Model(inputs, [sequence_1, sequence_2, h_2, c_2], name="stacked_lstm")


def _with_frozen_layer():
    model = keras.Sequential([keras.Input(shape=(300,)), keras.layers.Dense(40, name="frozen"),
                              keras.layers.Dense(3, name="head")], name="partly_frozen")
    model.get_layer("frozen").trainable = False
    return model


HEADERS = {
    "en": ("Model: classifier", "Layer (type)", "Output shape", "Parameters", "Total parameters: ", "Trainable: ",
           "Non-trainable: "),
    "es": ("Modelo: classifier", "Capa (tipo)", "Forma de salida", "Parámetros", "Parámetros en total: ",
           "Entrenables: ", "No entrenables: "),
    "pt": ("Modelo: classifier", "Camada (tipo)", "Forma da saída", "Parâmetros", "Total de parâmetros: ",
           "Treináveis: ", "Não treináveis: "),
}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_headers_and_totals_are_in_the_notebook_language(lang):
    i18n.set_language(lang)
    lines = models.summary_text(_sequential()).splitlines()
    title, header, *_, total, trainable, frozen = lines
    assert title == HEADERS[lang][0]
    assert header.split("   ")[0].strip() == HEADERS[lang][1]
    assert HEADERS[lang][2] in header and header.rstrip().endswith(HEADERS[lang][3])
    for line, start in zip((total, trainable, frozen), HEADERS[lang][4:]):
        assert line.startswith(start)
    assert "Layer" not in "\n".join(lines) or lang == "en"


@pytest.mark.parametrize("build", [_sequential, _functional, _with_frozen_layer])
def test_counts_are_keras_counts(build):
    model = build()
    rows = models.layer_rows(model)
    assert sum(n for _, _, n in rows) == model.count_params()
    assert [n for _, _, n in rows if n] == [layer.count_params() for layer in model.layers if layer.count_params()]
    text = models.summary_text(model, lang="en")
    trainable = sum(layer.count_params() for layer in model.layers if layer.trainable)
    assert f"Total parameters: {model.count_params():,}" in text
    assert f"Trainable: {trainable:,}" in text
    assert f"Non-trainable: {model.count_params() - trainable:,}" in text


def test_rows_keep_layer_names_types_and_output_shapes():
    rows = models.layer_rows(_functional())
    assert rows == [("input_layer (InputLayer)", "(None, None, 6)", 0), ("lstm (LSTM)", "(None, None, 4)", 176),
                    ("lstm_1 (LSTM)", "[(None, None, 5), (None, 5), (None, 5)]", 200)]
    assert models.layer_rows(_sequential())[1] == ("lstm (LSTM)", "(None, 32)", 4 * (32 * (1 + 32) + 32))


@pytest.mark.parametrize("lang, expected", [("en", "Total parameters: 12,163"), ("es", "Parámetros en total: 12\u202f163"),
                                            ("pt", "Total de parâmetros: 12.163")])
def test_numbers_follow_the_language_convention(lang, expected):
    text = models.summary_text(_with_frozen_layer(), lang=lang)
    assert expected in text.splitlines()


def test_summary_prints_the_text_once():
    model, printed = _sequential(), []
    models.summary(model, lang="pt", print_fn=printed.append)
    assert printed == [models.summary_text(model, lang="pt")]


@pytest.mark.parametrize("bad", [None, "model", keras.layers.Dense(3), {"loss": [1.0]}])
def test_anything_but_a_model_is_refused(bad):
    with pytest.raises(TypeError, match=r"`model` must be a keras.Model \(got "):
        models.summary(bad)
    with pytest.raises(TypeError, match="`model` must be a keras.Model"):
        models.layer_rows(bad)


def test_an_unbuilt_model_is_refused():
    with pytest.raises(ValueError, match=r"`model` must be built before its summary \(got the unbuilt model 'empty'\)"):
        models.summary_text(keras.Sequential([keras.layers.Dense(2)], name="empty"))


def test_bad_language_and_printer_are_refused():
    with pytest.raises(ValueError, match="got lang='fr'"):
        models.summary_text(_sequential(), lang="fr")
    with pytest.raises(TypeError, match="`print_fn` must be callable"):
        models.summary(_sequential(), print_fn="stdout")
