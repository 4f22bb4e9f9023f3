"""Keras 3's optimizer base (`keras.optimizers.Optimizer`), as tf.keras 2.21 runs it.

The TensorFlow backend's behaviour is the one copied: update rules receive the
`tf.Variable` behind a Keras variable, optimizer state is keyed by that `tf.Variable`, and
`tf.IndexedSlices` gradients update through scatters (see `_ops`). Updates are tapeflow
assignments, so a training step calling `apply` traces and replays under
`tf.function` once the optimizer is built: build it first
(`optimizer.build(variables)`, as Keras' `fit` does), since a trace that creates variables
runs eagerly. Gradient accumulation and `ema_overwrite_frequency` branch on the counter's
value (Keras' `ops.cond`), which tapeflow reads in Python: those steps run eagerly.

Speed: the per-step scalars (rates, bias corrections) are computed once per step and dtype,
hyperparameters are cached as constants, and each slot is read once and assigned without
reading back, so an eager Adam step costs about a dozen tapeflow ops per variable.
"""

from __future__ import annotations

import re
import warnings

import tapeflow as tf

from .. import backend, naming
from ..variable import Variable
from . import _ops
from .schedules import LearningRateSchedule
from .schedules import serialize as _serialize_schedule

IndexedSlices = tf.IndexedSlices


def _tf_variable(variable):
    """The tf.Variable a Keras variable wraps (tf.Variables are themselves)."""
    return variable._value if isinstance(variable, Variable) else variable


def _constant_initializer(value):
    def initializer(shape, dtype=None):
        return tf.fill(shape, tf.cast(value, dtype))

    return initializer


def _resolve_initializer(initializer):
    if initializer == "zeros" or initializer is None:
        return lambda shape, dtype=None: tf.zeros(shape, dtype)
    if initializer == "ones":
        return lambda shape, dtype=None: tf.ones(shape, dtype)
    if isinstance(initializer, (int, float)):
        return _constant_initializer(initializer)
    if isinstance(initializer, str) or isinstance(initializer, dict):
        from .. import initializers  # the Keras initializers module (loaded only if needed)

        return initializers.get(initializer)
    return initializer


