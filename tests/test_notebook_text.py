"""The helpers that the parity test relies on must themselves tell code apart."""

from notebook_text import code_tokens, heading_levels, math_of


def test_comments_and_string_contents_are_ignored():
    a = 'x = f(1)  # one\nprint("hello", x)\n'
    b = 'x = f(1)  # uno\nprint("hola", x)\n'
    assert code_tokens(a) == code_tokens(b)


def test_code_changes_are_seen():
    assert code_tokens("x = f(1)\n") != code_tokens("x = f(2)\n")
    assert code_tokens("x = f(1)\n") != code_tokens("y = f(1)\n")
    assert code_tokens("if a:\n    b()\n") != code_tokens("if a:\n    pass\nb()\n")


def test_fstring_expressions_are_code_but_their_text_is_not():
    assert code_tokens('print(f"loss {loss:.3f}")\n') == code_tokens('print(f"pérdida {loss:.3f}")\n')
    assert code_tokens('print(f"loss {loss:.3f}")\n') != code_tokens('print(f"loss {acc:.3f}")\n')


def test_string_prefixes_matter():
    assert code_tokens('x = r"a"\n') != code_tokens('x = "a"\n')


def test_magics_are_tokenised_as_calls():
    assert "run_line_magic" in code_tokens("%pip install x\n")


def test_math_and_headings():
    text = "# T\nSee $a+b$ and\n\n$$\nc = d\n$$\n## S\n```\n# not a heading $x$\n```"
    assert math_of(text) == ["$a+b$", "$$ c = d $$"]
    assert heading_levels(text) == [1, 2]


def test_local_path_pattern():
    from test_notebooks import LOCAL_PATH

    for text in ["/home/ana/x.csv", "C:\\Users\\ana", "open('/tmp/data')", "file:///x", "/work/main/a"]:
        assert LOCAL_PATH.search(text), text
    for text in ['print("picked:\\n")', "ratio 3:\\n", "https://keras.io/guides/", "book/en/02_dynamic_rnn.ipynb"]:
        assert not LOCAL_PATH.search(text), text
