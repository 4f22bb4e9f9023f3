"""`keras.layers.RNN`, `SimpleRNN`, `LSTM`, `GRU` and their cells.

Keras 3's layout and numbers: the cell is a sublayer named `<rnn>_cell` (weights
`lstm/lstm_cell/kernel`, `.../recurrent_kernel`, `.../bias`), gates are concatenated in
Keras' order (LSTM i, f, c, o; GRU z, r, h) and `go_backwards` returns the sequence in the
order it was processed (reversed), as Keras does. Each cell owns a
`keras.random.SeedGenerator` (as Keras); with `training=True`, `dropout` and
`recurrent_dropout` draw one mask for the inputs and one for the state per call (Keras'
`implementation=2` form; with `recurrent_dropout`, LSTM and GRU switch to Keras'
`implementation=1`, one mask per gate), kept for every step and drawn in Keras' order.
A `mask` (batch, timesteps) keeps the previous output and states at masked steps (zeros as
output with `zero_output_for_mask`).
`unroll` computes the same loop. A list of cells (StackedRNNCells) is not supported.
"""

from __future__ import annotations

import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from ...variable import Variable
from ..input_spec import InputSpec
from ..layer import Layer


def _dropout_mask(ones, rate, seed_generator):
    """`keras.random.dropout(ones, rate, seed)`: kept entries are 1 / (1 - rate)."""
    seed = tf.cast(seed_generator.next(), "int32")
    draw = tf.random.stateless_uniform(tf.shape(ones), seed=seed, dtype=ones.dtype)
    return tf.cast(draw >= rate, ones.dtype) * (1.0 / (1.0 - rate))


class _DropoutRNNCell(Layer):
    """Keras' `DropoutRNNCell` mixin: masks drawn once per RNN call, reset after it."""

    def _init_dropout(self, dropout, recurrent_dropout, seed):
        from ...random import SeedGenerator

        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self.seed = seed
        self.seed_generator = SeedGenerator(seed=seed)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _create_dropout_mask(self, step_input, rate):
        ones = tf.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return _dropout_mask(ones, rate, self.seed_generator)
        return [_dropout_mask(ones, rate, self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_input):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout
            )
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def get_initial_state(self, batch_size=None):
        return [tf.zeros((batch_size, d), dtype=self.compute_dtype) for d in _sizes(self)]


def _sizes(cell):
    size = cell.state_size
    return [size] if isinstance(size, int) else list(size)


def _check_units(units):
    if units <= 0:
        raise ValueError(
            "Received an invalid value for argument `units`, expected a positive integer, "
            f"got {units}."
        )


class _CellWeights:
    """The kernel/recurrent_kernel/bias arguments every cell takes."""

    def _init_weights_args(
        self,
        units,
        activation,
        use_bias,
        kernel_initializer,
        recurrent_initializer,
        bias_initializer,
        kernel_regularizer,
        recurrent_regularizer,
        bias_regularizer,
        kernel_constraint,
        recurrent_constraint,
        bias_constraint,
    ):
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def _add_kernels(self, input_dim, gates):
        self.kernel = self.add_weight(
            shape=(input_dim, gates * self.units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, gates * self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )

    def _add_bias(self, shape, initializer=None):
        self.bias = self.add_weight(
            shape=shape,
            name="bias",
            initializer=initializer or self.bias_initializer,
            regularizer=self.bias_regularizer,
            constraint=self.bias_constraint,
        )

    def _weights_config(self):
        return {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }


class SimpleRNNCell(_CellWeights, _DropoutRNNCell):
    """`SimpleRNNCell(units, activation='tanh', use_bias=True, ...,
    recurrent_initializer='orthogonal', dropout=0.0, recurrent_dropout=0.0, seed=None)`:
    `h = activation(x @ kernel + bias + h_prev @ recurrent_kernel)`."""

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        _check_units(units)
        super().__init__(**kwargs)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self._init_weights_args(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
        )  # fmt: skip
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self._add_bias((self.units,))
        else:
            self.bias = None
        self.built = True

    def call(self, sequence, states, training=False):
        nested = isinstance(states, (list, tuple))
        prev_output = states[0] if nested else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output)
        if training and dp_mask is not None:
            sequence = sequence * dp_mask
        h = tf.matmul(sequence, self.kernel.value)
        if self.bias is not None:
            h = h + self.bias.value
        if training and rec_dp_mask is not None:
            prev_output = prev_output * rec_dp_mask
        output = h + tf.matmul(prev_output, self.recurrent_kernel.value)
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if nested else output)

    def get_config(self):
        return {**super().get_config(), **self._weights_config(), "seed": self.seed}