class BaseOptimizer:
    """Abstract optimizer base class (Keras 3's `BaseOptimizer`).

    Subclasses override `build` (create slots with `add_variable_from_reference`),
    `update_step(gradient, variable, learning_rate)` and `get_config`.

    As in tf.keras 2.21: there is no `minimize` method and no `lr` attribute;
    `learning_rate` must be a Python float (an int raises), a `LearningRateSchedule` or a
    callable; `exclude_from_weight_decay` never raises after build (Keras tests a `_built`
    attribute that is never set).
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        self._lock = False
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=1
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if name is None:
            name = naming.auto_name(self.__class__.__name__)
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps:
            if not gradient_accumulation_steps >= 2:
                raise ValueError(
                    "`gradient_accumulation_steps` must be an integer >= 2. "
                    f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
                )
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum="
                    f"{ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                    f"ema_overwrite_frequency={ema_overwrite_frequency}"
                )
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._tracked_ids = set()
        self._consts = {}  # (value, dtype) -> tensor: hyperparameters as per-dtype constants
        with self._name_scope():
            iterations = Variable(
                0,
                name="iteration",
                dtype="int",
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(iterations)
        self._iterations = iterations
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not isinstance(learning_rate, float):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of "
                    "LearningRateSchedule, or a callable (that takes in the current iteration "
                    "value and returns the corresponding learning rate value). "
                    f"Received instead: learning_rate={learning_rate}"
                )
            with self._name_scope():
                learning_rate = Variable(
                    learning_rate,
                    name="learning_rate",
                    dtype=backend.floatx(),
                    trainable=False,
                    aggregation="only_first_replica",
                )
            self._track_variable(learning_rate)
            self._learning_rate = learning_rate
        cls = type(self)
        # The built-in rules run through `_update` with their per-step scalars computed once
        # per dtype; a subclass that overrides `update_step` gets it called per variable.
        self._fast = getattr(cls, "_update", None) is not None and cls.update_step is getattr(
            cls, "_builtin_update_step", None
        )

    # -- per-step constants ---------------------------------------------------------------------
    def _const(self, value, dtype):
        """`tf.cast(value, dtype)` (Keras' `ops.cast` of a hyperparameter), cached for numbers,
        so a step does not convert the same Python floats again."""
        try:
            key = (value, type(value), dtype)
            out = self._consts.get(key)
        except TypeError:  # a tensor hyperparameter: unhashable
            return tf.cast(value, dtype)
        if out is None:
            out = self._consts[key] = tf.cast(value, dtype)
        return out

    def _num(self, value, dtype):
        """A Python number as the operand of an op in `dtype` (how `x * 0.1` converts it)."""
        try:
            key = ("num", value, type(value), dtype)
            out = self._consts.get(key)
        except TypeError:
            return value
        if out is None:
            out = self._consts[key] = tf.constant(value, dtype)
        return out

    def _local_step(self, offset=1):
        """`iterations + offset` as float64 (Keras casts to the variable's dtype: the same
        whole numbers below 2**24)."""
        one = self._num(offset, tf.int64)
        return tf.cast(_tf_variable(self.iterations) + one, tf.float64)

    def _power(self, value, step64, dtype, converted=False):
        """`ops.power(ops.cast(value, dtype), step)` (`converted`: `ops.power(value, step)`,
        which converts a Python number straight to `dtype`), rounded once from float64 (see
        `_ops.power`)."""
        try:
            key = ("pow", value, type(value), dtype, converted)
            base = self._consts.get(key)
        except TypeError:
            key, base = None, None
        if base is None:
            base = self._num(value, dtype) if converted else self._const(value, dtype)
            base = tf.cast(base, tf.float64)
            if key is not None:
                self._consts[key] = base
        out = tf.pow(base, step64)
        return out if dtype == tf.float64 else tf.cast(out, dtype)

    # -- attribute tracking ---------------------------------------------------------------------
    def __setattr__(self, name, value):
        if name != "_lock" and "_lock" not in self.__dict__:
            self._check_super_called()
        # Keras variables set as attributes join `variables` (Nadam's `_u_product` does).
        if isinstance(value, Variable) and "_tracked_ids" in self.__dict__:
            self._track_variable(value)
        object.__setattr__(self, name, value)

    def _name_scope(self):
        """The optimizer's name scope, entered once however deeply nested (Keras'
        `name_scope(name, caller=self)` does not repeat its caller's scope)."""
        return _OwnScope(self)

    def _check_super_called(self):
        if "_lock" not in self.__dict__:
            raise RuntimeError(
                f"In optimizer '{self.__class__.__name__}', you forgot to call "
                "`super().__init__()` as the first statement in the `__init__()` method. "
                "Go add it!"
            )

    def _track_variable(self, variable):
        if id(variable) not in self._tracked_ids:
            self._tracked_ids.add(id(variable))
            self._variables.append(variable)

    def _untrack_variable(self, variable):
        if id(variable) in self._tracked_ids:
            self._tracked_ids.discard(id(variable))
            self._variables = [v for v in self._variables if v is not variable]

    # -- state ----------------------------------------------------------------------------------
    @property
    def iterations(self):
        """The step counter (an int64 Keras variable `<name>/iteration`)."""
        if self.gradient_accumulation_steps:
            return tf.math.floordiv(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self):
        """The optimizer's own variables: iteration, learning_rate, then the slots."""
        return self._variables[:]

    def _var_key(self, variable):
        return id(_tf_variable(variable))

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[self._var_key(variable)]

    def _overwrite_variable_with_gradient(self, variable):
        return getattr(variable, "overwrite_with_gradient", False)

    def build(self, variables):
        """Creates the optimizer's state for `variables` (slots are added by subclasses)."""
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = []
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[self._var_key(variable)] = i
            if self.gradient_accumulation_steps:
                self._accumulated_gradients.append(
                    self.add_variable_from_reference(variable, name="gradient_accumulator")
                )
        self._trainable_variables = variables[:]
        self.built = True

    def add_variable(
        self,
        shape,
        initializer="zeros",
        dtype=None,
        aggregation="none",
        layout=None,
        name=None,
    ):
        """Adds a non-trainable Keras variable under the optimizer's name scope."""
        self._check_super_called()
        initializer = _resolve_initializer(initializer)
        with self._name_scope():
            variable = Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named `<path with _>_<name>`; a
        tf.Variable's name is sanitised (`tfvar:0` -> `tfvar_0_momentum`), as Keras does."""
        name = name or "var"
        if hasattr(reference_variable, "path"):
            name = f"{reference_variable.path.replace('/', '_')}_{name}"
        else:
            sanitised = str(reference_variable.name).replace("/", "_").replace(":", "_")
            name = f"{sanitised}_{name}"
        return self.add_variable(
            shape=tuple(reference_variable.shape.as_list()),
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=name,
        )

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name (a list, or a tuple of lists for several
        names); variables with `overwrite_with_gradient` get None."""
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(name, str):
            inits = [initializer]
        elif isinstance(initializer, (list, tuple)):
            inits = list(initializer)
        else:
            inits = [initializer] * len(names)
        if len(names) != len(inits):
            raise ValueError(
                "The number of provided names must match the number of provided "
                f"initializers.  Received name='{name}', initializer='{initializer}'"
            )
        out = tuple([] for _ in names)
        for variable in trainable_variables:
            if not self._overwrite_variable_with_gradient(variable):
                for i, (var_name, var_init) in enumerate(zip(names, inits)):
                    out[i].append(
                        self.add_variable_from_reference(
                            variable, name=var_name, initializer=var_init
                        )
                    )
            else:
                for slots in out:
                    slots.append(None)
        return out[0] if isinstance(name, str) else out

    def _check_variables_are_known(self, variables):
        known = self._trainable_variables_indices
        for v in variables:
            if id(_tf_variable(v)) not in known:
                raise ValueError(
                    f"Unknown variable: {v!r}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set of "
                    "variables, you should recreate a new optimizer instance."
                )

    # -- assignment helpers (IndexedSlices become scatters) ---------------------------------
    def assign(self, variable, value):
        """`variable.assign(value)`; slices scatter-update their rows."""
        variable = _tf_variable(variable)
        _ops.assign(variable, _ops.cast(value, variable.dtype))

    def assign_add(self, variable, value):
        """`variable.assign_add(value)`; slices scatter-add their rows."""
        variable = _tf_variable(variable)
        _ops.assign_add(variable, _ops.cast(value, variable.dtype))

    def assign_sub(self, variable, value):
        """`variable.assign_sub(value)`; slices scatter-subtract their rows."""
        variable = _tf_variable(variable)
        _ops.assign_sub(variable, _ops.cast(value, variable.dtype))

    def update_step(self, gradient, variable, learning_rate):
        """Updates one variable (and its slots) from its gradient; subclasses define it."""
        raise NotImplementedError

    # -- applying gradients -------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies `[(gradient, variable), ...]`; returns the iterations variable."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates `trainable_variables` from `grads` (builds on the first call); returns
        None."""
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first. "
                )
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError(
                    "When passing `grads` as a list of gradient tensors, the gradients must "
                    "match `optimizer.variables` one-to-on. Received a list of "
                    f"{len(grads)} gradients, but the optimizer is tracking "
                    f"{len(self._trainable_variables)} trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                with self._name_scope():
                    self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)
        with self._name_scope():
            grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
            grads, trainable_variables = self._overwrite_variables_directly_with_gradients(
                grads, trainable_variables
            )
            if len(grads) > 0:
                scale = self.loss_scale_factor
                if scale is not None:
                    # Python's `/`, as Keras: slices cannot be divided (a TypeError, as in TF).
                    grads = [g if g is None else g / scale for g in grads]
                self._backend_apply_gradients(grads, trainable_variables)
                for variable in trainable_variables:
                    constraint = variable.constraint
                    if constraint is not None:
                        variable.assign(constraint(variable))
        self._iterations._value.assign_add(self._num(1, tf.int64))

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """Not available with the TensorFlow backend, which tf.keras is: Keras' ValueError."""
        raise ValueError(
            "stateless_apply is not supported with the TensorFlow backend (as it is "
            "incompatible with tf.distribute)."
        )

    def _filter_empty_gradients(self, grads, variables):
        for g in grads:
            if g is None:
                break
        else:
            return list(grads), variables
        filtered_grads = list(grads)
        filtered_vars = list(variables)
        missing = []
        for i in range(len(filtered_grads) - 1, -1, -1):
            if filtered_grads[i] is None:
                filtered_grads.pop(i)
                v = filtered_vars.pop(i)
                missing.append(v.path if hasattr(v, "path") else v.name)
        if not filtered_grads:
            raise ValueError("No gradients provided for any variable.")
        warnings.warn(
            f"Gradients do not exist for variables {list(reversed(missing))} when minimizing "
            "the loss. If using `model.compile()`, did you forget to provide a `loss` "
            "argument?",
            stacklevel=1,  # Keras' warning points at the optimizer's own line
        )
        return filtered_grads, filtered_vars

    def _overwrite_variables_directly_with_gradients(self, grads, variables):
        if not any(getattr(v, "overwrite_with_gradient", False) for v in variables):
            return grads, variables
        grads, variables = list(grads), list(variables)
        for i in range(len(grads) - 1, -1, -1):
            g, v = grads[i], variables[i]
            if getattr(v, "overwrite_with_gradient", False):
                if self.gradient_accumulation_steps:
                    steps = self.gradient_accumulation_steps
                    acc = self._accumulated_gradients[self._get_variable_index(v)]
                    if self._is_accumulation_update_step(steps):
                        v.assign(tf.maximum(g, acc))
                        acc.assign(tf.zeros(g.shape, dtype=g.dtype))
                    else:
                        acc.assign(tf.maximum(g, acc))
                else:
                    v.assign(g)
                grads.pop(i)
                variables.pop(i)
        return grads, variables

    def _is_accumulation_update_step(self, steps) -> bool:
        # Keras branches with `ops.cond` on the counter's value; tapeflow reads it eagerly.
        return bool((self._iterations.numpy() + 1) % steps == 0)

    def _backend_apply_gradients(self, grads, trainable_variables):
        if self.gradient_accumulation_steps:
            steps = self.gradient_accumulation_steps
            acc_grads = [
                self._accumulated_gradients[self._get_variable_index(v)]
                for v in trainable_variables
            ]
            if self._is_accumulation_update_step(steps):
                grads = [
                    _ops.divide(_ops.add(g, acc._value), steps) for g, acc in zip(grads, acc_grads)
                ]
                grads = self._clip_gradients(grads)
                self._apply_weight_decay(trainable_variables)
                self._backend_update_step(grads, trainable_variables, self.learning_rate)
                for acc in self._accumulated_gradients:
                    if acc is not None:
                        acc._value.assign(tf.zeros(acc.shape, dtype=acc.dtype))
            else:
                for g, acc in zip(grads, acc_grads):
                    acc._value.assign(_ops.add(g, acc._value))
        else:
            grads = self._clip_gradients(grads)
            self._apply_weight_decay(trainable_variables)
            self._backend_update_step(grads, trainable_variables, self.learning_rate)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                it = self.iterations
                if bool((int(tf.convert_to_tensor(it)) + 1) % self.ema_overwrite_frequency == 0):
                    self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        if not self._fast:
            for grad, var in zip(grads, trainable_variables):
                self.update_step(grad, _tf_variable(var), learning_rate)
            return
        coefficients = {}
        index = self._trainable_variables_indices
        for grad, var in zip(grads, trainable_variables):
            var = _tf_variable(var)
            dtype = var.dtype
            c = coefficients.get(dtype)
            if c is None:
                c = coefficients[dtype] = self._coefficients(learning_rate, dtype)
            self._update(grad, var, index[id(var)], c)

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) if g is not None else g for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [_ops.clip(g, -v, v) if g is not None else g for g in grads]
        return grads

    def _clip_by_norm(self, values, axes=None):
        # tf.clip_by_norm as TF computes it; slices are clipped by their values' norm.
        if type(values) is IndexedSlices:
            return IndexedSlices(
                _clip_by_norm(values.values, self.clipnorm, axes),
                values.indices,
                values.dense_shape,
            )
        return _clip_by_norm(values, self.clipnorm, axes)

    # -- weight decay ------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempts `var_list` and variables whose name contains any of `var_names`."""
        if hasattr(self, "_built") and self._built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer "
                "is built."
            )
        if var_list:
            self._exclude_from_weight_decay = {self._var_key(v) for v in var_list}
        else:
            self._exclude_from_weight_decay = set()
        if var_names and len(var_names) > 0:
            self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names)))
        else:
            self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        variable_id = self._var_key(variable)
        cache = self.__dict__.get("_exclude_from_weight_decay_cache")
        if cache is None:
            cache = self._exclude_from_weight_decay_cache = {}
        if variable_id in cache:
            return cache[variable_id]
        if variable_id in getattr(self, "_exclude_from_weight_decay", set()):
            cache[variable_id] = False
            return False
        pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
        if pattern is not None and re.search(pattern, _decay_name(variable)) is not None:
            cache[variable_id] = False
            return False
        cache[variable_id] = True
        return True

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        learning_rate = None
        for keras_variable in variables:
            variable = _tf_variable(keras_variable)
            if self._use_weight_decay(keras_variable):
                if learning_rate is None:  # one read of the rate (a schedule) per step
                    learning_rate = _tf_variable(self.learning_rate)
                lr = tf.cast(learning_rate, variable.dtype)
                wd = self._const(self.weight_decay, variable.dtype)
                variable.assign_sub(variable.read_value() * wd * lr, read_value=False)

    # -- EMA -------------------------------------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables):
        if self.use_ema:
            for var, average in zip(trainable_variables, self._model_variables_moving_average):
                if average is not None:
                    not_first_step = tf.not_equal(tf.convert_to_tensor(self.iterations), 0)
                    momentum = tf.cast(not_first_step, var.dtype) * self.ema_momentum
                    average.assign(momentum * average + (1 - momentum) * var)

    def _overwrite_model_variables_with_average_value(self, trainable_variables):
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(
                f"The length of model variables ({len(trainable_variables)}) to override does "
                "not match the length of model variables stored in the optimizer "
                f"({len(self._model_variables_moving_average)}). Please check if the "
                "optimizer was called on your model."
            )
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is not None:
                _tf_variable(var).assign(average)

    def finalize_variable_values(self, var_list):
        """With EMA, overwrites `var_list` with their moving averages (fit does at the end)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- learning rate -------------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The learning rate variable, or with a schedule its value at `iterations` (a
        tensor); assigning a number assigns the variable."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        prev = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(self._learning_rate, LearningRateSchedule):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as its "
                    "`learning_rate` constructor argument, hence its learning rate is not "
                    "settable. If you need the learning rate to be settable, you should "
                    "instantiate the optimizer with a float `learning_rate` argument."
                )
            self._learning_rate.assign(learning_rate)
        if prev is not None and not isinstance(self._learning_rate, Variable):
            self._untrack_variable(prev)

    def _get_current_learning_rate(self):
        lr = self._learning_rate
        if isinstance(lr, Variable):
            return lr
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations)
        if callable(lr):
            return lr()
        return lr

    def scale_loss(self, loss):
        """`loss * loss_scale_factor` when a factor is set."""
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- weights and config ---------------------------------------------------------------------
    def set_weights(self, weights):
        """Assigns `weights` (arrays, in `variables` order)."""
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights):
            if variable.shape != weight.shape:
                raise ValueError(
                    f"Optimizer variable {self._var_key(variable)} has shape "
                    f"{str(variable.shape)} not compatible with provided weight shape "
                    f"{str(weight.shape)}."
                )
            variable.assign(weight)

    def save_own_variables(self, store):
        """Writes the variables' values into `store` under "0", "1", ..."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        """Reads what `save_own_variables` wrote (warns and skips on a count mismatch)."""
        if len(store.keys()) != len(self.variables):
            msg = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if len(self.variables) == 0:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(store[str(i)])

    def _obj_type(self):
        return "Optimizer"

    def get_config(self):
        """The constructor arguments; `learning_rate` as the float32 value Keras reads back
        (`0.0010000000474974513`), or a schedule's serialized dict."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            learning_rate = _serialize_schedule(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(lr.numpy())
        elif tf.is_tensor(lr):
            learning_rate = float(lr)
        elif callable(lr):
            learning_rate = {
                "module": None,
                "class_name": getattr(lr, "__name__", type(lr).__name__),
                "config": getattr(lr, "__name__", None),
                "registered_name": "function",
            }
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """`cls(**config)`, deserializing a schedule given as a dict."""
        if "learning_rate" in config and isinstance(config["learning_rate"], dict):
            from .schedules import deserialize

            config["learning_rate"] = deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)


def _decay_name(variable) -> str:
    """The name `exclude_from_weight_decay(var_names=...)` patterns search. The TF backend
    searches the wrapped tf.Variable's name, which TF gives the Keras path (`dense/kernel:0`
    for `dense/kernel`); a tf.Variable's own name otherwise."""
    if isinstance(variable, Variable):
        return f"{variable.path}:0"
    return variable.name


