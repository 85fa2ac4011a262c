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
        "es": "**Cómo funciona esta tarea.** Escribe cada respuesta en la celda que empieza con `# EXERCISE: ...` y conserva esa primera línea: el corrector encuentra tus respuestas por ella. Cada respuesta debe valerse por sí misma dentro de su celda: puede usar NumPy (`np`) y las funciones de las celdas de preparación, no código de otras celdas. Ejecuta la celda de prueba que hay debajo de cada respuesta: te dice qué está mal, o que la respuesta pasa las pruebas visibles. Al entregar, unas pruebas ocultas comprueban más casos, así que prueba tu código más allá de los ejemplos. Cada celda de prueba indica sus puntos. Descarga el notebook (Archivo → Descargar → .ipynb) y entrégalo.",
        "pt": "**Como esta tarefa funciona.** Escreva cada resposta na célula que começa com `# EXERCISE: ...` e mantenha essa primeira linha: o corretor encontra suas respostas por ela. Cada resposta deve ser autossuficiente dentro da sua célula: pode usar o NumPy (`np`) e as funções das células de preparação, não código de outras células. Execute a célula de teste abaixo de cada resposta: ela diz o que está errado, ou que a resposta passa nos testes visíveis. Na entrega, testes ocultos verificam mais casos, então teste seu código além dos exemplos. Cada célula de teste mostra seus pontos. Baixe o notebook (Arquivo → Baixar → .ipynb) e entregue-o.",
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
    """kind: "setup", "sandbox" (setup that calls the student's code: it runs only in the sandbox), "answer" or "test"."""
    meta = {"grade": kind == "test", "grade_id": grade_id, "locked": kind != "answer",
            "schema_version": 3, "solution": kind == "answer", "task": False}
    if kind == "test":
        meta["points"] = points
    metadata = {"nbgrader": meta}
    if kind == "sandbox":
        metadata["course_grading"] = {"sandbox_only": True}
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": text}

def notebook(cells, limits=None):
    """limits: the assignment's smallest grading limits (timeout, memory_mb, startup_timeout), when the defaults are too small."""
    metadata = {
        "colab": {"provenance": []},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}
    if limits:
        metadata["course_grading"] = {"limits": limits}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}

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