class LSTMCell(_CellWeights, _DropoutRNNCell):
    """`LSTMCell(units, activation='tanh', recurrent_activation='sigmoid', use_bias=True,
    ..., unit_forget_bias=True, dropout=0.0, recurrent_dropout=0.0, seed=None)`.

    Gates i, f, c, o in that order along the kernels' last axis; `unit_forget_bias`
    initializes the forget gate's bias to ones.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        _check_units(units)
        self.implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self._init_weights_args(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
        )  # fmt: skip
        self.recurrent_activation = activations.get(recurrent_activation)
        self._init_dropout(dropout, recurrent_dropout, seed)
        if self.recurrent_dropout != 0.0:
            self.implementation = 1
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], 4)
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                units, base = self.units, self.bias_initializer

                def initializer(_, *args, **kwargs):
                    return tf.concat(
                        [
                            base((units,), *args, **kwargs),
                            tf.ones((units,), dtype=kwargs.get("dtype") or self.variable_dtype),
                            base((2 * units,), *args, **kwargs),
                        ],
                        axis=0,
                    )

            self._add_bias((4 * self.units,), initializer)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dropping = training and 0.0 < self.dropout < 1.0
        if self.implementation == 1:
            # Keras' per-gate form: each gate has its own input and state masks.
            xs = [inputs] * 4
            if dropping:
                xs = [inputs * m for m in self.get_dropout_mask(inputs)]
            hs = [h_tm1] * 4
            if training and 0.0 < self.recurrent_dropout < 1.0:
                hs = [h_tm1 * m for m in self.get_recurrent_dropout_mask(h_tm1)]
            kernels = tf.split(self.kernel.value, 4, axis=1)
            recurrent = tf.split(self.recurrent_kernel.value, 4, axis=1)
            xz = [tf.matmul(x, k) for x, k in zip(xs, kernels)]
            if self.bias is not None:
                xz = [x + b for x, b in zip(xz, tf.split(self.bias.value, 4, axis=0))]
            z0, z1, z2, z3 = [x + tf.matmul(h, r) for x, h, r in zip(xz, hs, recurrent)]
        else:
            if dropping:
                inputs = inputs * self.get_dropout_mask(inputs)
            z = tf.matmul(inputs, self.kernel.value) + tf.matmul(h_tm1, self.recurrent_kernel.value)
            if self.bias is not None:
                z = z + self.bias.value
            z0, z1, z2, z3 = tf.split(z, 4, axis=-1)
        i = self.recurrent_activation(z0)
        f = self.recurrent_activation(z1)
        c = f * c_tm1 + i * self.activation(z2)
        o = self.recurrent_activation(z3)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {
            **super().get_config(),
            **self._weights_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
            "seed": self.seed,
        }


class GRUCell(_CellWeights, _DropoutRNNCell):
    """`GRUCell(units, activation='tanh', recurrent_activation='sigmoid', use_bias=True,
    ..., dropout=0.0, recurrent_dropout=0.0, reset_after=True, seed=None)`.

    Gates z, r, h; with `reset_after` (TF's cuDNN form) the bias is `(2, 3 * units)`
    (input and recurrent biases) and the reset gate multiplies `h_prev @ recurrent_kernel`.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        _check_units(units)
        self.implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self._init_weights_args(
            units, activation, use_bias, kernel_initializer, recurrent_initializer,
            bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
            kernel_constraint, recurrent_constraint, bias_constraint,
        )  # fmt: skip
        self.recurrent_activation = activations.get(recurrent_activation)
        self._init_dropout(dropout, recurrent_dropout, seed)
        if self.recurrent_dropout != 0.0:
            self.implementation = 1
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.reset_after = reset_after
        self.state_size = units
        self.output_size = units

    def build(self, input_shape):
        self._add_kernels(input_shape[-1], 3)
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self._add_bias(shape)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if nested else states
        units = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias.value[0], self.bias.value[1]
            else:
                input_bias = self.bias.value
        if self.implementation == 1:
            h = self._call_per_gate(inputs, h_tm1, input_bias, recurrent_bias, training)
            return h, ([h] if nested else h)
        if training and 0.0 < self.dropout < 1.0:
            inputs = inputs * self.get_dropout_mask(inputs)
        h_in = h_tm1
        recurrent_kernel = self.recurrent_kernel.value
        matrix_x = tf.matmul(inputs, self.kernel.value)
        if input_bias is not None:
            matrix_x = matrix_x + input_bias
        x_z, x_r, x_h = tf.split(matrix_x, 3, axis=-1)
        if self.reset_after:
            inner = tf.matmul(h_in, recurrent_kernel)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
        else:
            inner = tf.matmul(h_in, recurrent_kernel[:, : 2 * units])
        z = self.recurrent_activation(x_z + inner[:, :units])
        r = self.recurrent_activation(x_r + inner[:, units : 2 * units])
        if self.reset_after:
            recurrent_h = r * inner[:, 2 * units :]
        else:
            recurrent_h = tf.matmul(r * h_in, recurrent_kernel[:, 2 * units :])
        hh = self.activation(x_h + recurrent_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if nested else h)

    def _call_per_gate(self, inputs, h_tm1, input_bias, recurrent_bias, training):
        """Keras' `implementation=1`: per-gate products, each with its own dropout masks."""
        xs = [inputs] * 3
        if training and 0.0 < self.dropout < 1.0:
            xs = [inputs * m for m in self.get_dropout_mask(inputs)]
        hs = [h_tm1] * 3
        if training and 0.0 < self.recurrent_dropout < 1.0:
            hs = [h_tm1 * m for m in self.get_recurrent_dropout_mask(h_tm1)]
        kernels = tf.split(self.kernel.value, 3, axis=1)
        recurrent = tf.split(self.recurrent_kernel.value, 3, axis=1)
        x_z, x_r, x_h = [tf.matmul(x, k) for x, k in zip(xs, kernels)]
        if input_bias is not None:
            b_z, b_r, b_h = tf.split(input_bias, 3, axis=0)
            x_z, x_r, x_h = x_z + b_z, x_r + b_r, x_h + b_h
        rec_z = tf.matmul(hs[0], recurrent[0])
        rec_r = tf.matmul(hs[1], recurrent[1])
        rb_h = None
        if self.reset_after and recurrent_bias is not None:
            rb_z, rb_r, rb_h = tf.split(recurrent_bias, 3, axis=0)
            rec_z, rec_r = rec_z + rb_z, rec_r + rb_r
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = tf.matmul(hs[2], recurrent[2])
            if rb_h is not None:
                rec_h = rec_h + rb_h
            rec_h = r * rec_h
        else:
            rec_h = tf.matmul(r * hs[2], recurrent[2])
        hh = self.activation(x_h + rec_h)
        return z * h_tm1 + (1 - z) * hh

    def get_config(self):
        return {
            **super().get_config(),
            **self._weights_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
            "seed": self.seed,
        }


class RNN(Layer):
    """`RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
    stateful=False, unroll=False, zero_output_for_mask=False)`; `call(sequences,
    initial_state=None, mask=None, training=False)`.

    With `return_state` the result is `(output, *states)`. A stateful RNN keeps its final
    states in non-trainable variables (`rnn_state`) as the next call's initial state
    (`reset_state()` zeroes them); its batch size must be static.
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            raise ValueError("tapeflow's RNN takes one cell (StackedRNNCells is not supported).")
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of "
                f"integers, one integer per RNN state). Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.input_spec = None
        self.states = None
        self._expected_batch_size = None
        state_size = getattr(self.cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers (one for each "
                "state tensor)."
            )
        if isinstance(state_size, int):
            self.state_size = [state_size]
            self.single_state = True
        else:
            self.state_size = list(state_size)
            self.single_state = False

    @property
    def supports_masking(self) -> bool:
        return True

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        states = [(batch, s) for s in self.state_size]
        size = getattr(self.cell, "output_size", None) or self.state_size[0]
        if not isinstance(size, int):
            raise ValueError("output_size must be an integer.")
        output = (batch, length, size) if self.return_sequences else (batch, size)
        if self.return_state:
            return (output, *states)
        return output

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=False):
        from ...keras_tensor import KerasTensor

        shapes = self.compute_output_shape(tuple(sequences.shape))
        if self.return_state:
            return tuple(KerasTensor(s, dtype=self.compute_dtype) for s in shapes)
        return KerasTensor(shapes, dtype=self.compute_dtype)

    def build(self, sequences_shape, initial_state_shape=None):
        step_shape = (sequences_shape[0], *sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        "When using `stateful=True` in a RNN, the batch size must be static. "
                        f"Found dynamic batch size: sequence.shape={sequences_shape}"
                    )
                from ... import naming

                with naming.name_scope(self.name, caller=self):
                    states = [
                        Variable(s, trainable=False, dtype=self.variable_dtype, name="rnn_state")
                        for s in self.get_initial_state(sequences_shape[0])
                    ]
                object.__setattr__(self, "states", states)  # not tracked, as Keras
                self._expected_batch_size = sequences_shape[0]
        self.built = True

    def get_initial_state(self, batch_size):
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [tf.zeros((batch_size, d), dtype=self.cell.compute_dtype)
                    for d in self.state_size]  # fmt: skip
        state = fn(batch_size=batch_size)
        return list(state) if isinstance(state, (list, tuple)) else [state]

    def reset_states(self):
        self.reset_state()

    def reset_state(self):
        if self.states is not None:
            for v in self.states:
                v.assign(tf.zeros_like(v.value))

    def _step(self, inputs, states, training):
        if isinstance(self.cell, _DropoutRNNCell):
            output, new_states = self.cell.call(inputs, states, training=training)
        elif isinstance(self.cell, Layer) and self.cell._call_has_training_arg:
            output, new_states = self.cell(inputs, states, training=training)
        else:
            output, new_states = self.cell(inputs, states)
        if not isinstance(new_states, (list, tuple)):
            new_states = [new_states]
        return output, list(new_states)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if initial_state is None:
            if self.stateful:
                initial_state = [v.value for v in self.states]
            else:
                initial_state = self.get_initial_state(sequences.shape[0])
        if self.stateful:
            batch = sequences.shape[0]
            if self._expected_batch_size is not None and batch != self._expected_batch_size:
                raise ValueError(
                    "If an RNN is stateful, the batch size of the input sequences must be the "
                    "same as the batch size of the initial state. \n"
                    f"- Expected batch size: {self._expected_batch_size}\n"
                    f"- Received batch size: {batch}"
                )
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        states = [tf.convert_to_tensor(s, dtype=self.cell.compute_dtype) for s in initial_state]
        cell = self.cell
        if isinstance(cell, _DropoutRNNCell):
            cell.get_dropout_mask(sequences[:, 0, :])
            cell.get_recurrent_dropout_mask(states[0])
        steps = tf.unstack(sequences, axis=1)
        masks = None if mask is None else tf.unstack(tf.cast(mask, "bool"), axis=1)
        if self.go_backwards:
            steps = steps[::-1]
            masks = None if masks is None else masks[::-1]
        state_arg = states
        outputs = []
        last = None
        for t, x in enumerate(steps):
            output, new_states = self._step(x, state_arg, training)
            if masks is not None:
                m = tf.expand_dims(masks[t], -1)
                previous = last if last is not None else tf.zeros_like(output)
                new_states = [tf.where(m, n, s) for n, s in zip(new_states, state_arg)]
                carried = tf.where(m, output, previous)
                output_t = tf.where(m, output, tf.zeros_like(output)) if (
                    self.zero_output_for_mask) else carried  # fmt: skip
                output = carried
            else:
                output_t = output
            last = output
            outputs.append(output_t)
            state_arg = new_states
        if isinstance(cell, _DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        dtype = self.compute_dtype
        final = [tf.cast(s, dtype) for s in state_arg]
        if self.stateful:
            for variable, value in zip(self.states, final):
                variable.assign(value)
        if self.return_sequences:
            output = tf.cast(tf.stack(outputs, axis=1), dtype)
        else:
            output = tf.cast(outputs[-1] if self.zero_output_for_mask and masks is not None
                             else last, dtype)  # fmt: skip
        if self.return_state:
            return (output, *final)
        return output

    def get_config(self):
        from ...serialization import serialize

        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize(self.cell),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        from ...serialization import deserialize

        config = dict(config)
        cell = deserialize(config.pop("cell"))
        return cls(cell, **config)


_RNN_KEYS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask")  # fmt: skip


class _CellRNN(RNN):
    """The layers that build their own cell (SimpleRNN, LSTM, GRU): the cell's arguments
    are the layer's, and its config replaces `cell`."""

    _cell_class = None
    _cell_name = None

    def __init__(self, cell_kwargs, rnn_kwargs, kwargs):
        cell = self._cell_class(
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name=self._cell_name,
            **cell_kwargs,
        )
        super().__init__(cell, **rnn_kwargs, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def __getattr__(self, name):
        # Keras exposes the cell's arguments as layer properties (`lstm.units`, ...).
        if name in _CELL_ATTRIBUTES and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            config.pop(key, None)
        base = super().get_config()
        del base["cell"]
        return {**base, **config, "activity_regularizer": regularizers.serialize(
            self.activity_regularizer)}  # fmt: skip

    @classmethod
    def from_config(cls, config):
        return Layer.from_config.__func__(cls, config)


_CELL_ATTRIBUTES = frozenset(
    {
        "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
        "kernel_initializer", "recurrent_initializer", "bias_initializer",
        "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
        "recurrent_dropout", "reset_after", "seed",
    }
)  # fmt: skip


class SimpleRNN(_CellRNN):
    """`SimpleRNN(units, activation='tanh', use_bias=True, kernel_initializer=
    'glorot_uniform', recurrent_initializer='orthogonal', bias_initializer='zeros', ...,
    dropout=0.0, recurrent_dropout=0.0, return_sequences=False, return_state=False,
    go_backwards=False, stateful=False, unroll=False, seed=None)`."""

    _cell_class = SimpleRNNCell
    _cell_name = "simple_rnn_cell"

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        **kwargs,
    ):
        cell_kwargs = dict(
            units=units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed,
        )  # fmt: skip
        rnn_kwargs = dict(
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
        )  # fmt: skip
        kwargs["activity_regularizer"] = activity_regularizer
        super().__init__(cell_kwargs, rnn_kwargs, kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("seed", None)  # Keras' SimpleRNN config has no seed
        return config


class LSTM(_CellRNN):
    """`LSTM(units, activation='tanh', recurrent_activation='sigmoid', use_bias=True,
    kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal',
    bias_initializer='zeros', unit_forget_bias=True, ..., dropout=0.0,
    recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
    go_backwards=False, stateful=False, unroll=False, use_cudnn='auto')`; states `[h, c]`."""

    _cell_class = LSTMCell
    _cell_name = "lstm_cell"

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        **kwargs,
    ):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed,
            implementation=kwargs.pop("implementation", 2),
        )  # fmt: skip
        rnn_kwargs = dict(
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
        )  # fmt: skip
        kwargs["activity_regularizer"] = activity_regularizer
        super().__init__(cell_kwargs, rnn_kwargs, kwargs)
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                "Invalid valid received for argument `use_cudnn`. Expected one of "
                f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
            )
        self.use_cudnn = use_cudnn


class GRU(_CellRNN):
    """`GRU(units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, ...,
    dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
    return_state=False, go_backwards=False, stateful=False, unroll=False,
    reset_after=True, use_cudnn='auto')`."""

    _cell_class = GRUCell
    _cell_name = "gru_cell"

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed, implementation=kwargs.pop("implementation", 2),
        )  # fmt: skip
        rnn_kwargs = dict(
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll,
        )  # fmt: skip
        kwargs["activity_regularizer"] = activity_regularizer
        super().__init__(cell_kwargs, rnn_kwargs, kwargs)
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                "Invalid valid received for argument `use_cudnn`. Expected one of "
                f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
            )
        self.use_cudnn = use_cudnn
