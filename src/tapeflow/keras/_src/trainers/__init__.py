"""The training API of `keras.Model`: compile, fit, evaluate, predict."""
