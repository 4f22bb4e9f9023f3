"""tapeflow.keras' implementation; the public names are re-exported by the namespace modules
one level up (`tapeflow.keras.layers`, `.losses`, ...), as Keras' own `keras.src` is."""
