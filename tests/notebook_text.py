"""Read notebooks for the structural tests: code tokens, math, headings."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from IPython.core.inputtransformer2 import TransformerManager

_TRANSFORMER = TransformerManager()
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
_FENCE = re.compile(r"```.*?```", re.DOTALL)


def _string_token(text: str) -> str:
    """Reduce a string literal to what must match across languages.

    Plain strings keep only their prefix: their contents may be translated.
    f-strings keep the expressions between braces, which are code.
    """
    prefix = re.match(r"[A-Za-z]*", text).group(0).lower()
    if "f" not in prefix:
        return f"STRING:{prefix}"
    node = ast.parse(text, mode="eval").body
    parts = [ast.dump(v.value) + f"!{v.conversion}" for v in ast.walk(node) if isinstance(v, ast.FormattedValue)]
    return f"FSTRING:{prefix}:" + "|".join(parts)


def code_tokens(source: str) -> list[str]:
    """Return the tokens of a code cell with comments dropped and strings reduced."""
    python = _TRANSFORMER.transform_cell(source)
    tokens = []
    for tok in tokenize.generate_tokens(io.StringIO(python).readline):
        if tok.type in _SKIP:
            continue
        if tok.type == tokenize.STRING:
            tokens.append(_string_token(tok.string))
        else:
            tokens.append(tok.string)
    return tokens


def math_of(markdown: str) -> list[str]:
    """Return the inline and display math of a markdown cell, whitespace folded."""
    return [" ".join(m.split()) for m in _MATH.findall(_FENCE.sub("", markdown))]


def heading_levels(markdown: str) -> list[int]:
    """Return the levels of the markdown headings, in order."""
    return [len(h) for h in _HEADING.findall(_FENCE.sub("", markdown))]