# ---------------------------------------------------------------- chapter 03
def ch03(lang):
    ex = T["exercise"][lang]
    title = {"en": "Assignment 3: backpropagation through time", "es": "Tarea 3: retropropagación a través del tiempo",
             "pt": "Tarefa 3: retropropagação através do tempo"}
    intro = {
        "en": "This assignment goes with chapter 3, on backpropagation through time (BPTT). You write the backward pass of a plain tanh RNN in NumPy and check it against finite differences, then clip gradients by their global norm, the usual remedy for exploding gradients.",
        "es": "Esta tarea acompaña al capítulo 3, sobre la retropropagación a través del tiempo (BPTT). Escribes en NumPy el paso hacia atrás de una RNN simple con tanh y lo contrastas con diferencias finitas; después recortas los gradientes por su norma global, el remedio habitual contra los gradientes que explotan.",
        "pt": "Esta tarefa acompanha o capítulo 3, sobre a retropropagação através do tempo (BPTT). Você escreve em NumPy a passagem para trás de uma RNN simples com tanh e a confere com diferenças finitas; depois recorta os gradientes pela norma global, o remédio de sempre contra gradientes que explodem.",
    }
    fwd_md = {
        "en": "The forward pass is given. The RNN reads the sequence $x_1, \\dots, x_T$ (row $t-1$ of `xs`, shape (steps, features)) from the state $h_0$ and computes, with vectors as rows as in chapter 1,\n\n$$h_t = \\tanh(x_t W + h_{t-1} U + b), \\qquad t = 1, \\dots, T.$$\n\n`rnn_forward` returns all the states, $h_0$ included, as an array `hs` of shape (steps + 1, units). `numerical_gradient` estimates the gradient of a scalar function by central differences, one entry at a time: slow, but a reliable check. `wavy` makes deterministic test inputs.",
        "es": "El paso hacia adelante viene dado. La RNN lee la secuencia $x_1, \\dots, x_T$ (la fila $t-1$ de `xs`, de forma (pasos, características)) a partir del estado $h_0$ y calcula, con los vectores como filas igual que en el capítulo 1,\n\n$$h_t = \\tanh(x_t W + h_{t-1} U + b), \\qquad t = 1, \\dots, T.$$\n\n`rnn_forward` devuelve todos los estados, $h_0$ incluido, en un arreglo `hs` de forma (pasos + 1, unidades). `numerical_gradient` estima el gradiente de una función escalar por diferencias centradas, entrada a entrada: es lento, pero es una comprobación fiable. `wavy` genera entradas de prueba deterministas.",
        "pt": "A passagem para a frente já vem pronta. A RNN lê a sequência $x_1, \\dots, x_T$ (a linha $t-1$ de `xs`, de forma (passos, atributos)) a partir do estado $h_0$ e calcula, com os vetores como linhas, como no capítulo 1,\n\n$$h_t = \\tanh(x_t W + h_{t-1} U + b), \\qquad t = 1, \\dots, T.$$\n\n`rnn_forward` devolve todos os estados, $h_0$ incluído, num array `hs` de forma (passos + 1, unidades). `numerical_gradient` estima o gradiente de uma função escalar por diferenças centradas, uma entrada por vez: é lento, mas é uma verificação confiável. `wavy` gera entradas de teste determinísticas.",
    }
    fwd_doc = {
        "en": ('Return the states h_0 .. h_T of a tanh RNN, shape (steps + 1, units).',
               'Central differences of the scalar f() with respect to every entry of array (changed, then restored).',
               'Deterministic numbers in [-scale, scale] of the given shape: test inputs without a random generator.'),
        "es": ('Devuelve los estados h_0 .. h_T de una RNN con tanh, de forma (pasos + 1, unidades).',
               'Diferencias centradas del escalar f() respecto a cada entrada de array (se cambia y luego se restaura).',
               'Números deterministas en [-scale, scale] de la forma dada: entradas de prueba sin generador aleatorio.'),
        "pt": ('Devolve os estados h_0 .. h_T de uma RNN com tanh, de forma (passos + 1, unidades).',
               'Diferenças centradas do escalar f() em relação a cada entrada de array (alterada e depois restaurada).',
               'Números determinísticos em [-scale, scale] da forma dada: entradas de teste sem gerador aleatório.'),
    }[lang]
    setup_code = (
        "def rnn_forward(xs, h0, W, U, b):\n"
        f"    \"\"\"{fwd_doc[0]}\"\"\"\n"
        "    hs = [h0]\n"
        "    for x in xs:\n"
        "        hs.append(np.tanh(x @ W + hs[-1] @ U + b))\n"
        "    return np.stack(hs)\n"
        "\n\n"
        "def numerical_gradient(f, array, eps=1e-6):\n"
        f"    \"\"\"{fwd_doc[1]}\"\"\"\n"
        "    grad = np.zeros_like(array)\n"
        "    for index in np.ndindex(*array.shape):\n"
        "        saved = array[index]\n"
        "        array[index] = saved + eps\n"
        "        plus = f()\n"
        "        array[index] = saved - eps\n"
        "        minus = f()\n"
        "        array[index] = saved\n"
        "        grad[index] = (plus - minus) / (2 * eps)\n"
        "    return grad\n"
        "\n\n"
        "def wavy(shape, phase=0.0, scale=1.0):\n"
        f"    \"\"\"{fwd_doc[2]}\"\"\"\n"
        "    return scale * np.sin(1.7 * np.arange(int(np.prod(shape))) + phase).reshape(shape)"
    )
    ex1_md = {
        "en": f"## {ex} 1: the backward pass (6 points)\n\nThe loss is $L = \\sum_t g_t \\cdot h_t$ for given vectors $g_t$: so $\\partial L / \\partial h_t$ has a direct part, $g_t$ (row $t-1$ of `dhs`), and a part that flows back from $h_{{t+1}}$. Write `rnn_backward(xs, hs, W, U, dhs)` that returns the tuple `(dW, dU, db, dh0)`: the gradients of $L$ with respect to $W$, $U$, $b$ and $h_0$, with the shapes of $W$, $U$, $b$ and $h_0$. Walk the steps backwards, from $t = T$ to $t = 1$:\n\n$$\\delta_t = \\left(g_t + \\frac{{\\partial L}}{{\\partial h_t}}\\Big|_{{\\text{{from }} t+1}}\\right) \\odot (1 - h_t^2), \\qquad \\frac{{\\partial L}}{{\\partial h_{{t-1}}}}\\Big|_{{\\text{{from }} t}} = \\delta_t U^\\top,$$\n\nand add $x_t^\\top \\delta_t$ to `dW`, $h_{{t-1}}^\\top \\delta_t$ to `dU` and $\\delta_t$ to `db`. The hidden tests use other sizes and sequence lengths, including a single step.",
        "es": f"## {ex} 1: el paso hacia atrás (6 puntos)\n\nLa pérdida es $L = \\sum_t g_t \\cdot h_t$ para unos vectores $g_t$ dados: así, $\\partial L / \\partial h_t$ tiene una parte directa, $g_t$ (la fila $t-1$ de `dhs`), y otra que llega desde $h_{{t+1}}$. Escribe `rnn_backward(xs, hs, W, U, dhs)`, que devuelve la tupla `(dW, dU, db, dh0)`: los gradientes de $L$ respecto a $W$, $U$, $b$ y $h_0$, con las formas de $W$, $U$, $b$ y $h_0$. Recorre los pasos hacia atrás, de $t = T$ a $t = 1$:\n\n$$\\delta_t = \\left(g_t + \\frac{{\\partial L}}{{\\partial h_t}}\\Big|_{{\\text{{desde }} t+1}}\\right) \\odot (1 - h_t^2), \\qquad \\frac{{\\partial L}}{{\\partial h_{{t-1}}}}\\Big|_{{\\text{{desde }} t}} = \\delta_t U^\\top,$$\n\ny suma $x_t^\\top \\delta_t$ a `dW`, $h_{{t-1}}^\\top \\delta_t$ a `dU` y $\\delta_t$ a `db`. Las pruebas ocultas usan otros tamaños y longitudes de secuencia, incluida una de un solo paso.",
        "pt": f"## {ex} 1: a passagem para trás (6 pontos)\n\nA perda é $L = \\sum_t g_t \\cdot h_t$ para vetores $g_t$ dados: assim, $\\partial L / \\partial h_t$ tem uma parte direta, $g_t$ (a linha $t-1$ de `dhs`), e uma parte que volta de $h_{{t+1}}$. Escreva `rnn_backward(xs, hs, W, U, dhs)`, que devolve a tupla `(dW, dU, db, dh0)`: os gradientes de $L$ em relação a $W$, $U$, $b$ e $h_0$, com as formas de $W$, $U$, $b$ e $h_0$. Percorra os passos de trás para a frente, de $t = T$ até $t = 1$:\n\n$$\\delta_t = \\left(g_t + \\frac{{\\partial L}}{{\\partial h_t}}\\Big|_{{\\text{{vindo de }} t+1}}\\right) \\odot (1 - h_t^2), \\qquad \\frac{{\\partial L}}{{\\partial h_{{t-1}}}}\\Big|_{{\\text{{vindo de }} t}} = \\delta_t U^\\top,$$\n\ne some $x_t^\\top \\delta_t$ a `dW`, $h_{{t-1}}^\\top \\delta_t$ a `dU` e $\\delta_t$ a `db`. Os testes ocultos usam outros tamanhos e comprimentos de sequência, inclusive um de um único passo.",
    }
    ex1_doc = {"en": "Return (dW, dU, db, dh0), the gradients of sum_t dhs[t-1] . hs[t].",
               "es": "Devuelve (dW, dU, db, dh0), los gradientes de sum_t dhs[t-1] . hs[t].",
               "pt": "Devolve (dW, dU, db, dh0), os gradientes de sum_t dhs[t-1] . hs[t]."}
    ex1_answer = (
        "# EXERCISE: rnn_backward\n"
        "def rnn_backward(xs, hs, W, U, dhs):\n"
        f"    \"\"\"{ex1_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(U.shape[0])\n"
        "    dh_next = np.zeros_like(hs[0])\n"
        "    for t in reversed(range(len(xs))):\n"
        "        delta = (dhs[t] + dh_next) * (1 - hs[t + 1] ** 2)\n"
        "        dW += np.outer(xs[t], delta)\n"
        "        dU += np.outer(hs[t], delta)\n"
        "        db += delta\n"
        "        dh_next = delta @ U.T\n"
        "    return dW, dU, db, dh_next\n"
        "    ### END SOLUTION"
    )
    hint1 = {"en": "the values are [dW, dU, db, dh0] flattened, compared with finite differences; each step's delta also needs the gradient flowing back from the step after it.",
             "es": "los valores son [dW, dU, db, dh0] aplanados y se comparan con diferencias finitas; el delta de cada paso necesita también el gradiente que vuelve del paso siguiente.",
             "pt": "os valores são [dW, dU, db, dh0] achatados e comparados com diferenças finitas; o delta de cada passo também precisa do gradiente que volta do passo seguinte."}
    ex1_visible = (
        "xs, h0 = wavy((4, 2), 0.1), wavy((3,), 0.2, 0.5)\n"
        "W, U, b, dhs = wavy((2, 3), 0.3), wavy((3, 3), 0.4, 0.8), wavy((3,), 0.5, 0.3), wavy((4, 3), 0.6)\n"
        "loss = lambda: np.sum(dhs * rnn_forward(xs, h0, W, U, b)[1:])\n"
        "numeric = [numerical_gradient(loss, p) for p in (W, U, b, h0)]\n"
        "checks.check_answer(\n"
        f"    \"{ex} 1\", lambda: np.concatenate([np.ravel(g) for g in rnn_backward(xs, rnn_forward(xs, h0, W, U, b), W, U, dhs)]),\n"
        f"    np.concatenate([g.ravel() for g in numeric]), rtol=1e-4, atol=1e-6, lang=\"{lang}\",\n"
        f"    hint=\"{hint1[lang]}\",\n"
        ")"
    )
    ex1_hidden = (
        "def _reference_rnn_backward(xs, hs, W, U, dhs):\n"
        "    dW, dU, db, dh = 0 * W, 0 * U, 0 * U[0], 0 * hs[0]\n"
        "    for t in range(len(xs) - 1, -1, -1):\n"
        "        dz = (dhs[t] + dh) * (1 - hs[t + 1] ** 2)\n"
        "        dW, dU, db, dh = dW + np.outer(xs[t], dz), dU + np.outer(hs[t], dz), db + dz, dz @ U.T\n"
        "    return dW, dU, db, dh\n"
        "\n"
        "_rng = np.random.default_rng(303)\n"
        "for _steps, _features, _units in [(6, 3, 4), (1, 2, 2), (12, 1, 5), (3, 4, 1)]:\n"
        "    _xs, _h0 = _rng.normal(size=(_steps, _features)), _rng.normal(size=_units)\n"
        "    _W, _U = _rng.normal(size=(_features, _units)), _rng.normal(size=(_units, _units)) / np.sqrt(_units)\n"
        "    _b, _dhs = _rng.normal(size=_units), _rng.normal(size=(_steps, _units))\n"
        "    _hs = rnn_forward(_xs, _h0, _W, _U, _b)\n"
        "    _got = rnn_backward(_xs, _hs, _W, _U, _dhs)\n"
        "    _want = _reference_rnn_backward(_xs, _hs, _W, _U, _dhs)\n"
        "    assert isinstance(_got, (tuple, list)) and len(_got) == 4, \"rnn_backward must return (dW, dU, db, dh0)\"\n"
        "    for _name, _g, _w in zip([\"dW\", \"dU\", \"db\", \"dh0\"], _got, _want):\n"
        "        _g = np.asarray(_g)\n"
        "        assert _g.shape == _w.shape, f\"{_name} has shape {_g.shape}, expected {_w.shape} ({_steps} steps)\"\n"
        "        np.testing.assert_allclose(_g, _w, rtol=1e-6, atol=1e-9, err_msg=f\"{_name}, {_steps} steps\")\n"
        "_loss = lambda: np.sum(_dhs * rnn_forward(_xs, _h0, _W, _U, _b)[1:])\n"
        "np.testing.assert_allclose(np.asarray(_got[1]), numerical_gradient(_loss, _U), rtol=1e-4, atol=1e-6)"
    )
    ex2_md = {
        "en": f"## {ex} 2: clipping by the global norm (3 points)\n\nWhen gradients explode, training clips them: if the **global norm** $\\lVert g \\rVert = \\sqrt{{\\sum_k \\lVert g_k \\rVert^2}}$ of all the gradients together exceeds `max_norm`, every gradient is multiplied by `max_norm / global_norm`, so the direction stays the same; otherwise nothing changes. Write `clip_by_global_norm(grads, max_norm)` that takes a list of NumPy arrays and returns the pair `(clipped, global_norm)`: the list of clipped arrays (new arrays, same shapes) and the global norm **before** clipping, as `tf.clip_by_global_norm` does. All-zero gradients must stay zero, without dividing by zero.",
        "es": f"## {ex} 2: recortar por la norma global (3 puntos)\n\nCuando los gradientes explotan, el entrenamiento los recorta: si la **norma global** $\\lVert g \\rVert = \\sqrt{{\\sum_k \\lVert g_k \\rVert^2}}$ de todos los gradientes juntos supera `max_norm`, cada gradiente se multiplica por `max_norm / global_norm`, de modo que la dirección no cambia; si no, nada cambia. Escribe `clip_by_global_norm(grads, max_norm)`, que recibe una lista de arreglos de NumPy y devuelve el par `(clipped, global_norm)`: la lista de arreglos recortados (arreglos nuevos, con las mismas formas) y la norma global **antes** de recortar, igual que `tf.clip_by_global_norm`. Unos gradientes todos nulos deben seguir siendo nulos, sin dividir por cero.",
        "pt": f"## {ex} 2: recortar pela norma global (3 pontos)\n\nQuando os gradientes explodem, o treinamento os recorta: se a **norma global** $\\lVert g \\rVert = \\sqrt{{\\sum_k \\lVert g_k \\rVert^2}}$ de todos os gradientes juntos passa de `max_norm`, cada gradiente é multiplicado por `max_norm / global_norm`, e a direção continua a mesma; caso contrário, nada muda. Escreva `clip_by_global_norm(grads, max_norm)`, que recebe uma lista de arrays do NumPy e devolve o par `(clipped, global_norm)`: a lista dos arrays recortados (arrays novos, com as mesmas formas) e a norma global **antes** do recorte, como faz `tf.clip_by_global_norm`. Gradientes todos nulos devem continuar nulos, sem divisão por zero.",
    }
    ex2_doc = {"en": "Return (clipped grads, global norm before clipping).",
               "es": "Devuelve (gradientes recortados, norma global antes de recortar).",
               "pt": "Devolve (gradientes recortados, norma global antes do recorte)."}
    ex2_answer = (
        "# EXERCISE: clip_by_global_norm\n"
        "def clip_by_global_norm(grads, max_norm):\n"
        f"    \"\"\"{ex2_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    global_norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))\n"
        "    scale = max_norm / max(global_norm, max_norm)\n"
        "    return [np.asarray(g) * scale for g in grads], global_norm\n"
        "    ### END SOLUTION"
    )
    hint2 = {"en": "the values are the clipped arrays flattened, then the norm: here the norm is 13, twice max_norm.",
             "es": "los valores son los arreglos recortados, aplanados, y después la norma: aquí la norma es 13, el doble de max_norm.",
             "pt": "os valores são os arrays recortados, achatados, e depois a norma: aqui a norma é 13, o dobro de max_norm."}
    ex2_visible = (
        "def flatten(clipped, norm):\n"
        "    return np.concatenate([np.ravel(g) for g in clipped] + [[norm]])\n"
        "\n"
        "checks.check_answer(\n"
        f"    \"{ex} 2\", lambda: flatten(*clip_by_global_norm([np.array([3.0, 4.0]), np.array([[12.0]])], 6.5)),\n"
        f"    [1.5, 2.0, 6.0, 13.0], lang=\"{lang}\",\n"
        f"    hint=\"{hint2[lang]}\",\n"
        ")"
    )
    ex2_hidden = (
        "_rng = np.random.default_rng(31)\n"
        "for _shapes, _scale, _max_norm in [([(3, 4), (4,), (2, 2, 2)], 10.0, 1.0), ([(5,)], 0.01, 1.0),\n"
        "                                   ([(2, 3), (1,)], 0.0, 5.0), ([(7, 1)], 3.0, 2.5)]:\n"
        "    _grads = [_scale * _rng.normal(size=_s) for _s in _shapes]\n"
        "    _norm = np.sqrt(sum(np.sum(_g ** 2) for _g in _grads))\n"
        "    _factor = _max_norm / max(_norm, _max_norm)\n"
        "    _got, _got_norm = clip_by_global_norm(_grads, _max_norm)\n"
        "    np.testing.assert_allclose(float(_got_norm), _norm, rtol=1e-9, err_msg=\"the global norm before clipping\")\n"
        "    assert len(_got) == len(_grads), \"one clipped array per gradient\"\n"
        "    for _g, _w in zip(_got, _grads):\n"
        "        _g = np.asarray(_g)\n"
        "        assert _g.shape == _w.shape, f\"a clipped gradient has shape {_g.shape}, expected {_w.shape}\"\n"
        "        assert np.all(np.isfinite(_g)), \"clipping all-zero gradients must not divide by zero\"\n"
        "        np.testing.assert_allclose(_g, _w * _factor, rtol=1e-9, atol=1e-12)"
    )
    cells = header("ch03_bptt_gradients", "ch03_bptt_gradients", lang, title, intro)
    cells += [
        md(fwd_md[lang], "forward_text"),
        code(setup_code, "forward", "setup"),
        md(ex1_md[lang], "rnn_backward_text"),
        code(ex1_answer, "rnn_backward", "answer"),
        *test_cells("rnn_backward", lang, 2, ex1_visible, 4, ex1_hidden),
        md(ex2_md[lang], "clip_by_global_norm_text"),
        code(ex2_answer, "clip_by_global_norm", "answer"),
        *test_cells("clip_by_global_norm", lang, 1, ex2_visible, 2, ex2_hidden),
    ]
    return notebook(cells)

