"""Companion package of the course "Recurrent Neural Networks with TensorFlow".

Modules:
    budget:    one switch (``COURSE_FAST=1``) between full and fast training budgets.
    sequences: variable-length toy sequences, padding and ``tf.data`` pipelines.
    plotting:  the figures chapters share (curves, bars, example sequences).
    checks:    self-checks for the exercises, in the reader's language, expected answers out of sight.
    exercises: each exercise's test inputs and reference answer, which the checks compare with.
    cells:     split Keras's fused RNN/LSTM/GRU weights into per-gate matrices and back.
    diagrams:  unrolled-graph drawings, LSTM and GRU cell drawings, gradient-norm and gate plots.
    bptt:      the palindrome series, a checked NumPy BPTT, and chapter 3's truncated-BPTT training loop.
    mnist:     the MNIST digits, online through Keras or offline from checksummed IDX files.
    images:    image grids and confusion matrices.
    validation: argument checks the other modules share.
    ptb:       Penn Treebank: tokens with <eos>, the 10,000-word vocabulary, state-carrying batches.
    lm:        stacked-LSTM language models: build from a config, train with carried state, perplexity.
    memory:    long-range memory, trained: the recall task and a SimpleRNN/GRU/LSTM experiment over lags and seeds.
    models:    a Keras model's layer table in the reader's language (instead of model.summary()).
    store:     a results store for long trainings: train once, reuse (other languages, rebuilds), resume.
    progress:  a live bar within each epoch that leaves one line per epoch (Jupyter, Colab, terminal).
    i18n:      the reader's language, set once per notebook (`set_language("es")`).
    units:     look inside a trained LSTM one hidden unit at a time: activations, correlations, coloured text.
    stats:     compare two classifiers on the same test examples (McNemar's paired test).
"""

__version__ = "0.1.0"
