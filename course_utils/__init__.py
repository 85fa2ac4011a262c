"""Companion package of the course "Recurrent Neural Networks with TensorFlow".

Modules:
    budget:    one switch (``COURSE_FAST=1``) between full and fast training budgets.
    sequences: variable-length toy sequences, padding and ``tf.data`` pipelines.
    plotting:  the figures chapters share (curves, bars, example sequences).
    checks:    self-checks for the exercises, in English, Spanish and Portuguese.
    cells:     split Keras's fused RNN/LSTM/GRU weights into per-gate matrices and back.
    diagrams:  unrolled-graph drawings and gradient-norm plots.
    bptt:      the palindrome series, a checked NumPy BPTT, and chapter 3's truncated-BPTT training loop.
    mnist:     the MNIST digits, online through Keras or offline from checksummed IDX files.
    images:    image grids and confusion matrices.
    validation: argument checks the other modules share.
    ptb:       Penn Treebank: tokens with <eos>, the 10,000-word vocabulary, state-carrying batches.
    lm:        stacked-LSTM language models: build from a config, train with carried state, perplexity.
    store:     a results store for long trainings: train once, reuse (other languages, rebuilds), resume.
    progress:  a live bar within each epoch that leaves one line per epoch (Jupyter, Colab, terminal).
    i18n:      the reader's language, set once per notebook (`set_language("es")`).
"""

__version__ = "0.1.0"