# ---------------------------------------------------------------- chapter 04
def ch04(lang):
    ex = T["exercise"][lang]
    title = {"en": "Assignment 4: perplexity and batches that carry the state", "es": "Tarea 4: perplejidad y lotes que conservan el estado",
             "pt": "Tarefa 4: perplexidade e lotes que carregam o estado"}
    intro = {
        "en": "This assignment goes with chapter 4, on word-level language models. You compute a model's perplexity from its logits, in a way that never overflows, then cut a stream of word ids into the batches that let an RNN carry its state from one batch to the next.",
        "es": "Esta tarea acompaña al capítulo 4, sobre modelos de lenguaje a nivel de palabra. Calculas la perplejidad de un modelo a partir de sus logits, de una forma que nunca se desborda, y después cortas un flujo de identificadores de palabras en los lotes que permiten a una RNN conservar su estado de un lote al siguiente.",
        "pt": "Esta tarefa acompanha o capítulo 4, sobre modelos de linguagem no nível de palavras. Você calcula a perplexidade de um modelo a partir dos seus logits, de um jeito que nunca transborda, e depois corta um fluxo de identificadores de palavras nos lotes que deixam uma RNN carregar seu estado de um lote para o seguinte.",
    }
    run_md = {
        "en": "The tests of exercise 2 call your `batchify` through this helper, which collects its batches in a list, so `batchify` may return a list or be a generator. If `batchify` raises a `ValueError`, the helper returns the text `\"ValueError\"`.",
        "es": "Las pruebas del ejercicio 2 llaman a tu `batchify` a través de esta función auxiliar, que reúne sus lotes en una lista; así, `batchify` puede devolver una lista o ser un generador. Si `batchify` lanza un `ValueError`, la función auxiliar devuelve el texto `\"ValueError\"`.",
        "pt": "Os testes do exercício 2 chamam o seu `batchify` por meio desta função auxiliar, que junta os lotes numa lista; assim, `batchify` pode devolver uma lista ou ser um gerador. Se `batchify` lançar um `ValueError`, a função auxiliar devolve o texto `\"ValueError\"`.",
    }
    run_doc = {"en": "Return batchify's batches as a list of (inputs, targets) arrays, or \"ValueError\" if it raises one.",
               "es": "Devuelve los lotes de batchify como lista de arreglos (inputs, targets), o \"ValueError\" si lanza uno.",
               "pt": "Devolve os lotes de batchify como lista de arrays (inputs, targets), ou \"ValueError\" se ele lançar um."}
    run_code = (
        "def run_batchify(token_ids, batch_size, num_steps):\n"
        f"    \"\"\"{run_doc[lang]}\"\"\"\n"
        "    try:\n"
        "        return [(np.asarray(inputs), np.asarray(targets))\n"
        "                for inputs, targets in batchify(token_ids, batch_size, num_steps)]\n"
        "    except ValueError:\n"
        "        return \"ValueError\""
    )
    ex1_md = {
        "en": f"## {ex} 1: perplexity from logits (5 points)\n\n`logits` has shape (..., vocab): one row of unnormalised scores per position (for example (batch, steps, vocab)); `targets` holds the id of the right word at each position, with the shape of `logits` without its last axis. Write `perplexity(logits, targets)` that returns, as a `float`, the exponential of the mean negative log-probability of the targets:\n\n$$\\mathrm{{PPL}} = \\exp\\Big(-\\frac{{1}}{{N}} \\sum_{{n=1}}^{{N}} \\log \\mathrm{{softmax}}(z_n)_{{y_n}}\\Big), \\qquad \\log \\mathrm{{softmax}}(z)_k = z_k - m - \\log \\sum_j e^{{z_j - m}}, \\quad m = \\max_j z_j.$$\n\nSubtracting the maximum $m$ changes nothing mathematically, but keeps `np.exp` from overflowing: the hidden tests use logits in the thousands.",
        "es": f"## {ex} 1: la perplejidad a partir de los logits (5 puntos)\n\n`logits` tiene forma (..., vocabulario): una fila de puntuaciones sin normalizar por posición (por ejemplo (lote, pasos, vocabulario)); `targets` contiene el identificador de la palabra correcta en cada posición, con la forma de `logits` sin su último eje. Escribe `perplexity(logits, targets)`, que devuelve, como `float`, la exponencial de la media de la log-probabilidad negativa de los objetivos:\n\n$$\\mathrm{{PPL}} = \\exp\\Big(-\\frac{{1}}{{N}} \\sum_{{n=1}}^{{N}} \\log \\mathrm{{softmax}}(z_n)_{{y_n}}\\Big), \\qquad \\log \\mathrm{{softmax}}(z)_k = z_k - m - \\log \\sum_j e^{{z_j - m}}, \\quad m = \\max_j z_j.$$\n\nRestar el máximo $m$ no cambia nada matemáticamente, pero evita que `np.exp` se desborde: las pruebas ocultas usan logits de varios miles.",
        "pt": f"## {ex} 1: a perplexidade a partir dos logits (5 pontos)\n\n`logits` tem forma (..., vocabulário): uma linha de pontuações não normalizadas por posição (por exemplo (lote, passos, vocabulário)); `targets` contém o identificador da palavra certa em cada posição, com a forma de `logits` sem o último eixo. Escreva `perplexity(logits, targets)`, que devolve, como `float`, a exponencial da média da log-probabilidade negativa dos alvos:\n\n$$\\mathrm{{PPL}} = \\exp\\Big(-\\frac{{1}}{{N}} \\sum_{{n=1}}^{{N}} \\log \\mathrm{{softmax}}(z_n)_{{y_n}}\\Big), \\qquad \\log \\mathrm{{softmax}}(z)_k = z_k - m - \\log \\sum_j e^{{z_j - m}}, \\quad m = \\max_j z_j.$$\n\nSubtrair o máximo $m$ não muda nada matematicamente, mas impede que `np.exp` transborde: os testes ocultos usam logits na casa dos milhares.",
    }
    ex1_doc = {"en": "Return exp(mean negative log-softmax probability of the targets), as a float.",
               "es": "Devuelve exp(media de la log-probabilidad softmax negativa de los objetivos), como float.",
               "pt": "Devolve exp(média da log-probabilidade softmax negativa dos alvos), como float."}
    ex1_answer = (
        "# EXERCISE: perplexity\n"
        "def perplexity(logits, targets):\n"
        f"    \"\"\"{ex1_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    logits = np.asarray(logits, dtype=np.float64)\n"
        "    shifted = logits - logits.max(axis=-1, keepdims=True)\n"
        "    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))\n"
        "    picked = np.take_along_axis(log_probs, np.asarray(targets)[..., None], axis=-1)\n"
        "    return float(np.exp(-picked.mean()))\n"
        "    ### END SOLUTION"
    )
    hint1 = {"en": "equal logits give every word the same probability, so the perplexity is the vocabulary size (4); the second value uses logits [ln 1, ln 2, ln 5] and targets 2 then 0.",
             "es": "con logits iguales todas las palabras tienen la misma probabilidad, así que la perplejidad es el tamaño del vocabulario (4); el segundo valor usa los logits [ln 1, ln 2, ln 5] y los objetivos 2 y luego 0.",
             "pt": "com logits iguais todas as palavras têm a mesma probabilidade, então a perplexidade é o tamanho do vocabulário (4); o segundo valor usa os logits [ln 1, ln 2, ln 5] e os alvos 2 e depois 0."}
    ex1_visible = (
        "probabilities = np.log(np.array([[1.0, 2.0, 5.0], [1.0, 2.0, 5.0]]))\n"
        "checks.check_answer(\n"
        f"    \"{ex} 1\", lambda: [perplexity(np.zeros((2, 3, 4)), np.zeros((2, 3), dtype=int)),\n"
        "                       perplexity(probabilities, np.array([2, 0]))],\n"
        f"    [4.0, np.sqrt(64 / 5)], lang=\"{lang}\",\n"
        f"    hint=\"{hint1[lang]}\",\n"
        ")"
    )
    ex1_hidden = (
        "def _reference_perplexity(logits, targets):\n"
        "    _z = logits - logits.max(axis=-1, keepdims=True)\n"
        "    _lp = _z - np.log(np.exp(_z).sum(axis=-1, keepdims=True))\n"
        "    return float(np.exp(-np.take_along_axis(_lp, targets[..., None], axis=-1).mean()))\n"
        "\n"
        "_rng = np.random.default_rng(404)\n"
        "for _shape, _scale, _offset in [((3, 5, 10), 1.0, 0.0), ((7, 2), 3.0, -20.0), ((2, 4, 6), 2.0, 5000.0), ((1, 1, 3), 50.0, 0.0)]:\n"
        "    _logits = _offset + _scale * _rng.normal(size=_shape)\n"
        "    _targets = _rng.integers(0, _shape[-1], size=_shape[:-1])\n"
        "    _got = perplexity(_logits, _targets)\n"
        "    assert isinstance(_got, (float, np.floating)), f\"expected a float, got {type(_got).__name__}\"\n"
        "    assert np.isfinite(_got), f\"perplexity is {_got} for logits around {_offset}: use a stable log-softmax\"\n"
        "    np.testing.assert_allclose(_got, _reference_perplexity(_logits, _targets), rtol=1e-6,\n"
        "                               err_msg=f\"logits of shape {_shape}, around {_offset}\")\n"
        "_sure = np.full((4, 5), -1000.0)\n"
        "_sure[np.arange(4), [0, 1, 2, 3]] = 1000.0\n"
        "np.testing.assert_allclose(perplexity(_sure, np.array([0, 1, 2, 3])), 1.0, err_msg=\"a certain, right model\")"
    )
    ex2_md = {
        "en": f"## {ex} 2: batches that carry the state (5 points)\n\nA language model trained with carried state reads the corpus as `batch_size` long parallel streams. Write `batchify(token_ids, batch_size, num_steps)` that returns (or yields) the batches `(inputs, targets)` of one epoch, each of shape (batch_size, num_steps), the classic way:\n\n1. keep the first `batch_size * L` ids, with $L$ = `len(token_ids) // batch_size`, and lay them out as `batch_size` rows of $L$ consecutive ids;\n2. batch $k$ takes columns $k \\cdot$ `num_steps` to $(k+1) \\cdot$ `num_steps` $- 1$ as inputs, and the same columns shifted by one as targets: the target of each position is the next id of its row;\n3. there are $(L - 1)$ `// num_steps` batches; leftover columns are dropped.\n\nSo row $i$ of batch $k+1$ continues row $i$ of batch $k$ exactly where it stopped, and the state the RNN leaves at the end of batch $k$ is the right start for batch $k+1$. Raise a `ValueError` when `batch_size` or `num_steps` is below 1, or when there are too few ids for one batch.",
        "es": f"## {ex} 2: lotes que conservan el estado (5 puntos)\n\nUn modelo de lenguaje entrenado conservando el estado lee el corpus como `batch_size` flujos largos en paralelo. Escribe `batchify(token_ids, batch_size, num_steps)`, que devuelve (o genera con `yield`) los lotes `(inputs, targets)` de una época, cada uno de forma (batch_size, num_steps), a la manera clásica:\n\n1. conserva los primeros `batch_size * L` identificadores, con $L$ = `len(token_ids) // batch_size`, y colócalos en `batch_size` filas de $L$ identificadores consecutivos;\n2. el lote $k$ toma como entradas las columnas de $k \\cdot$ `num_steps` a $(k+1) \\cdot$ `num_steps` $- 1$, y como objetivos las mismas columnas desplazadas una posición: el objetivo de cada posición es el siguiente identificador de su fila;\n3. hay $(L - 1)$ `// num_steps` lotes; las columnas sobrantes se descartan.\n\nAsí, la fila $i$ del lote $k+1$ continúa la fila $i$ del lote $k$ justo donde se detuvo, y el estado que deja la RNN al final del lote $k$ es el punto de partida correcto para el lote $k+1$. Lanza un `ValueError` cuando `batch_size` o `num_steps` sea menor que 1, o cuando no haya identificadores suficientes para un lote.",
        "pt": f"## {ex} 2: lotes que carregam o estado (5 pontos)\n\nUm modelo de linguagem treinado carregando o estado lê o corpus como `batch_size` fluxos longos em paralelo. Escreva `batchify(token_ids, batch_size, num_steps)`, que devolve (ou gera com `yield`) os lotes `(inputs, targets)` de uma época, cada um de forma (batch_size, num_steps), do jeito clássico:\n\n1. mantenha os primeiros `batch_size * L` identificadores, com $L$ = `len(token_ids) // batch_size`, dispostos em `batch_size` linhas de $L$ identificadores consecutivos;\n2. o lote $k$ usa como entradas as colunas de $k \\cdot$ `num_steps` a $(k+1) \\cdot$ `num_steps` $- 1$, e como alvos as mesmas colunas deslocadas de uma posição: o alvo de cada posição é o próximo identificador da sua linha;\n3. há $(L - 1)$ `// num_steps` lotes; as colunas que sobram são descartadas.\n\nAssim, a linha $i$ do lote $k+1$ continua a linha $i$ do lote $k$ exatamente onde ela parou, e o estado que a RNN deixa no fim do lote $k$ é o ponto de partida certo para o lote $k+1$. Lance um `ValueError` quando `batch_size` ou `num_steps` for menor que 1, ou quando não houver identificadores suficientes para um lote.",
    }
    ex2_doc = {"en": "Return or yield the (inputs, targets) batches of one epoch, each (batch_size, num_steps).",
               "es": "Devuelve o genera los lotes (inputs, targets) de una época, cada uno (batch_size, num_steps).",
               "pt": "Devolve ou gera os lotes (inputs, targets) de uma época, cada um (batch_size, num_steps)."}
    ex2_answer = (
        "# EXERCISE: batchify\n"
        "def batchify(token_ids, batch_size, num_steps):\n"
        f"    \"\"\"{ex2_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    if batch_size < 1 or num_steps < 1:\n"
        "        raise ValueError(\"batch_size and num_steps must be at least 1\")\n"
        "    ids = np.asarray(token_ids)\n"
        "    row_length = len(ids) // batch_size\n"
        "    num_batches = (row_length - 1) // num_steps\n"
        "    if num_batches < 1:\n"
        "        raise ValueError(\"too few ids for one batch\")\n"
        "    rows = ids[:batch_size * row_length].reshape(batch_size, row_length)\n"
        "    return [(rows[:, k * num_steps:(k + 1) * num_steps], rows[:, k * num_steps + 1:(k + 1) * num_steps + 1])\n"
        "            for k in range(num_batches)]\n"
        "    ### END SOLUTION"
    )
    hint2 = {"en": "with 21 ids and 2 rows, row 0 holds ids 0-9 and row 1 ids 10-19 (id 20 is dropped); the values are the number of batches, then the inputs and targets of the first two batches, flattened.",
             "es": "con 21 identificadores y 2 filas, la fila 0 contiene los identificadores 0-9 y la fila 1 los 10-19 (el 20 se descarta); los valores son el número de lotes y después las entradas y los objetivos de los dos primeros lotes, aplanados.",
             "pt": "com 21 identificadores e 2 linhas, a linha 0 contém os identificadores 0-9 e a linha 1 os 10-19 (o 20 é descartado); os valores são o número de lotes e depois as entradas e os alvos dos dois primeiros lotes, achatados."}
    ex2_visible = (
        "def count_and_first_two(batches):\n"
        "    return [len(batches), *np.concatenate([np.ravel(part) for part in batches[0] + batches[1]])]\n"
        "\n"
        "checks.check_answer(\n"
        f"    \"{ex} 2\", lambda: count_and_first_two(run_batchify(np.arange(21), 2, 3)),\n"
        "    [3, 0, 1, 2, 10, 11, 12, 1, 2, 3, 11, 12, 13, 3, 4, 5, 13, 14, 15, 4, 5, 6, 14, 15, 16],\n"
        f"    lang=\"{lang}\", hint=\"{hint2[lang]}\",\n"
        ")"
    )
    ex2_hidden = (
        "def _reference_batches(ids, batch_size, num_steps):\n"
        "    _length = len(ids) // batch_size\n"
        "    _rows = np.asarray(ids)[:batch_size * _length].reshape(batch_size, _length)\n"
        "    return [(_rows[:, _k * num_steps:(_k + 1) * num_steps], _rows[:, _k * num_steps + 1:(_k + 1) * num_steps + 1])\n"
        "            for _k in range((_length - 1) // num_steps)]\n"
        "\n"
        "for _n, _batch, _steps in [(1000, 4, 7), (103, 5, 4), (12, 1, 11), (50, 7, 1), (30, 3, 9)]:\n"
        "    _got = run_batchify(np.arange(_n), _batch, _steps)\n"
        "    assert isinstance(_got, list), f\"batchify raised a ValueError for {_n} ids, batch_size {_batch}, num_steps {_steps}\"\n"
        "    _want = _reference_batches(np.arange(_n), _batch, _steps)\n"
        "    assert len(_got) == len(_want), f\"{len(_got)} batches for {_n} ids, batch_size {_batch}, num_steps {_steps}; expected {len(_want)}\"\n"
        "    for _k, ((_x, _y), (_wx, _wy)) in enumerate(zip(_got, _want)):\n"
        "        assert _x.shape == _y.shape == (_batch, _steps), f\"batch {_k} has shapes {_x.shape}, {_y.shape}\"\n"
        "        np.testing.assert_array_equal(_y[:, :-1], _x[:, 1:], err_msg=\"targets are the inputs shifted by one\")\n"
        "        if _k > 0:  # the state-carrying property: row i goes on where it stopped\n"
        "            np.testing.assert_array_equal(_x[:, 0], _got[_k - 1][0][:, -1] + 1,\n"
        "                                          err_msg=f\"row i of batch {_k} does not continue row i of batch {_k - 1}\")\n"
        "        np.testing.assert_array_equal(_x, _wx)\n"
        "        np.testing.assert_array_equal(_y, _wy)\n"
        "_words = np.random.default_rng(44).integers(0, 50, size=200)\n"
        "_got = run_batchify(_words.tolist(), 3, 6)\n"
        "assert isinstance(_got, list) and len(_got) == len(_reference_batches(_words, 3, 6)), \"a plain list of ids works too\"\n"
        "for (_x, _y), (_wx, _wy) in zip(_got, _reference_batches(_words, 3, 6)):\n"
        "    np.testing.assert_array_equal(_x, _wx)\n"
        "    np.testing.assert_array_equal(_y, _wy)\n"
        "for _args in [(np.arange(10), 5, 2), (np.arange(3), 4, 1), (np.arange(100), 0, 5), (np.arange(100), 4, 0)]:\n"
        "    assert run_batchify(*_args) == \"ValueError\", f\"expected a ValueError for {len(_args[0])} ids, batch_size {_args[1]}, num_steps {_args[2]}\""
    )
    cells = header("ch04_perplexity_batching", "ch04_perplexity_batching", lang, title, intro)
    cells += [
        md(ex1_md[lang], "perplexity_text"),
        code(ex1_answer, "perplexity", "answer"),
        *test_cells("perplexity", lang, 2, ex1_visible, 3, ex1_hidden),
        md(run_md[lang], "run_batchify_text"),
        code(run_code, "run_batchify", "sandbox"),
        md(ex2_md[lang], "batchify_text"),
        code(ex2_answer, "batchify", "answer"),
        *test_cells("batchify", lang, 2, ex2_visible, 3, ex2_hidden),
    ]
    return notebook(cells)

