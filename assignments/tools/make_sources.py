"""Write the source notebooks of the assignments from this one file.

Every language shares every line of code; only prose, comments and messages
are translated. Run `python assignments/tools/make_sources.py`, then
regenerate the release (see assignments/README.md).
"""
import json, pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "source"
REPO = "https://github.com/your-github-org/rnn-tensorflow-course"
LANGS = ("en", "es", "pt")

T = {  # user-facing text per language
    "badge_alt": {"en": "Open In Colab", "es": "Open In Colab", "pt": "Open In Colab"},
    "how": {
        "en": "**How this assignment works.** Write each answer in the cell that starts with `# EXERCISE: ...`, keeping that first line: the grader finds your answers by it. Keep each answer self-contained in its cell: it may use NumPy (`np`) and the functions of the setup cells, not code from other cells. Run the test cell below each answer: it says what is wrong, or that the answer passes the visible tests. When you submit, hidden tests check more cases, so test your code beyond the examples. Each test cell shows its points. Download the notebook (File → Download → .ipynb) and hand it in.",
        "es": "**Cómo funciona esta tarea.** Escribe cada respuesta en la celda que empieza con `# EXERCISE: ...` y conserva esa primera línea: el corrector encuentra tus respuestas por ella. Cada respuesta debe valerse por sí misma dentro de su celda: puede usar NumPy (`np`) y las funciones de las celdas de preparación, no código de otras celdas. Ejecuta la celda de prueba que hay debajo de cada respuesta: te dice qué está mal, o que la respuesta pasa las pruebas visibles. Al entregar, unas pruebas ocultas comprueban más casos, así que prueba tu código más allá de los ejemplos. Cada celda de prueba indica sus puntos. Descarga el cuaderno (Archivo → Descargar → .ipynb) y entrégalo.",
        "pt": "**Como esta tarefa funciona.** Escreva cada resposta na célula que começa com `# EXERCISE: ...` e mantenha essa primeira linha: o corretor encontra suas respostas por ela. Cada resposta deve ser autossuficiente dentro da sua célula: pode usar o NumPy (`np`) e as funções das células de preparação, não código de outras células. Execute a célula de teste abaixo de cada resposta: ela diz o que está errado, ou que a resposta passa nos testes visíveis. Na entrega, testes ocultos verificam mais casos, então teste seu código além dos exemplos. Cada célula de teste mostra seus pontos. Baixe o caderno (Arquivo → Baixar → .ipynb) e entregue-o.",
    },
    "setup": {
        "en": "## Setup\n\nIn Google Colab, the next cell installs the course's helper package, `course_utils`; anywhere else it does nothing. Then it imports NumPy and the self-checks.",
        "es": "## Preparación\n\nEn Google Colab, la siguiente celda instala el paquete auxiliar del curso, `course_utils`; en cualquier otro lugar no hace nada. Después importa NumPy y las autocomprobaciones.",
        "pt": "## Preparação\n\nNo Google Colab, a próxima célula instala o pacote auxiliar do curso, `course_utils`; em qualquer outro lugar ela não faz nada. Depois importa o NumPy e as autoverificações.",
    },
    "colab_comment": {
        "en": "# In Google Colab, install the course's helper package; anywhere else, do nothing.",
        "es": "# En Google Colab, instala el paquete auxiliar del curso; en otro lugar, no hace nada.",
        "pt": "# No Google Colab, instala o pacote auxiliar do curso; em outro lugar, não faz nada.",
    },
    "hidden": {
        "en": "# Hidden tests: they run when your work is graded (points: {points}).",
        "es": "# Pruebas ocultas: se ejecutan al calificar tu trabajo (puntos: {points}).",
        "pt": "# Testes ocultos: rodam quando seu trabalho é corrigido (pontos: {points}).",
    },
    "visible": {
        "en": "# Visible test (points: {points}): run this cell after your answer.",
        "es": "# Prueba visible (puntos: {points}): ejecuta esta celda después de tu respuesta.",
        "pt": "# Teste visível (pontos: {points}): execute esta célula depois da sua resposta.",
    },
    "exercise": {"en": "Exercise", "es": "Ejercicio", "pt": "Exercício"},
}