def _is_variable(value) -> bool:
    return hasattr(value, "_tapeflow_variable") or isinstance(value, tf.Variable)


def _checkpoint_children(optimizer) -> dict:
    """tf.train.Checkpoint's children of an optimizer, in TF 2.21's order: `_variables`,
    `_trainable_variables`, `_iterations`, `_learning_rate`, then the slot lists the
    subclass keeps (`momentums`, ...). Breadth first, the optimizer's own variables keep their
    direct names and slots are saved as `_variables/<i>`, as TF's keys are."""
    state = optimizer.__dict__
    children = {
        "_variables": list(state.get("_variables", [])),
        "_trainable_variables": list(state.get("_trainable_variables", [])),
    }
    for name in ("_iterations", "_learning_rate"):
        if _is_variable(state.get(name)):
            children[name] = state[name]
    for name, value in state.items():
        if name in children or not isinstance(value, list) or not value:
            continue
        if all(_is_variable(v) for v in value):
            children[name] = list(value)
    return children


class _OwnScope:
    __slots__ = ("owner", "scope")

    def __init__(self, owner):
        self.owner = owner
        self.scope = None

    def __enter__(self):
        owner = self.owner
        if not owner.__dict__.get("_in_scope"):
            owner.__dict__["_in_scope"] = True
            self.scope = naming.name_scope(owner.name)
            self.scope.__enter__()
        return self

    def __exit__(self, *exc):
        if self.scope is not None:
            self.scope.__exit__(*exc)
            self.owner.__dict__["_in_scope"] = False
        return False


