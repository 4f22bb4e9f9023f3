"""Models: `Model` (subclassed), `Functional` (from `keras.Input`s) and `Sequential`."""
