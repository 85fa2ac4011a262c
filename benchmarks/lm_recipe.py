"""Train one of chapter 4's language models from the command line, with the notebook's code.

Runs :func:`course_utils.lm.train` on Penn Treebank with a recipe of
``course_utils.lm.RECIPES`` and prints the perplexity per epoch, the test
perplexity and the training throughput. Examples (run from the repository root)::

    python -m benchmarks.lm_recipe --recipe "dropout + tied"          # the full 15-epoch run
    python -m benchmarks.lm_recipe --recipe source --epochs 1 --train-tokens 120000 --no-test
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv: list[str] | None = None) -> int:
    from course_utils import lm, ptb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", choices=sorted(lm.RECIPES), default="dropout + tied")
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's 15 epochs")
    parser.add_argument("--train-tokens", type=int, default=None, help="train on the first N tokens only")
    parser.add_argument("--no-test", action="store_true", help="skip the test split")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    config = lm.RECIPES[args.recipe]
    if args.epochs is not None:
        config = dataclasses.replace(config, epochs=args.epochs)
    corpus = ptb.load_ptb()
    if args.train_tokens is not None:
        corpus = dataclasses.replace(corpus, train=corpus.train[: args.train_tokens])
    result = lm.train(config, corpus, seed=args.seed, evaluate_test=not args.no_test,
                      log=lambda line: print(line, flush=True))
    print(json.dumps({
        "recipe": args.recipe, "parameters": result.parameters, "epochs": config.epochs,
        "train_tokens": int(len(corpus.train)), "train_perplexity": result.train_perplexity,
        "valid_perplexity": result.valid_perplexity, "test_perplexity": result.test_perplexity,
        "words_per_second": round(result.words_per_second, 1), "seconds": round(result.seconds, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
