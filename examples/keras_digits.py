"""A small MLP trained with Keras' `fit` on scikit-learn's 8x8 digits, as tf.keras code.

The model is `Input(64) -> Dense(128, relu) -> Dropout(0.2) -> Dense(10)`, compiled with Adam
and sparse categorical cross-entropy from logits; `fit` prints Keras' progress bar, holds out
20% of the training data for validation, and the script then prints the test accuracy and
writes `keras_digits.png` (loss and accuracy per epoch) when matplotlib is installed.

Needs scikit-learn (`pip install scikit-learn`; matplotlib for the picture).
Run:  python examples/keras_digits.py [--epochs N] [--plot PATH]
"""

import argparse

import numpy as np

import tapeflow as tf

keras = tf.keras


def load():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")
    return train_test_split(x, y.astype("int64"), test_size=0.25, random_state=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--plot", default="keras_digits.png")
    args = parser.parse_args()
    x_train, x_test, y_train, y_test = load()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.summary()
    history = model.fit(
        x_train, y_train, batch_size=32, epochs=args.epochs, validation_split=0.2, verbose=2
    )
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.4f}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot written")
        return
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = np.arange(1, args.epochs + 1)
    for key, ax in (("loss", ax_loss), ("accuracy", ax_acc)):
        ax.plot(epochs, history.history[key], label="train")
        ax.plot(epochs, history.history[f"val_{key}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.legend()
    fig.tight_layout()
    fig.savefig(args.plot, dpi=80)
    print(f"plot written to {args.plot}")


if __name__ == "__main__":
    main()
