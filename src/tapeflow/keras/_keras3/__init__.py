"""The Keras-3 `import keras` namespace: the same objects as `tf.keras`, with Keras 3's own
name lists where they differ (spec §2: `keras.losses.mean_squared_error` exists, `mse` and
`Reduction` do not). `python -m tapeflow run` maps `import keras` here."""
