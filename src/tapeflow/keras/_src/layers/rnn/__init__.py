"""Keras layers: rnn."""
