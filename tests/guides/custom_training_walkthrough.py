"""TF tutorial "Custom training: walkthrough" (tutorials/customization/custom_training_walkthrough,
the penguins one), verbatim except:

- the data: the tutorial loads `penguins/processed` with tensorflow_datasets (a download); here a
  small local CSV with the same columns (four features scaled to [0, 1], then the species label)
  is written and read back with NumPy, split 20%/80% like the tutorial's `train[:20%]` /
  `train[20%:]`, and turned into (features, label) datasets with from_tensor_slices
  (tf.data.experimental.make_csv_dataset is not in tapeflow); the tfds previews are left out;
- the matplotlib plots are left out, the epochs are cut from 201 to 21 (reports every 5);
- keras.utils.set_random_seed(1337) is added so the initial weights are reproducible;
- notebook cells that display a value print it.
"""

# The guide's code as written (its style, not ours): neither linted nor reformatted.
# ruff: noqa
# fmt: off

import os

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(1337)

print("TensorFlow version: {}".format(tf.__version__))

# A local stand-in for tfds' penguins/processed: culmen_length, culmen_depth, flipper_length,
# body_mass (scaled), species.
rng = np.random.RandomState(0)
species = rng.randint(0, 3, size=100)
centres = np.array([[0.3, 0.6, 0.3, 0.3], [0.6, 0.6, 0.4, 0.3], [0.6, 0.3, 0.7, 0.7]])
feats = np.clip(centres[species] + 0.08 * rng.randn(100, 4), 0.0, 1.0)
with open("penguins_processed.csv", "w") as f:
    f.write("culmen_length_mm,culmen_depth_mm,flipper_length_mm,body_mass_g,species\n")
    for row, label in zip(feats, species):
        f.write(",".join(f"{v:.6f}" for v in row) + f",{label}\n")
table = np.loadtxt("penguins_processed.csv", delimiter=",", skiprows=1)
features_all = table[:, :4].astype("float32")
labels_all = table[:, 4].astype("int64")
ds_test = tf.data.Dataset.from_tensor_slices((features_all[:20], labels_all[:20]))
ds_train = tf.data.Dataset.from_tensor_slices((features_all[20:], labels_all[20:]))

class_names = ["Adélie", "Chinstrap", "Gentoo"]

assert isinstance(ds_test, tf.data.Dataset)

ds_train_batch = ds_train.batch(32)

features, labels = next(iter(ds_train_batch))

print(features)
print(labels)

model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),  # input shape required
        tf.keras.layers.Dense(10, activation=tf.nn.relu),
        tf.keras.layers.Dense(3),
    ]
)

predictions = model(features)
print(predictions[:5])

print(tf.nn.softmax(predictions[:5]))

print("Prediction: {}".format(tf.math.argmax(predictions, axis=1)))
print("    Labels: {}".format(labels))

loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def loss(model, x, y, training):
    # training=training is needed only if there are layers with different
    # behavior during training versus inference (e.g. Dropout).
    y_ = model(x, training=training)

    return loss_object(y_true=y, y_pred=y_)


l = loss(model, features, labels, training=False)
print("Loss test: {}".format(l))


def grad(model, inputs, targets):
    with tf.GradientTape() as tape:
        loss_value = loss(model, inputs, targets, training=True)
    return loss_value, tape.gradient(loss_value, model.trainable_variables)


optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)

loss_value, grads = grad(model, features, labels)

print("Step: {}, Initial Loss: {}".format(optimizer.iterations.numpy(), loss_value.numpy()))

optimizer.apply_gradients(zip(grads, model.trainable_variables))

print(
    "Step: {},         Loss: {}".format(
        optimizer.iterations.numpy(), loss(model, features, labels, training=True).numpy()
    )
)

## Note: Rerunning this cell uses the same model parameters

# Keep results for plotting
train_loss_results = []
train_accuracy_results = []

num_epochs = 21

for epoch in range(num_epochs):
    epoch_loss_avg = tf.keras.metrics.Mean()
    epoch_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()

    # Training loop - using batches of 32
    for x, y in ds_train_batch:
        # Optimize the model
        loss_value, grads = grad(model, x, y)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

        # Track progress
        epoch_loss_avg.update_state(loss_value)  # Add current batch loss
        # Compare predicted label to actual label
        # training=True is needed only if there are layers with different
        # behavior during training versus inference (e.g. Dropout).
        epoch_accuracy.update_state(y, model(x, training=True))

    # End epoch
    train_loss_results.append(epoch_loss_avg.result())
    train_accuracy_results.append(epoch_accuracy.result())

    if epoch % 5 == 0:
        print(
            "Epoch {:03d}: Loss: {:.3f}, Accuracy: {:.3%}".format(
                epoch, epoch_loss_avg.result(), epoch_accuracy.result()
            )
        )

test_accuracy = tf.keras.metrics.Accuracy()
ds_test_batch = ds_test.batch(10)

for x, y in ds_test_batch:
    # training=False is needed only if there are layers with different
    # behavior during training versus inference (e.g. Dropout).
    logits = model(x, training=False)
    prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
    test_accuracy(prediction, y)

print("Test set accuracy: {:.3%}".format(test_accuracy.result()))

print(tf.stack([y, prediction], axis=1))

predict_dataset = tf.convert_to_tensor(
    [
        [0.3, 0.8, 0.4, 0.5],
        [0.4, 0.1, 0.8, 0.5],
        [0.7, 0.9, 0.8, 0.4],
    ]
)

# training=False is needed only if there are layers with different
# behavior during training versus inference (e.g. Dropout).
predictions = model(predict_dataset, training=False)

for i, logits in enumerate(predictions):
    class_idx = tf.math.argmax(logits).numpy()
    p = tf.nn.softmax(logits)[class_idx]
    name = class_names[class_idx]
    print("Example {} prediction: {} ({:4.1f}%)".format(i, name, 100 * p))

os.remove("penguins_processed.csv")