# ---------------------------------------------------------------- chapter 05
def ch05(lang):
    ex = T["exercise"][lang]
    title = {"en": "Assignment 5: a bidirectional LSTM reads digits", "es": "Tarea 5: una LSTM bidireccional lee dígitos",
             "pt": "Tarefa 5: uma LSTM bidirecional lê dígitos"}
    intro = {
        "en": "This assignment goes with chapter 5, *Bidirectional LSTMs: reading handwritten digits row by row*. You reverse padded sequences the way a backward RNN must read them, then build a bidirectional LSTM classifier in Keras that the grader trains briefly on real MNIST digits.",
        "es": "Esta tarea acompaña al capítulo 5, *LSTM bidireccionales: leer dígitos manuscritos fila a fila*. Inviertes secuencias con relleno tal como debe leerlas una RNN hacia atrás y después construyes en Keras un clasificador LSTM bidireccional, que el corrector entrena brevemente con dígitos reales de MNIST.",
        "pt": "Esta tarefa acompanha o capítulo 5, *LSTMs bidirecionais: lendo dígitos manuscritos linha por linha*. Você inverte sequências com preenchimento do jeito que uma RNN para trás precisa lê-las e depois constrói em Keras um classificador LSTM bidirecional, que o corretor treina rapidamente com dígitos reais do MNIST.",
    }
    data_md = {
        "en": "`digits()` loads MNIST once, as in chapter 5 (in Colab it downloads the digits the first time), and returns `(x_train, y_train), (x_test, y_test)` as integer arrays: images of shape (28, 28) with pixels from 0 to 255, and their labels. Below it, Keras is imported, and two helpers call your `build_model`: `describe_model` reports what your model is made of, and `train_and_predict` trains it with a fixed budget and returns its predicted digits. The tests of exercise 2 use them.",
        "es": "`digits()` carga MNIST una sola vez, como en el capítulo 5 (en Colab descarga los dígitos la primera vez), y devuelve `(x_train, y_train), (x_test, y_test)` como arreglos de enteros: imágenes de forma (28, 28) con píxeles de 0 a 255, y sus etiquetas. Debajo se importa Keras, y dos funciones auxiliares llaman a tu `build_model`: `describe_model` informa de qué está hecho tu modelo, y `train_and_predict` lo entrena con un presupuesto fijo y devuelve los dígitos que predice. Las pruebas del ejercicio 2 las usan.",
        "pt": "`digits()` carrega o MNIST uma única vez, como no capítulo 5 (no Colab ele baixa os dígitos na primeira vez), e devolve `(x_train, y_train), (x_test, y_test)` como arrays de inteiros: imagens de forma (28, 28) com pixels de 0 a 255, e seus rótulos. Logo abaixo o Keras é importado, e duas funções auxiliares chamam o seu `build_model`: `describe_model` informa do que o seu modelo é feito, e `train_and_predict` o treina com um orçamento fixo e devolve os dígitos que ele prevê. Os testes do exercício 2 as usam.",
    }
    docs = {
        "en": ("MNIST as integer arrays, loaded once: (x_train, y_train), (x_test, y_test).",
               "Build build_model(units) and report, as plain numbers, what it is made of.",
               "Train build_model(units) on the digits for `epochs` epochs (batch 32); return its predicted digits for x_test."),
        "es": ("MNIST como arreglos de enteros, cargado una sola vez: (x_train, y_train), (x_test, y_test).",
               "Construye build_model(units) e informa, con números simples, de qué está hecho.",
               "Entrena build_model(units) con los dígitos durante `epochs` épocas (lotes de 32); devuelve los dígitos que predice para x_test."),
        "pt": ("O MNIST como arrays de inteiros, carregado uma única vez: (x_train, y_train), (x_test, y_test).",
               "Constrói build_model(units) e informa, com números simples, do que ele é feito.",
               "Treina build_model(units) com os dígitos por `epochs` épocas (lotes de 32); devolve os dígitos que ele prevê para x_test."),
    }[lang]
    data_code = (
        "from functools import lru_cache\n\n"
        "from course_utils import mnist\n\n\n"
        "@lru_cache(maxsize=1)\n"
        "def digits():\n"
        f"    \"\"\"{docs[0]}\"\"\"\n"
        "    return mnist.load_mnist()"
    )
    sandbox_code = (
        "import os\n\n"
        "os.environ.setdefault(\"TF_CPP_MIN_LOG_LEVEL\", \"2\")\n\n"
        "import keras\n\n\n"
        "def describe_model(units):\n"
        f"    \"\"\"{docs[1]}\"\"\"\n"
        "    model = build_model(units)\n"
        "    wrapped = [layer.forward_layer for layer in model.layers if isinstance(layer, keras.layers.Bidirectional)]\n"
        "    lstm_units = [layer.units for layer in wrapped if isinstance(layer, keras.layers.LSTM)]\n"
        "    return {\"bidirectional_lstm_units\": int(lstm_units[0]) if lstm_units else 0,\n"
        "            \"input_shape\": [int(n) for n in model.input_shape[1:]],\n"
        "            \"outputs\": int(model.output_shape[-1]),\n"
        "            \"compiled\": bool(getattr(model, \"compiled\", False) or getattr(model, \"_is_compiled\", False))}\n"
        "\n\n"
        "def train_and_predict(x_train, y_train, x_test, units=32, epochs=1, seed=0):\n"
        f"    \"\"\"{docs[2]}\"\"\"\n"
        "    keras.utils.set_random_seed(seed)\n"
        "    model = build_model(units)\n"
        "    model.fit(np.asarray(x_train, \"float32\") / 255.0, np.asarray(y_train, \"int64\"), batch_size=32,\n"
        "              epochs=epochs, verbose=0)\n"
        "    return model.predict(np.asarray(x_test, \"float32\") / 255.0, batch_size=500, verbose=0).argmax(axis=-1)"
    )
    ex1_md = {
        "en": f"## {ex} 1: reversing padded sequences (3 points)\n\nA bidirectional layer's backward RNN reads each sequence from its last **real** step to its first. In a padded batch, reversing the whole time axis would make it read the padding first. Write `reverse_padded(x, lengths)` that returns a new array of the shape of `x` (examples, steps, features) in which, for each example $i$, the first $L_i$ steps appear in reverse order and the padding steps after them stay where they are. `lengths` holds $0 \\leq L_i \\leq$ steps. Do not change `x`.",
        "es": f"## {ex} 1: invertir secuencias con relleno (3 puntos)\n\nLa RNN hacia atrás de una capa bidireccional lee cada secuencia desde su último paso **real** hasta el primero. En un lote con relleno, invertir todo el eje del tiempo le haría leer primero el relleno. Escribe `reverse_padded(x, lengths)`, que devuelve un arreglo nuevo con la forma de `x` (ejemplos, pasos, características) en el que, para cada ejemplo $i$, los primeros $L_i$ pasos aparecen en orden inverso y los pasos de relleno que los siguen se quedan donde están. `lengths` contiene $0 \\leq L_i \\leq$ pasos. No modifiques `x`.",
        "pt": f"## {ex} 1: invertendo sequências com preenchimento (3 pontos)\n\nA RNN para trás de uma camada bidirecional lê cada sequência do último passo **real** até o primeiro. Num lote com preenchimento, inverter o eixo do tempo inteiro a faria ler primeiro o preenchimento. Escreva `reverse_padded(x, lengths)`, que devolve um array novo com a forma de `x` (exemplos, passos, atributos) no qual, para cada exemplo $i$, os primeiros $L_i$ passos aparecem em ordem inversa e os passos de preenchimento depois deles ficam onde estão. `lengths` contém $0 \\leq L_i \\leq$ passos. Não altere `x`.",
    }
    ex1_doc = {"en": "Reverse the first lengths[i] steps of each example; keep the padding after them in place.",
               "es": "Invierte los primeros lengths[i] pasos de cada ejemplo; deja en su sitio el relleno que los sigue.",
               "pt": "Inverte os primeiros lengths[i] passos de cada exemplo; mantém no lugar o preenchimento depois deles."}
    ex1_answer = (
        "# EXERCISE: reverse_padded\n"
        "def reverse_padded(x, lengths):\n"
        f"    \"\"\"{ex1_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    x = np.asarray(x)\n"
        "    out = x.copy()\n"
        "    for i, length in enumerate(lengths):\n"
        "        out[i, :length] = x[i, :length][::-1]\n"
        "    return out\n"
        "    ### END SOLUTION"
    )
    hint1 = {"en": "the first sequence has 3 real steps (0, 1, 2) and one padding step (3), which stays last.",
             "es": "la primera secuencia tiene 3 pasos reales (0, 1, 2) y uno de relleno (3), que sigue al final.",
             "pt": "a primeira sequência tem 3 passos reais (0, 1, 2) e um de preenchimento (3), que continua no fim."}
    ex1_visible = (
        "checks.check_answer(\n"
        f"    \"{ex} 1\", lambda: reverse_padded(np.arange(8).reshape(2, 4, 1), np.array([3, 4]))[:, :, 0],\n"
        f"    [[2, 1, 0, 3], [7, 6, 5, 4]], lang=\"{lang}\",\n"
        f"    hint=\"{hint1[lang]}\",\n"
        ")"
    )
    ex1_hidden = (
        "_rng = np.random.default_rng(505)\n"
        "for _examples, _steps, _features in [(5, 7, 3), (1, 1, 1), (4, 6, 2)]:\n"
        "    _x = _rng.normal(size=(_examples, _steps, _features))\n"
        "    _lengths = _rng.integers(0, _steps + 1, size=_examples)\n"
        "    _lengths[0] = _steps\n"
        "    _want = _x.copy()\n"
        "    for _i, _n in enumerate(_lengths):\n"
        "        _want[_i, :_n] = _x[_i, :_n][::-1]\n"
        "    _got = np.asarray(reverse_padded(_x, _lengths))\n"
        "    assert _got.shape == _x.shape, f\"the result has shape {_got.shape}, expected {_x.shape}\"\n"
        "    np.testing.assert_array_equal(_got, _want, err_msg=f\"lengths {_lengths.tolist()}\")\n"
        "_got = np.asarray(reverse_padded(np.ones((2, 3, 1)), np.array([0, 2])))\n"
        "np.testing.assert_array_equal(_got, np.ones((2, 3, 1)), err_msg=\"a sequence of length 0\")"
    )
    ex2_md = {
        "en": f"## {ex} 2: a bidirectional LSTM classifier (5 points)\n\nWrite `build_model(units=32)` that returns a **compiled** Keras model reading an MNIST image as 28 steps of 28 features, input shape (28, 28): a `keras.layers.Bidirectional` layer around an `LSTM(units)`, then a `Dense(10, activation=\"softmax\")` layer that gives the probability of each digit. Compile it with the loss `\"sparse_categorical_crossentropy\"` (labels are integers) and an optimizer of your choice, for example Adam with a learning rate of 0.01. The answer may use `keras` and `np`.\n\nThe visible test checks what the model is made of. The hidden test calls `train_and_predict`: it trains your model (units 32) for **one epoch on 2,000 training digits** and needs **at least 40% accuracy on 500 test digits** (a guess scores 10%). Try it on other digits before you submit:\n\n```python\n(x_train, y_train), (x_test, y_test) = digits()\npredicted = train_and_predict(x_train[-2000:], y_train[-2000:], x_test[-500:])\nprint(\"accuracy:\", np.mean(predicted == y_test[-500:]))\n```",
        "es": f"## {ex} 2: un clasificador LSTM bidireccional (5 puntos)\n\nEscribe `build_model(units=32)`, que devuelve un modelo de Keras **compilado** que lee una imagen de MNIST como 28 pasos de 28 características, con forma de entrada (28, 28): una capa `keras.layers.Bidirectional` que envuelve una `LSTM(units)`, seguida de una capa `Dense(10, activation=\"softmax\")` que da la probabilidad de cada dígito. Compílalo con la pérdida `\"sparse_categorical_crossentropy\"` (las etiquetas son enteros) y el optimizador que prefieras, por ejemplo Adam con una tasa de aprendizaje de 0.01. La respuesta puede usar `keras` y `np`.\n\nLa prueba visible comprueba de qué está hecho el modelo. La prueba oculta llama a `train_and_predict`: entrena tu modelo (32 unidades) durante **una época con 2000 dígitos de entrenamiento** y exige **al menos un 40 % de exactitud con 500 dígitos de prueba** (adivinar da un 10 %). Pruébalo con otros dígitos antes de entregar:\n\n```python\n(x_train, y_train), (x_test, y_test) = digits()\npredicted = train_and_predict(x_train[-2000:], y_train[-2000:], x_test[-500:])\nprint(\"exactitud:\", np.mean(predicted == y_test[-500:]))\n```",
        "pt": f"## {ex} 2: um classificador LSTM bidirecional (5 pontos)\n\nEscreva `build_model(units=32)`, que devolve um modelo Keras **compilado** que lê uma imagem do MNIST como 28 passos de 28 atributos, com forma de entrada (28, 28): uma camada `keras.layers.Bidirectional` em volta de uma `LSTM(units)`, seguida de uma camada `Dense(10, activation=\"softmax\")` que dá a probabilidade de cada dígito. Compile-o com a perda `\"sparse_categorical_crossentropy\"` (os rótulos são inteiros) e o otimizador que preferir, por exemplo Adam com taxa de aprendizado de 0.01. A resposta pode usar `keras` e `np`.\n\nO teste visível verifica do que o modelo é feito. O teste oculto chama `train_and_predict`: ele treina o seu modelo (32 unidades) por **uma época com 2.000 dígitos de treino** e exige **pelo menos 40% de acurácia em 500 dígitos de teste** (um chute acerta 10%). Teste com outros dígitos antes de entregar:\n\n```python\n(x_train, y_train), (x_test, y_test) = digits()\npredicted = train_and_predict(x_train[-2000:], y_train[-2000:], x_test[-500:])\nprint(\"acurácia:\", np.mean(predicted == y_test[-500:]))\n```",
    }
    ex2_doc = {"en": "Return a compiled Keras model: Bidirectional(LSTM(units)) over (28, 28) inputs, then Dense(10, softmax).",
               "es": "Devuelve un modelo de Keras compilado: Bidirectional(LSTM(units)) sobre entradas (28, 28), luego Dense(10, softmax).",
               "pt": "Devolve um modelo Keras compilado: Bidirectional(LSTM(units)) sobre entradas (28, 28), depois Dense(10, softmax)."}
    ex2_answer = (
        "# EXERCISE: build_model\n"
        "def build_model(units=32):\n"
        f"    \"\"\"{ex2_doc[lang]}\"\"\"\n"
        "    ### BEGIN SOLUTION\n"
        "    model = keras.Sequential([\n"
        "        keras.Input(shape=(28, 28)),\n"
        "        keras.layers.Bidirectional(keras.layers.LSTM(units)),\n"
        "        keras.layers.Dense(10, activation=\"softmax\"),\n"
        "    ])\n"
        "    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),\n"
        "                  loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"])\n"
        "    return model\n"
        "    ### END SOLUTION"
    )
    hint2 = {"en": "the values are [units per direction of the LSTM inside Bidirectional (0 if there is none), the input shape (28, 28), the number of outputs, compiled (1) or not (0)].",
             "es": "los valores son [unidades por dirección de la LSTM dentro de Bidirectional (0 si no la hay), la forma de entrada (28, 28), el número de salidas, compilado (1) o no (0)].",
             "pt": "os valores são [unidades por direção da LSTM dentro de Bidirectional (0 se não houver), a forma de entrada (28, 28), o número de saídas, compilado (1) ou não (0)]."}
    ex2_visible = (
        "def model_facts(units):\n"
        "    facts = describe_model(units)\n"
        "    return [facts[\"bidirectional_lstm_units\"], *facts[\"input_shape\"], facts[\"outputs\"], int(facts[\"compiled\"])]\n"
        "\n"
        "checks.check_answer(\n"
        f"    \"{ex} 2\", lambda: model_facts(16), [16, 28, 28, 10, 1], lang=\"{lang}\",\n"
        f"    hint=\"{hint2[lang]}\",\n"
        ")"
    )
    ex2_hidden = (
        "(_x_train, _y_train), (_x_test, _y_test) = digits()\n"
        "_predicted = np.asarray(train_and_predict(_x_train[:2000], _y_train[:2000], _x_test[:500], units=32, epochs=1, seed=5))\n"
        "assert _predicted.shape == (500,), f\"train_and_predict returned shape {_predicted.shape}, expected (500,)\"\n"
        "_accuracy = float(np.mean(_predicted == _y_test[:500]))\n"
        "assert _accuracy >= 0.4, f\"accuracy {_accuracy:.3f} on 500 test digits after one epoch on 2,000; the bar is 0.40\""
    )
    cells = header("ch05_bidirectional", "ch05_bidirectional", lang, title, intro)
    cells += [
        md(data_md[lang], "data_text"),
        code(data_code, "data", "setup"),
        code(sandbox_code, "helpers", "sandbox"),
        md(ex1_md[lang], "reverse_padded_text"),
        code(ex1_answer, "reverse_padded", "answer"),
        *test_cells("reverse_padded", lang, 1, ex1_visible, 2, ex1_hidden),
        md(ex2_md[lang], "build_model_text"),
        code(ex2_answer, "build_model", "answer"),
        *test_cells("build_model", lang, 2, ex2_visible, 3, ex2_hidden),
    ]
    # Keras in the sandbox: TensorFlow's import and a short training need more than the defaults.
    return notebook(cells, limits={"timeout": 120, "startup_timeout": 120, "memory_mb": 3072})

ASSIGNMENTS = [("ch01_lstm_step", ch01), ("ch02_last_relevant", ch02), ("ch03_bptt_gradients", ch03),
               ("ch04_perplexity_batching", ch04), ("ch05_bidirectional", ch05)]

for name, build in ASSIGNMENTS:
    folder = ROOT / name
    folder.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        nb = build(lang)
        for i, cell in enumerate(nb["cells"]):
            cell["id"] = f"{cell['metadata']['nbgrader']['grade_id'].replace('_', '-')}"
        (folder / f"{name}_{lang}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
print("ok")