class Optimizer(BaseOptimizer):
    """`keras.optimizers.Optimizer`: the base class optimizers derive from."""


BaseOptimizer._checkpoint_children = _checkpoint_children


def _clip_by_norm(t, clip_norm, axes=None):
    """TF's clip_by_norm: `t * clip_norm / max(||t||, clip_norm)` (safe at zero)."""
    l2sum = tf.reduce_sum(t * t, axes, keepdims=True)
    pred = l2sum > 0
    l2sum_safe = tf.where(pred, l2sum, tf.ones_like(l2sum))
    l2norm = tf.where(pred, tf.sqrt(l2sum_safe), l2sum)
    clip_norm = tf.cast(clip_norm, t.dtype)
    return (t * clip_norm) / tf.maximum(l2norm, clip_norm)


def global_norm(value_list):
    """The global norm of several tensors (Keras' ops version)."""
    squared = [
        tf.reduce_sum(_ops.square(v).values if type(v) is IndexedSlices else tf.square(v))
        for v in value_list
        if v is not None
    ]
    return tf.sqrt(tf.reduce_sum(tf.stack(squared)))


def clip_by_global_norm(value_list, clip_norm):
    """Scales all tensors by `clip_norm / max(global_norm, clip_norm)` (NaN if not finite)."""
    use_norm = global_norm(value_list)
    scale_for_finite = clip_norm * tf.minimum(1.0 / use_norm, 1.0 / clip_norm)
    scale = scale_for_finite + (use_norm - use_norm)
    return [_ops.densify(v) * scale if v is not None else v for v in value_list]