def md(text, grade_id):
    return {"cell_type": "markdown", "metadata": {"nbgrader": {
        "grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3, "solution": False, "task": False}},
        "source": text}

def code(text, grade_id, kind, points=0):
    meta = {"grade": kind == "test", "grade_id": grade_id, "locked": kind != "answer",
            "schema_version": 3, "solution": kind == "answer", "task": False}
    if kind == "test":
        meta["points"] = points
    return {"cell_type": "code", "execution_count": None, "metadata": {"nbgrader": meta}, "outputs": [], "source": text}

def notebook(cells):
    return {"cells": cells, "metadata": {
        "colab": {"provenance": []},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}

def header(assignment, stem, lang, title, intro):
    url = f"https://colab.research.google.com/github/your-github-org/rnn-tensorflow-course/blob/main/assignments/release/{assignment}/{stem}_{lang}.ipynb"
    setup_code = (
        f"{T['colab_comment'][lang]}\n"
        "import subprocess\nimport sys\n\n"
        "if \"google.colab\" in sys.modules:\n"
        "    subprocess.run(\n"
        "        [sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\",\n"
        f"         \"git+{REPO}@main\"],\n"
        "        check=True,\n"
        "    )\n\n"
        "import numpy as np\n\n"
        "from course_utils import checks"
    )
    return [
        md(f"# {title[lang]}\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})\n\n{intro[lang]}\n\n{T['how'][lang]}", "intro"),
        md(T["setup"][lang], "setup_text"),
        code(setup_code, "setup", "setup"),
    ]

def test_cells(ex_id, lang, visible_points, visible_code, hidden_points, hidden_code):
    return [
        code(f"{T['visible'][lang].format(points=visible_points)}\n{visible_code}", f"test_{ex_id}_visible", "test", visible_points),
        code(f"{T['hidden'][lang].format(points=hidden_points)}\n### BEGIN HIDDEN TESTS\n{hidden_code}\n### END HIDDEN TESTS", f"test_{ex_id}_hidden", "test", hidden_points),
    ]

# ---------------------------------------------------------------- chapter 01
def ch01(lang):
    ex = T["exercise"][lang]
    title = {"en": "Assignment 1: one LSTM step in NumPy", "es": "Tarea 1: un paso de LSTM en NumPy", "pt": "Tarefa 1: um passo de LSTM em NumPy"}
    intro = {
        "en": "This assignment goes with chapter 1, *Recurrent networks from the inside*. You write one step of a long short-term memory (LSTM) cell in NumPy, then measure how long its memory lasts.",
        "es": "Esta tarea acompaña al capítulo 1, *Redes recurrentes por dentro*. Escribes un paso de una celda de memoria a largo y corto plazo (LSTM) en NumPy y luego mides cuánto dura su memoria.",
        "pt": "Esta tarefa acompanha o capítulo 1, *Redes recorrentes por dentro*. Você escreve um passo de uma célula de memória de longo e curto prazo (LSTM) em NumPy e depois mede quanto tempo dura a sua memória.",
    }
    sig_md = {
        "en": "The logistic sigmoid $\\sigma(z) = 1 / (1 + e^{-z})$, which every gate uses:",
        "es": "La sigmoide logística $\\sigma(z) = 1 / (1 + e^{-z})$, que usan todas las compuertas:",
        "pt": "A sigmoide logística $\\sigma(z) = 1 / (1 + e^{-z})$, que todas as portas usam:",
    }
    ex1_md = {
        "en": f"## {ex} 1: one LSTM step (5 points)\n\nWrite `lstm_step(x, h_prev, c_prev, W, U, b)` that returns the pair `(h, c)` after one step. `x` has shape (batch, features), `h_prev` and `c_prev` have shape (batch, units). `W`, `U` and `b` are dicts with keys `\"i\"`, `\"f\"`, `\"c\"`, `\"o\"` (input gate, forget gate, candidate, output gate), holding the input weights (features, units), the recurrent weights (units, units) and the biases (units,):\n\n$$i_t = \\sigma(x_t W_i + h_{{t-1}} U_i + b_i) \\qquad f_t = \\sigma(x_t W_f + h_{{t-1}} U_f + b_f)$$\n$$g_t = \\tanh(x_t W_c + h_{{t-1}} U_c + b_c) \\qquad o_t = \\sigma(x_t W_o + h_{{t-1}} U_o + b_o)$$\n$$c_t = f_t \\odot c_{{t-1}} + i_t \\odot g_t \\qquad h_t = o_t \\odot \\tanh(c_t)$$",
        "es": f"## {ex} 1: un paso de LSTM (5 puntos)\n\nEscribe `lstm_step(x, h_prev, c_prev, W, U, b)`, que devuelve el par `(h, c)` tras un paso. `x` tiene forma (lote, características) y `h_prev` y `c_prev` tienen forma (lote, unidades). `W`, `U` y `b` son diccionarios con las claves `\"i\"`, `\"f\"`, `\"c\"`, `\"o\"` (compuerta de entrada, compuerta de olvido, candidato, compuerta de salida) que contienen los pesos de entrada (características, unidades), los pesos recurrentes (unidades, unidades) y los sesgos (unidades,):\n\n$$i_t = \\sigma(x_t W_i + h_{{t-1}} U_i + b_i) \\qquad f_t = \\sigma(x_t W_f + h_{{t-1}} U_f + b_f)$$\n$$g_t = \\tanh(x_t W_c + h_{{t-1}} U_c + b_c) \\qquad o_t = \\sigma(x_t W_o + h_{{t-1}} U_o + b_o)$$\n$$c_t = f_t \\odot c_{{t-1}} + i_t \\odot g_t \\qquad h_t = o_t \\odot \\tanh(c_t)$$",
        "pt": f"## {ex} 1: um passo de LSTM (5 pontos)\n\nEscreva `lstm_step(x, h_prev, c_prev, W, U, b)`, que devolve o par `(h, c)` depois de um passo. `x` tem forma (lote, atributos) e `h_prev` e `c_prev` têm forma (lote, unidades). `W`, `U` e `b` são dicionários com as chaves `\"i\"`, `\"f\"`, `\"c\"`, `\"o\"` (porta de entrada, porta de esquecimento, candidato, porta de saída) que contêm os pesos de entrada (atributos, unidades), os pesos recorrentes (unidades, unidades) e os vieses (unidades,):\n\n$$i_t = \\sigma(x_t W_i + h_{{t-1}} U_i + b_i) \\qquad f_t = \\sigma(x_t W_f + h_{{t-1}} U_f + b_f)$$\n$$g_t = \\tanh(x_t W_c + h_{{t-1}} U_c + b_c) \\qquad o_t = \\sigma(x_t W_o + h_{{t-1}} U_o + b_o)$$\n$$c_t = f_t \\odot c_{{t-1}} + i_t \\odot g_t \\qquad h_t = o_t \\odot \\tanh(c_t)$$",
    }
    ex1_doc = {"en": "Return (h, c) after one LSTM step.", "es": "Devuelve (h, c) tras un paso de LSTM.", "pt": "Devolve (h, c) depois de um passo de LSTM."}
    ex1_answer = (
        "# EXERCISE: lstm_step\n"
        "def lstm_step(x, h_prev, c_prev, W, U, b):\n"
        f"    \"\"\"{ex1_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    i = sigmoid(x @ W[\"i\"] + h_prev @ U[\"i\"] + b[\"i\"])\n"
        "    f = sigmoid(x @ W[\"f\"] + h_prev @ U[\"f\"] + b[\"f\"])\n"
        "    g = np.tanh(x @ W[\"c\"] + h_prev @ U[\"c\"] + b[\"c\"])\n"
        "    o = sigmoid(x @ W[\"o\"] + h_prev @ U[\"o\"] + b[\"o\"])\n"
        "    c = f * c_prev + i * g\n"
        "    return o * np.tanh(c), c\n"
        "    ### END SOLUTION"
    )
    hint1 = {"en": "the check shows [h_t, c_t] side by side; h_t uses tanh of the new c_t.",
             "es": "la comprobación muestra [h_t, c_t] uno junto al otro; h_t usa la tanh de la nueva c_t.",
             "pt": "a verificação mostra [h_t, c_t] lado a lado; h_t usa a tanh da nova c_t."}
    ex1_visible = (
        "small = dict(\n"
        "    x=np.array([[1.0]]), h_prev=np.array([[0.5, -0.5]]), c_prev=np.array([[0.3, -0.8]]),\n"
        "    W={\"i\": np.array([[0.5, -0.2]]), \"f\": np.array([[-0.3, 0.1]]),\n"
        "       \"c\": np.array([[0.8, 0.4]]), \"o\": np.array([[0.2, -0.6]])},\n"
        "    U={gate: np.array([[0.1, -0.2], [0.3, 0.1]]) for gate in \"ifco\"},\n"
        "    b={\"i\": np.zeros(2), \"f\": np.ones(2), \"c\": np.zeros(2), \"o\": np.zeros(2)},\n"
        ")\n"
        "checks.check_answer(\n"
        f"    \"{ex} 1\", lambda: np.concatenate(lstm_step(**small), axis=-1),\n"
        f"    [[0.26493032, -0.14204387, 0.55552442, -0.47564707]], lang=\"{lang}\",\n"
        f"    hint=\"{hint1[lang]}\",\n"
        ")"
    )
    ex1_hidden = (
        "def _reference_lstm_step(x, h_prev, c_prev, W, U, b):\n"
        "    gate = lambda k, act: act(x @ W[k] + h_prev @ U[k] + b[k])\n"
        "    logistic = lambda z: 1 / (1 + np.exp(-z))\n"
        "    c = gate(\"f\", logistic) * c_prev + gate(\"i\", logistic) * gate(\"c\", np.tanh)\n"
        "    return gate(\"o\", logistic) * np.tanh(c), c\n"
        "\n"
        "_rng = np.random.default_rng(2024)\n"
        "for _batch, _features, _units in [(3, 4, 5), (1, 1, 1), (2, 6, 3)]:\n"
        "    _args = dict(\n"
        "        x=_rng.normal(size=(_batch, _features)), h_prev=_rng.normal(size=(_batch, _units)),\n"
        "        c_prev=_rng.normal(size=(_batch, _units)),\n"
        "        W={k: _rng.normal(size=(_features, _units)) for k in \"ifco\"},\n"
        "        U={k: _rng.normal(size=(_units, _units)) for k in \"ifco\"},\n"
        "        b={k: _rng.normal(size=(_units,)) for k in \"ifco\"},\n"
        "    )\n"
        "    _h, _c = lstm_step(**_args)\n"
        "    _want_h, _want_c = _reference_lstm_step(**_args)\n"
        "    np.testing.assert_allclose(_c, _want_c, rtol=1e-6, atol=1e-8)\n"
        "    np.testing.assert_allclose(_h, _want_h, rtol=1e-6, atol=1e-8)"
    )
    ex2_md = {
        "en": f"## {ex} 2: how long does an LSTM remember? (3 points)\n\nSuppose the forget gate is constant, $f_t = \\sigma(b_f)$, and nothing new is written. After $k$ steps the memory holds the fraction $\\sigma(b_f)^k$ of what it had. Write `steps_to_forget(forget_bias, fraction=0.01)` that returns the smallest number of steps $k$ (an `int`) after which less than `fraction` is left.",
        "es": f"## {ex} 2: ¿cuánto recuerda una LSTM? (3 puntos)\n\nSupón que la compuerta de olvido es constante, $f_t = \\sigma(b_f)$, y que no se escribe nada nuevo. Tras $k$ pasos la memoria conserva la fracción $\\sigma(b_f)^k$ de lo que tenía. Escribe `steps_to_forget(forget_bias, fraction=0.01)`, que devuelve el menor número de pasos $k$ (un `int`) tras el cual queda menos de `fraction`.",
        "pt": f"## {ex} 2: quanto tempo uma LSTM lembra? (3 pontos)\n\nSuponha que a porta de esquecimento seja constante, $f_t = \\sigma(b_f)$, e que nada novo seja escrito. Depois de $k$ passos a memória guarda a fração $\\sigma(b_f)^k$ do que tinha. Escreva `steps_to_forget(forget_bias, fraction=0.01)`, que devolve o menor número de passos $k$ (um `int`) depois do qual resta menos que `fraction`.",
    }
    ex2_doc = {"en": "Return the smallest k with sigmoid(forget_bias) ** k < fraction.",
               "es": "Devuelve el menor k con sigmoid(forget_bias) ** k < fraction.",
               "pt": "Devolve o menor k com sigmoid(forget_bias) ** k < fraction."}
    ex2_answer = (
        "# EXERCISE: steps_to_forget\n"
        "def steps_to_forget(forget_bias, fraction=0.01):\n"
        f"    \"\"\"{ex2_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    kept, steps = 1.0, 0\n"
        "    while kept >= fraction:\n"
        "        kept *= sigmoid(forget_bias)\n"
        "        steps += 1\n"
        "    return steps\n"
        "    ### END SOLUTION"
    )
    hint2 = {"en": "with fraction 0.01, 0.5 ** 6 = 0.0156 is not yet below it, 0.5 ** 7 = 0.0078 is.",
             "es": "con fraction 0.01, 0.5 ** 6 = 0.0156 todavía no queda por debajo, 0.5 ** 7 = 0.0078 sí.",
             "pt": "com fraction 0.01, 0.5 ** 6 = 0.0156 ainda não fica abaixo, 0.5 ** 7 = 0.0078 fica."}
    ex2_visible = (
        "checks.check_answer(\n"
        f"    \"{ex} 2\", lambda: [steps_to_forget(0.0), steps_to_forget(1.0), steps_to_forget(3.0)],\n"
        f"    [7, 15, 95], lang=\"{lang}\",\n"
        f"    hint=\"{hint2[lang]}\",\n"
        ")"
    )
    ex2_hidden = (
        "import math\n"
        "\n"
        "for _bias, _fraction in [(2.0, 0.5), (-1.0, 0.01), (0.5, 0.9), (5.0, 0.001), (0.0, 0.25)]:\n"
        "    _keep = 1 / (1 + math.exp(-_bias))\n"
        "    _want = 0\n"
        "    while _keep ** _want >= _fraction:\n"
        "        _want += 1\n"
        "    _got = steps_to_forget(_bias, fraction=_fraction)\n"
        "    assert isinstance(_got, (int, np.integer)), f\"expected an int, got {type(_got).__name__}\"\n"
        "    assert _got == _want, f\"steps_to_forget({_bias}, fraction={_fraction}) returned {_got}\""
    )
    cells = header("ch01_lstm_step", "ch01_lstm_step", lang, title, intro)
    cells += [
        md(sig_md[lang], "sigmoid_text"),
        code("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))", "sigmoid", "setup"),
        md(ex1_md[lang], "lstm_step_text"),
        code(ex1_answer, "lstm_step", "answer"),
        *test_cells("lstm_step", lang, 2, ex1_visible, 3, ex1_hidden),
        md(ex2_md[lang], "steps_to_forget_text"),
        code(ex2_answer, "steps_to_forget", "answer"),
        *test_cells("steps_to_forget", lang, 1, ex2_visible, 2, ex2_hidden),
    ]
    return notebook(cells)

# ---------------------------------------------------------------- chapter 02
def ch02(lang):
    ex = T["exercise"][lang]
    title = {"en": "Assignment 2: the last relevant output", "es": "Tarea 2: la última salida relevante", "pt": "Tarefa 2: a última saída relevante"}
    intro = {
        "en": "This assignment goes with chapter 2, *Dynamic RNNs: sequences of different lengths*. A padded batch holds sequences of different lengths; you pick each sequence's last relevant output, and you count what a badly chosen padding value would hide. NumPy is enough: no model is trained.",
        "es": "Esta tarea acompaña al capítulo 2, *RNN dinámicas: secuencias de distintas longitudes*. Un lote con relleno (padding) contiene secuencias de distintas longitudes; eliges la última salida relevante de cada secuencia y cuentas lo que ocultaría un valor de relleno mal elegido. Basta con NumPy: no se entrena ningún modelo.",
        "pt": "Esta tarefa acompanha o capítulo 2, *RNNs dinâmicas: sequências de comprimentos diferentes*. Um lote com preenchimento (padding) contém sequências de comprimentos diferentes; você escolhe a última saída relevante de cada sequência e conta o que um valor de preenchimento mal escolhido esconderia. O NumPy basta: nenhum modelo é treinado.",
    }
    ex1_md = {
        "en": f"## {ex} 1: the last relevant output, the TensorFlow 1 way (5 points)\n\n`outputs` has shape (examples, steps, units) and holds an RNN's output at every step; `lengths` has shape (examples,) and holds each sequence's true length $L_i \\geq 1$. Write `last_relevant_flat(outputs, lengths)` that returns the array of shape (examples, units) whose row $i$ is $o_{{i,\\,L_i - 1}}$. Do it as TensorFlow 1 had to: reshape `outputs` to (examples × steps, units), compute the flat index of step $L_i - 1$ of example $i$, and take those rows.",
        "es": f"## {ex} 1: la última salida relevante, al estilo de TensorFlow 1 (5 puntos)\n\n`outputs` tiene forma (ejemplos, pasos, unidades) y contiene la salida de una RNN en cada paso; `lengths` tiene forma (ejemplos,) y contiene la longitud real $L_i \\geq 1$ de cada secuencia. Escribe `last_relevant_flat(outputs, lengths)`, que devuelve el arreglo de forma (ejemplos, unidades) cuya fila $i$ es $o_{{i,\\,L_i - 1}}$. Hazlo como tenía que hacerlo TensorFlow 1: cambia la forma de `outputs` a (ejemplos × pasos, unidades), calcula el índice plano del paso $L_i - 1$ del ejemplo $i$ y toma esas filas.",
        "pt": f"## {ex} 1: a última saída relevante, do jeito do TensorFlow 1 (5 pontos)\n\n`outputs` tem forma (exemplos, passos, unidades) e contém a saída de uma RNN em cada passo; `lengths` tem forma (exemplos,) e contém o comprimento real $L_i \\geq 1$ de cada sequência. Escreva `last_relevant_flat(outputs, lengths)`, que devolve o array de forma (exemplos, unidades) cuja linha $i$ é $o_{{i,\\,L_i - 1}}$. Faça como o TensorFlow 1 precisava fazer: mude a forma de `outputs` para (exemplos × passos, unidades), calcule o índice plano do passo $L_i - 1$ do exemplo $i$ e pegue essas linhas.",
    }
    ex1_doc = {"en": "Return outputs[i, lengths[i] - 1, :] for every example i, through flat indices.",
               "es": "Devuelve outputs[i, lengths[i] - 1, :] para cada ejemplo i, mediante índices planos.",
               "pt": "Devolve outputs[i, lengths[i] - 1, :] para cada exemplo i, por meio de índices planos."}
    ex1_answer = (
        "# EXERCISE: last_relevant_flat\n"
        "def last_relevant_flat(outputs, lengths):\n"
        f"    \"\"\"{ex1_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    num_examples, num_steps, num_units = outputs.shape\n"
        "    flat = outputs.reshape(-1, num_units)\n"
        "    index = np.arange(num_examples) * num_steps + (np.asarray(lengths) - 1)\n"
        "    return flat[index]\n"
        "    ### END SOLUTION"
    )
    hint1 = {"en": "example i starts at flat row i * steps.", "es": "el ejemplo i empieza en la fila plana i * pasos.",
             "pt": "o exemplo i começa na linha plana i * passos."}
    ex1_visible = (
        "toy_outputs = np.arange(2 * 4 * 3).reshape(2, 4, 3)\n"
        "checks.check_answer(\n"
        f"    \"{ex} 1\", lambda: last_relevant_flat(toy_outputs, np.array([2, 4])),\n"
        f"    [[3, 4, 5], [21, 22, 23]], lang=\"{lang}\",\n"
        f"    hint=\"{hint1[lang]}\",\n"
        ")"
    )
    ex1_hidden = (
        "_rng = np.random.default_rng(7)\n"
        "for _shape, _lengths in [((5, 7, 3), [1, 7, 3, 4, 2]), ((1, 1, 1), [1]), ((3, 6, 2), [6, 6, 6])]:\n"
        "    _outputs = _rng.normal(size=_shape).astype(\"float32\")\n"
        "    _lengths = np.array(_lengths)\n"
        "    _got = np.asarray(last_relevant_flat(_outputs, _lengths))\n"
        "    np.testing.assert_array_equal(_got, _outputs[np.arange(_shape[0]), _lengths - 1])"
    )
    ex2_md = {
        "en": f"## {ex} 2: which steps would a zero mask hide? (3 points)\n\nSuppose you had padded with $0$ and used `Masking(mask_value=0.0)`. Write `wrongly_masked(values, lengths)` that returns, as an `int`, how many **real** steps (steps before each sequence's length) hold exactly $0.0$ and would therefore be hidden from the network. `values` has shape (examples, steps, 1).",
        "es": f"## {ex} 2: ¿qué pasos ocultaría una máscara de ceros? (3 puntos)\n\nSupón que hubieras rellenado con $0$ y usado `Masking(mask_value=0.0)`. Escribe `wrongly_masked(values, lengths)`, que devuelve, como `int`, cuántos pasos **reales** (los pasos anteriores a la longitud de cada secuencia) valen exactamente $0.0$ y quedarían, por tanto, ocultos para la red. `values` tiene forma (ejemplos, pasos, 1).",
        "pt": f"## {ex} 2: quais passos uma máscara de zeros esconderia? (3 pontos)\n\nSuponha que você tivesse preenchido com $0$ e usado `Masking(mask_value=0.0)`. Escreva `wrongly_masked(values, lengths)`, que devolve, como `int`, quantos passos **reais** (os passos antes do comprimento de cada sequência) valem exatamente $0.0$ e, portanto, ficariam escondidos da rede. `values` tem forma (exemplos, passos, 1).",
    }
    ex2_doc = {"en": "Count the real steps that hold exactly 0.0.", "es": "Cuenta los pasos reales que valen exactamente 0.0.",
               "pt": "Conta os passos reais que valem exatamente 0.0."}
    ex2_answer = (
        "# EXERCISE: wrongly_masked\n"
        "def wrongly_masked(values, lengths):\n"
        f"    \"\"\"{ex2_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    real = np.arange(values.shape[1]) < np.asarray(lengths)[:, None]\n"
        "    return int(np.sum((values[:, :, 0] == 0.0) & real))\n"
        "    ### END SOLUTION"
    )
    hint2 = {"en": "padding steps do not count, even when they hold 0.0.",
             "es": "los pasos de relleno no cuentan, aunque valgan 0.0.",
             "pt": "os passos de preenchimento não contam, mesmo quando valem 0.0."}
    ex2_visible = (
        "small_values = np.array([[0.0, 0.5, -1.0], [0.3, 0.0, 0.0]])[:, :, None]\n"
        "checks.check_answer(\n"
        f"    \"{ex} 2\", lambda: wrongly_masked(small_values, np.array([2, 3])), 3, lang=\"{lang}\",\n"
        f"    hint=\"{hint2[lang]}\",\n"
        ")"
    )
    ex2_hidden = (
        "_rng = np.random.default_rng(11)\n"
        "for _examples, _steps in [(6, 9), (1, 1), (4, 3)]:\n"
        "    _values = _rng.integers(0, 3, size=(_examples, _steps, 1)).astype(float)\n"
        "    _lengths = _rng.integers(1, _steps + 1, size=_examples)\n"
        "    _real = np.arange(_steps) < _lengths[:, None]\n"
        "    _want = int(np.sum((_values[:, :, 0] == 0.0) & _real))\n"
        "    _got = wrongly_masked(_values, _lengths)\n"
        "    assert isinstance(_got, (int, np.integer)), f\"expected an int, got {type(_got).__name__}\"\n"
        "    assert _got == _want, f\"wrongly_masked returned {_got} on a ({_examples}, {_steps}, 1) batch\""
    )
    cells = header("ch02_last_relevant", "ch02_last_relevant", lang, title, intro)
    cells += [
        md(ex1_md[lang], "last_relevant_flat_text"),
        code(ex1_answer, "last_relevant_flat", "answer"),
        *test_cells("last_relevant_flat", lang, 2, ex1_visible, 3, ex1_hidden),
        md(ex2_md[lang], "wrongly_masked_text"),
        code(ex2_answer, "wrongly_masked", "answer"),
        *test_cells("wrongly_masked", lang, 1, ex2_visible, 2, ex2_hidden),
    ]
    return notebook(cells)

for name, build in [("ch01_lstm_step", ch01), ("ch02_last_relevant", ch02)]:
    folder = ROOT / name
    folder.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        nb = build(lang)
        for i, cell in enumerate(nb["cells"]):
            cell["id"] = f"{cell['metadata']['nbgrader']['grade_id'].replace('_', '-')}"
        (folder / f"{name}_{lang}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
print("ok")
