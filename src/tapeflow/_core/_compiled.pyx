# cython: language_level=3, boundscheck=False, wraparound=False, binding=True
"""The compiled core: tapeflow's per-op path in C (optional; see accel.py).

Every function here mirrors the pure-Python function its docstring names, which stays
the specification and the fallback (`TAPEFLOW_PURE_PYTHON=1`, or an install without a
compiler): the same NumPy calls on the same values in the same order, so both paths
agree bit for bit (tests/test_compiled_core.py checks it). Nothing here holds op logic;
it is data structures and loops:

- `TensorBase`: EagerTensor's fields as a C struct the garbage collector does not track
  (a tensor holds a NumPy value, a DType and an int, never a cycle; a variable's slice,
  which refers to its variable, is tracked), so a long tape of tensors costs the
  collector nothing;
- `next_id`, `make`, `wrap` (tensor.py);
- `record` (tape.py);
- `run`, `unary_call`, `binary` (registry.py: Op.run, UnaryOp.__call__, BinaryOp.binary);
- `backward` (autodiff/walk.py: the reverse walk's loop).

The Python modules hand over what these read (`bind_*`), once, at import. Module
constants a test may change (tape.PRUNE_MIN_SIZE, walk.add) are read from the module
when used, as the Python code reads them.
"""

from cpython.contextvars cimport PyContextVar_Reset, PyContextVar_Set
from cpython.float cimport PyFloat_AS_DOUBLE
from libc.math cimport isinf

import numpy as np

cimport numpy as cnp

from cpython.object cimport PyObject
from cpython.tuple cimport PyTuple_GET_ITEM

cdef extern from "Python.h":
    void PyObject_GC_UnTrack(void *op)
    void PyObject_GC_Track(void *op)
    object PyObject_Vectorcall(object callable, PyObject **args, size_t nargsf, object kwnames)
    bint PyObject_GC_IsTracked(object op)

# NumPy's float32/float64 scalars, read and made in C (their structs are NumPy's public C
# API, numpy/arrayscalars.h; no NumPy function is called through it).
cdef extern from *:
    """
    #define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
    #include "numpy/arrayobject.h"
    #include "numpy/arrayscalars.h"
    static inline PyObject *tf_f32(PyObject *type, float v) {
        PyObject *o = ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 0);
        if (o) ((PyFloatScalarObject *)o)->obval = v;
        return o;
    }
    static inline PyObject *tf_f64(PyObject *type, double v) {
        PyObject *o = ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 0);
        if (o) ((PyDoubleScalarObject *)o)->obval = v;
        return o;
    }
    #define tf_f32_val(o) (((PyFloatScalarObject *)(o))->obval)
    #define tf_f64_val(o) (((PyDoubleScalarObject *)(o))->obval)
    """
    object tf_f32(object type, float v)
    object tf_f64(object type, double v)
    float tf_f32_val(object o)
    double tf_f64_val(object o)

cdef extern from *:
    """
    #ifndef TAPEFLOW_SOURCE_CRC
    #define TAPEFLOW_SOURCE_CRC 0
    #endif
    """
    unsigned long TAPEFLOW_SOURCE_CRC

# The CRC-32 of the .pyx this module was built from (setup.py defines it): accel.py
# compares it with the installed source and refuses a stale build.
SOURCE_CRC = TAPEFLOW_SOURCE_CRC

# -- the buffer cache (NEP 49: a NumPy memory handler, set around large ops' forwards) ---
#
# A large array allocated by an op (its result, or a temporary NumPy makes inside it) is
# allocated through this handler, and NumPy frees it through the handler it was allocated
# with, whoever frees it and wherever. A freed buffer is provably dead (NumPy frees an
# array's data when nothing refers to it any more), so instead of going back to the system
# it waits here, up to a byte budget, for the next allocation of exactly its size: a
# training step's fresh arrays then reuse the last step's pages instead of faulting in new
# ones. Everything else (small sizes, misses, realloc, evictions) is NumPy's own default
# handler. Only ops switch it in: NumPy code outside tapeflow allocates as before, and a
# handler the user set (another NEP 49 allocator) is left in place.
cdef extern from *:
    """
    #include <string.h>
    #include "pythread.h"
    #define TF_POOL_SLOTS 64

    typedef struct {
        PyDataMemAllocator base;       /* NumPy's default handler, which does the work */
        PyThread_type_lock lock;
        size_t min_size, budget, held, hits, misses;
        unsigned long long clock;
        void *ptr[TF_POOL_SLOTS];
        size_t size[TF_POOL_SLOTS];
        unsigned long long age[TF_POOL_SLOTS];
        int count;
    } tf_pool_t;

    static tf_pool_t tf_pool;

    /* A cached block of exactly `size` bytes (the newest), or NULL. */
    static void *tf_pool_take(size_t size) {
        void *p = NULL;
        int i, best = -1;
        PyThread_acquire_lock(tf_pool.lock, WAIT_LOCK);
        for (i = 0; i < tf_pool.count; i++)
            if (tf_pool.size[i] == size && (best < 0 || tf_pool.age[i] > tf_pool.age[best]))
                best = i;
        if (best >= 0) {
            p = tf_pool.ptr[best];
            tf_pool.held -= size;
            tf_pool.count--;
            tf_pool.ptr[best] = tf_pool.ptr[tf_pool.count];
            tf_pool.size[best] = tf_pool.size[tf_pool.count];
            tf_pool.age[best] = tf_pool.age[tf_pool.count];
            tf_pool.hits++;
        } else {
            tf_pool.misses++;
        }
        PyThread_release_lock(tf_pool.lock);
        return p;
    }

    static void *tf_pool_malloc(void *ctx, size_t size) {
        void *p = size >= tf_pool.min_size ? tf_pool_take(size) : NULL;
        return p ? p : tf_pool.base.malloc(tf_pool.base.ctx, size);
    }

    static void *tf_pool_calloc(void *ctx, size_t nelem, size_t elsize) {
        void *p = NULL;
        if (elsize && nelem <= (size_t)-1 / elsize && nelem * elsize >= tf_pool.min_size)
            p = tf_pool_take(nelem * elsize);
        if (p) {
            memset(p, 0, nelem * elsize);
            return p;
        }
        return tf_pool.base.calloc(tf_pool.base.ctx, nelem, elsize);
    }

    static void *tf_pool_realloc(void *ctx, void *ptr, size_t new_size) {
        return tf_pool.base.realloc(tf_pool.base.ctx, ptr, new_size);
    }

    /* Keeps a freed block unless it is small or over the budget by itself; the oldest
       blocks make room. */
    static void tf_pool_free(void *ctx, void *ptr, size_t size) {
        void *evicted[TF_POOL_SLOTS];
        size_t evicted_size[TF_POOL_SLOTS];
        int i, n_evicted = 0, oldest;
        if (ptr == NULL || size < tf_pool.min_size || size > tf_pool.budget) {
            tf_pool.base.free(tf_pool.base.ctx, ptr, size);
            return;
        }
        PyThread_acquire_lock(tf_pool.lock, WAIT_LOCK);
        while (tf_pool.count && (tf_pool.count == TF_POOL_SLOTS
                                 || tf_pool.held + size > tf_pool.budget)) {
            oldest = 0;
            for (i = 1; i < tf_pool.count; i++)
                if (tf_pool.age[i] < tf_pool.age[oldest]) oldest = i;
            evicted[n_evicted] = tf_pool.ptr[oldest];
            evicted_size[n_evicted++] = tf_pool.size[oldest];
            tf_pool.held -= tf_pool.size[oldest];
            tf_pool.count--;
            tf_pool.ptr[oldest] = tf_pool.ptr[tf_pool.count];
            tf_pool.size[oldest] = tf_pool.size[tf_pool.count];
            tf_pool.age[oldest] = tf_pool.age[tf_pool.count];
        }
        i = tf_pool.count++;
        tf_pool.ptr[i] = ptr;
        tf_pool.size[i] = size;
        tf_pool.age[i] = ++tf_pool.clock;
        tf_pool.held += size;
        PyThread_release_lock(tf_pool.lock);
        for (i = 0; i < n_evicted; i++)
            tf_pool.base.free(tf_pool.base.ctx, evicted[i], evicted_size[i]);
    }

    /* Returns every cached block to NumPy's handler; the number of bytes released. */
    static size_t tf_pool_release(void) {
        void *blocks[TF_POOL_SLOTS];
        size_t sizes[TF_POOL_SLOTS], held;
        int i, n;
        PyThread_acquire_lock(tf_pool.lock, WAIT_LOCK);
        n = tf_pool.count;
        for (i = 0; i < n; i++) { blocks[i] = tf_pool.ptr[i]; sizes[i] = tf_pool.size[i]; }
        held = tf_pool.held;
        tf_pool.count = 0;
        tf_pool.held = 0;
        PyThread_release_lock(tf_pool.lock);
        for (i = 0; i < n; i++) tf_pool.base.free(tf_pool.base.ctx, blocks[i], sizes[i]);
        return held;
    }

    static PyDataMem_Handler tf_pool_handler = {
        "tapeflow_buffer_cache", 1,
        {NULL, tf_pool_malloc, tf_pool_calloc, tf_pool_realloc, tf_pool_free}
    };
    static PyObject *tf_pool_capsule = NULL;     /* ours */
    static PyObject *tf_default_capsule = NULL;  /* NumPy's default handler */
    static int tf_pool_on = 0;

    /* Sets up the cache over NumPy's default handler (the one current at import). */
    static int tf_pool_init(size_t min_size, size_t budget) {
        PyDataMem_Handler *base;
        tf_default_capsule = PyDataMem_GetHandler();
        if (tf_default_capsule == NULL) return -1;
        base = (PyDataMem_Handler *)PyCapsule_GetPointer(tf_default_capsule, "mem_handler");
        if (base == NULL) return -1;
        if (strcmp(base->name, "default_allocator") != 0) return 0;  /* the user's own */
        tf_pool.base = base->allocator;
        tf_pool.lock = PyThread_allocate_lock();
        if (tf_pool.lock == NULL) { PyErr_NoMemory(); return -1; }
        tf_pool.min_size = min_size;
        tf_pool.budget = budget;
        tf_pool_capsule = PyCapsule_New(&tf_pool_handler, "mem_handler", NULL);
        if (tf_pool_capsule == NULL) return -1;
        tf_pool_on = budget > 0;
        return 0;
    }

    /* Switches the cache in for this context if NumPy's default handler is current:
       returns the handler to restore (a new reference), or NULL (nothing to restore). */
    static PyObject *tf_pool_enter(void) {
        PyObject *old = PyDataMem_SetHandler(tf_pool_capsule);
        if (old == NULL) { PyErr_Clear(); return NULL; }
        if (old != tf_default_capsule) {  /* another handler: put it back */
            PyObject *ours = PyDataMem_SetHandler(old);
            Py_XDECREF(ours);
            Py_DECREF(old);
            PyErr_Clear();
            return NULL;
        }
        return old;
    }

    static void tf_pool_exit(PyObject *old) {
        PyObject *ours;
        if (old == NULL) return;
        ours = PyDataMem_SetHandler(old);
        Py_XDECREF(ours);
        Py_DECREF(old);
    }

    #define tf_big(v) (Py_TYPE(v) == &PyArray_Type && \
                       (size_t)PyArray_NBYTES((PyArrayObject *)(v)) >= tf_pool.min_size)
    """
    int tf_pool_init(size_t min_size, size_t budget) except -1
    PyObject *tf_pool_enter()
    void tf_pool_exit(PyObject *old)
    size_t tf_pool_release()
    bint tf_big(object v)
    int tf_pool_on
    ctypedef struct tf_pool_t:
        size_t min_size, budget, held, hits, misses
        int count
    tf_pool_t tf_pool


def _cache_budget_mb():
    # TAPEFLOW_BUFFER_CACHE_MB: the cache's byte budget in MiB (0 turns it off).
    import os

    value = os.environ.get("TAPEFLOW_BUFFER_CACHE_MB", "")
    if value == "":
        return 256
    try:
        mb = float(value)
    except ValueError:
        mb = -1.0
    if not mb >= 0:
        import warnings

        warnings.warn(
            f"TAPEFLOW_BUFFER_CACHE_MB={value!r} is not a number of MiB >= 0; using 256.",
            stacklevel=2,
        )
        return 256
    return mb


cnp.import_array()
# Buffers of 256 KiB and more (where glibc's allocator maps fresh pages), up to
# TAPEFLOW_BUFFER_CACHE_MB (default 256; 0 turns the cache off).
tf_pool_init(256 * 1024, <size_t>(_cache_budget_mb() * 1024 * 1024))


def buffer_cache_stats():
    """The buffer cache's state: on, bytes held, blocks held, hits, misses, budget."""
    return {
        "on": bool(tf_pool_on),
        "held": tf_pool.held,
        "blocks": tf_pool.count,
        "hits": tf_pool.hits,
        "misses": tf_pool.misses,
        "budget": tf_pool.budget,
        "min_size": tf_pool.min_size,
    }


def release_buffers():
    """Returns the buffers the cache holds to NumPy (and the system); the bytes released."""
    return tf_pool_release() if tf_pool_on else 0


cdef object _ndarray = np.ndarray
cdef object _f32 = np.float32
cdef object _f64 = np.float64
cdef long long _counter = 0

# Set by bind_tensor.
cdef type _Tensor = None  # EagerTensor
cdef dict _BY_NP = None
cdef object _wrap_unusual = None
cdef object _FLOAT32 = None
cdef object _FLOAT64 = None

# Set by bind_tape.
cdef object _tape = None
cdef dict _tape_globals = None
cdef object _state = None
cdef list _active = None
cdef list _tracing = None
cdef list _accumulating = None
cdef Py_ssize_t _LONG_TAPE = 0

# Set by bind_registry.
cdef object _fp_state = None
cdef object _FP_QUIET = None
cdef tuple _FORWARD_ERRORS = ()
cdef list _OUTPUT_CHECKS = None
cdef object _checked_finish = None
cdef dict _NO_ATTRS = None

# Set by elementwise_rules: the ops whose scalar forwards `binary` inlines, and the sum the
# walk calls (walk.add, unless a test replaced it).
cdef object _ADD = None
cdef object _SUB = None
cdef object _MUL = None
cdef frozenset _SCALAR_TYPES = frozenset(
    [np.float16, np.float32, np.float64, np.complex64, np.complex128, np.int8, np.int16,
     np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
)

# Set by bind_walk.
cdef dict _walk = None
cdef object _IndexedSlices = None
cdef object _to_dense = None
cdef Py_ssize_t _OWN_MIN_SIZE = 0
cdef Py_ssize_t _INPLACE_MIN_SIZE = 0
cdef tuple _NEEDS = ("needs",)  # the keyword of every VJP rule call
cdef tuple _ONE = (True,)
cdef tuple _NONE = (False,)
cdef tuple _BOTH = (True, True)


# -- tensors (tensor.py) ------------------------------------------------------------------

cdef class TensorBase:
    """EagerTensor's fields (tensor.py's `__slots__` on the pure-Python path).

    Instances start untracked by the garbage collector: a value, a DType and an id
    refer to nothing that could lead back to the tensor. `_slice_of` (a variable's slice
    remembers the variable) can, so setting it tracks the tensor, which the collector
    then traverses as any object.
    """

    cdef public object _value
    cdef public object _dtype
    cdef public object _id
    cdef object _slice
    cdef object __weakref__

    def __cinit__(self, *args, **kwargs):
        PyObject_GC_UnTrack(<void *>self)

    @property
    def _slice_of(self):
        # Unset (None) reads as a missing attribute, as an unset slot does.
        if self._slice is None:
            raise AttributeError("'EagerTensor' object has no attribute '_slice_of'")
        return self._slice

    @_slice_of.setter
    def _slice_of(self, value):
        self._slice = value
        if not PyObject_GC_IsTracked(self):
            PyObject_GC_Track(<void *>self)


def next_id():
    """tensor.new_id: a fresh tensor id (ids grow; one counter, atomic under the GIL)."""
    global _counter
    _counter += 1
    return _counter


cdef extern from *:
    """
    /* `type.__new__(type)` through the type's tp_new slot, without the method lookup and
       argument checks of a call (EagerTensor inherits TensorBase's tp_new). */
    static inline PyObject *tf_tp_new(PyObject *type, PyObject *no_args) {
        return ((PyTypeObject *)type)->tp_new((PyTypeObject *)type, no_args, NULL);
    }
    """
    object tf_tp_new(object type, object no_args)


cdef tuple _NO_ARGS = ()


cdef inline TensorBase _new(object value, object dtype):
    global _counter
    cdef TensorBase t = <TensorBase>tf_tp_new(_Tensor, _NO_ARGS)
    t._value = value
    t._dtype = dtype
    _counter += 1
    t._id = _counter
    return t


def make(value, dtype):
    """tensor.make: wraps an ndarray or NumPy scalar of dtype `dtype` (no checks)."""
    return _new(value, dtype)


def wrap(value):
    """tensor.wrap: wraps a NumPy result, taking its dtype from the value."""
    if type(value) is _f32:  # the DType of a float32 or float64 scalar without the lookup
        return _new(value, _FLOAT32)
    if type(value) is _f64:
        return _new(value, _FLOAT64)
    try:
        dtype = _BY_NP[value.dtype]
    except (KeyError, AttributeError):
        return _wrap_unusual(value)
    return _new(value, dtype)


def bind_tensor(eager_tensor, by_np, wrap_unusual):
    global _Tensor, _BY_NP, _wrap_unusual, _FLOAT32, _FLOAT64
    if not issubclass(eager_tensor, TensorBase):
        raise TypeError("EagerTensor must derive from TensorBase on the compiled path")
    _Tensor, _BY_NP, _wrap_unusual = eager_tensor, by_np, wrap_unusual
    _FLOAT32, _FLOAT64 = by_np[np.dtype(np.float32)], by_np[np.dtype(np.float64)]


cdef inline object _id_of(object t):
    if type(t) is _Tensor:
        return (<TensorBase>t)._id
    return t._id


cdef inline object _value_of(object t):
    if type(t) is _Tensor:
        return (<TensorBase>t)._value
    return t._value


cdef inline object _dtype_of(object t):
    if type(t) is _Tensor:
        return (<TensorBase>t)._dtype
    return t._dtype


# -- recording (tape.py) ------------------------------------------------------------------

cdef type _Tape = None  # tape.Tape


cdef class TapeBase:
    """tape.Tape's fields (its `__slots__` on the pure-Python path), read by `record` as a
    struct. Tracked by the garbage collector: entries can lead anywhere."""

    cdef public object entries
    cdef public object ids
    cdef public object watch_accessed_variables
    cdef public object variables
    cdef object __weakref__

    def __init__(self, watch_accessed_variables):
        # Tape.__init__
        self.entries = []
        self.ids = set()
        self.watch_accessed_variables = watch_accessed_variables
        self.variables = {}


def bind_tape(tape_module):
    global _tape, _tape_globals, _state, _active, _tracing, _accumulating, _LONG_TAPE, _Tape
    _tape = tape_module
    _Tape = tape_module.Tape
    _tape_globals = tape_module.__dict__
    _state = tape_module.state
    _active = tape_module.active
    _tracing = tape_module.tracing
    _accumulating = tape_module.accumulating
    _LONG_TAPE = tape_module.LONG_TAPE


cdef inline bint _is_large(object t, Py_ssize_t minimum):
    v = _value_of(t)
    return type(v) is _ndarray and v.size >= minimum


cdef inline object _stand_in(object t, Py_ssize_t minimum):
    # tape._stand_in where it makes one (a large array); `t` itself otherwise
    if _is_large(t, minimum):
        return _tape_globals["_stand_in"](t)
    return t


cdef tuple _saved_for_backward(s, keeps, inputs, outputs, Py_ssize_t minimum):
    """tape.saved_for_backward: the (inputs, outputs) an entry keeps."""
    cdef Py_ssize_t i, n = len(inputs)
    read = set()
    for i in range(n):
        tid = _id_of(inputs[i])
        for tape in s.tapes:
            ids = (<TapeBase>tape).ids if type(tape) is _Tape else tape.ids
            if tid in ids:
                read |= keeps[i]
                break
    kept_inputs = tuple([inputs[i] if i in read else _stand_in(inputs[i], minimum) for i in range(n)])
    if -1 in read:
        return kept_inputs, outputs
    if type(outputs) is tuple:
        return kept_inputs, tuple([_stand_in(o, minimum) for o in outputs])
    return kept_inputs, _stand_in(outputs, minimum)


def record(op, inputs, outputs, attrs, executed=True):
    """tape.record: tells this thread's recorders that `op` ran."""
    cdef Py_ssize_t minimum = 0
    s = _state
    if _tracing and executed and s.trace is not None:
        s.trace.record(op, inputs, outputs, attrs)
    if not op.differentiable:
        return None
    entry = None
    for tape in s.tapes:
        ids = (<TapeBase>tape).ids if type(tape) is _Tape else tape.ids
        for t in inputs:
            if _id_of(t) in ids:  # (a generic `in`: a construct's tape has its own ids type)
                break
        else:
            continue
        if entry is None:
            # Whether an input or the first output holds an array worth pruning and the op
            # prunes (`keeps`), tested in the other order: arrays first, which costs nothing
            # for scalars.
            large = False
            for t in inputs:
                if type(_value_of(t)) is _ndarray:
                    large = True
                    break
            else:
                large = type(_value_of(outputs[0] if type(outputs) is tuple else outputs)) is _ndarray
            if large:
                large = False
                keeps = op.keeps
                if keeps is not None:
                    minimum = _tape_globals["PRUNE_MIN_SIZE"]
                    for t in inputs:
                        if _is_large(t, minimum):
                            large = True
                            break
                    else:
                        large = _is_large(outputs[0] if type(outputs) is tuple else outputs, minimum)
            if large:
                kept_inputs, kept_outputs = _saved_for_backward(s, keeps, inputs, outputs, minimum)
                entry = (op, kept_inputs, kept_outputs, attrs)
            else:
                entry = (op, inputs, outputs, attrs)
        if type(tape) is _Tape:
            entries = (<TapeBase>tape).entries
        else:
            entries = tape.entries
        entries.append(entry)
        if len(entries) == _LONG_TAPE:
            _tape._long_tape()
        if type(outputs) is tuple:
            for o in outputs:
                ids.add(_id_of(o))
        else:
            ids.add(_id_of(outputs))
    if _accumulating:
        for accumulator in s.accumulators:
            accumulator.record(op, inputs, outputs, attrs)
    return entry


# -- op calls (registry.py) ---------------------------------------------------------------

cdef object _op_call_python = None
cdef object _dtype_mismatch = None
cdef object _forward_on_device = None  # registry.forward_on_device: a forward's error path


def bind_registry(registry_module, op_call_python):
    global _fp_state, _FP_QUIET, _FORWARD_ERRORS, _OUTPUT_CHECKS, _checked_finish
    global _NO_ATTRS, _op_call_python, _dtype_mismatch, _forward_on_device
    _op_call_python = op_call_python
    _forward_on_device = registry_module.forward_on_device
    _dtype_mismatch = registry_module.dtype_mismatch
    _fp_state = registry_module._fp_state
    _FP_QUIET = registry_module._FP_QUIET
    _FORWARD_ERRORS = registry_module._FORWARD_ERRORS
    _OUTPUT_CHECKS = registry_module.OUTPUT_CHECKS
    _checked_finish = registry_module._checked_finish
    _NO_ATTRS = registry_module._NO_ATTRS


cdef inline _finish(op, inputs, out, attrs):
    # registry._finish: the output checks first (while any is installed), then the recorders.
    if _OUTPUT_CHECKS:
        _checked_finish(op, inputs, out, attrs)
    elif _active:
        record(op, inputs, out, attrs)


def run(self, inputs, attrs):
    """Op.run: runs the forward on converted inputs, wraps and records the result (with
    the buffer cache switched in where an input is a large NumPy array)."""
    cdef PyObject *pool = NULL
    token = PyContextVar_Set(_fp_state, _FP_QUIET)
    try:
        n = len(inputs)
        if n == 1:
            v0 = _value_of(inputs[0])
            if tf_pool_on and tf_big(v0):
                pool = tf_pool_enter()
            result = self.forward(v0, **attrs) if attrs else self.forward(v0)
        elif n == 2:
            v0, v1 = _value_of(inputs[0]), _value_of(inputs[1])
            if tf_pool_on and (tf_big(v0) or tf_big(v1)):
                pool = tf_pool_enter()
            result = self.forward(v0, v1, **attrs)
        else:
            values = [_value_of(t) for t in inputs]
            if tf_pool_on:
                for v in values:
                    if tf_big(v):
                        pool = tf_pool_enter()
                        break
            result = self.forward(*values, **attrs)
    except _FORWARD_ERRORS as e:
        result = _forward_on_device(self, e, inputs, attrs)
    finally:
        tf_pool_exit(pool)
        PyContextVar_Reset(_fp_state, token)
    if self.n_outputs == 1:
        out = wrap(result)
    else:
        out = tuple([wrap(r) for r in result])
    if _active or _OUTPUT_CHECKS:
        _finish(self, inputs, out, attrs)
    return out


def op_call(self, *args, name=None, **kwargs):
    """Op.__call__: tensors in, attributes by keyword (the rest there)."""
    if len(args) == self.n_inputs:
        for a in args:
            if type(a) is not _Tensor:
                break
        else:
            if kwargs:
                if not kwargs.keys() <= self._attr_set:
                    self._attrs(kwargs)  # raises TF-style errors
                attrs = {**self.attr_defaults, **kwargs}
                required = self.required_attrs
                if required and not required <= attrs.keys():
                    self._attrs(kwargs)
            elif not self.required_attrs:  # Op._attrs of no keywords
                attrs = self.attr_defaults
            else:
                attrs = self._attrs(kwargs)
            return run(self, _checked(self, args), attrs)
    return _op_call_python(self, *args, name=name, **kwargs)


cdef tuple _checked(op, tuple inputs):
    # Op._checked: dtype checks for inputs that are already tensors (the attr first, as TF).
    dtypes = op.dtypes
    if dtypes is not None and inputs and (<TensorBase>inputs[0])._dtype not in dtypes:
        raise op.dtype_error((<TensorBase>inputs[0])._dtype)
    same = op.same_dtype
    if same:
        first = (<TensorBase>inputs[same[0]])._dtype
        for i in same[1:]:
            dtype = (<TensorBase>inputs[i])._dtype
            if dtype is not first:
                raise _dtype_mismatch(first, dtype, op.type, i)
    return inputs


def unary_call(self, x, name=None):
    """UnaryOp.__call__: an op of one tensor input and no attributes."""
    if type(x) is _Tensor:
        dtypes = self.dtypes
        if dtypes is None or (<TensorBase>x)._dtype in dtypes:
            return run(self, (x,), _NO_ATTRS)
    return self.apply((x,), _NO_ATTRS)


cdef inline object _scalar(object dtype, object number):
    # `dtype._np.type(number)`: a Python number as a NumPy scalar of the tensor's dtype. A
    # Python float made float32 or float64 in C (the same IEEE rounding), unless the cast
    # overflows, where NumPy warns: that one takes NumPy's path, warning included.
    cdef double d
    cdef float f
    if type(number) is float:
        scalar_type = dtype._np.type
        d = PyFloat_AS_DOUBLE(number)
        if scalar_type is _f64:
            return tf_f64(_f64, d)
        if scalar_type is _f32:
            f = <float>d
            if not isinf(f) or isinf(d):
                return tf_f32(_f32, f)
    return dtype._np.type(number)


cdef object _scalar_arithmetic(object op, object x, object y):
    cdef float a, b
    cdef double c, d
    if type(x) is _f32:
        a, b = tf_f32_val(x), tf_f32_val(y)
        return tf_f32(_f32, a * b if op is _MUL else (a + b if op is _ADD else a - b))
    c, d = tf_f64_val(x), tf_f64_val(y)
    return tf_f64(_f64, c * d if op is _MUL else (c + d if op is _ADD else c - d))


def binary(self, x, y, hinted=False):
    """BinaryOp.binary: two tensors of one allowed dtype, or a floating tensor and a Python
    number (which takes its dtype); anything else takes `_binary_slow`."""
    return _binary(self, x, y, hinted, False)


cdef inline bint _plain(object v, object op):
    # A value `math_ops.add`/`subtract`/`multiply` would combine with their operator alone.
    t = type(v)
    if t is _ndarray:
        return op is not _MUL or cnp.PyArray_SIZE(<cnp.ndarray>v) <= 4096
    return t in _SCALAR_TYPES


cdef inline object _known(object op, object x, object y):
    # `binary` where the caller knows two tensors of one dtype would be of a dtype the op
    # allows (a rule's product of a cotangent with its op's operands, the walk's sums of
    # one tensor's cotangents): the same path without the test.
    return _binary(op, x, y, False, True)


cdef object _binary(object self, object x, object y, object hinted, bint known):
    cdef TensorBase tx, ty, out
    cdef PyObject *pool = NULL
    type_x, type_y = type(x), type(y)
    dtype = None
    if type_x is _Tensor and type_y is _Tensor:
        dtype = (<TensorBase>x)._dtype
    elif type_x is _Tensor:
        dtype = (<TensorBase>x)._dtype
        if (type_y is float or type_y is int) and dtype._kind in "fc":
            y = _new(_scalar(dtype, y), dtype)
        else:
            dtype = None
    elif (type_x is float or type_x is int) and type_y is _Tensor:
        dtype = (<TensorBase>y)._dtype
        if dtype._kind in "fc":
            x = _new(_scalar(dtype, x), dtype)
        else:
            dtype = None
    if dtype is not None:
        tx, ty = <TensorBase>x, <TensorBase>y
        if ty._dtype is dtype and tx._dtype is dtype and (known or dtype in self._allowed):
            xv, yv = tx._value, ty._value
            if type(xv) is type(yv) and (type(xv) is _f32 or type(xv) is _f64) and (
                self is _MUL or self is _ADD or self is _SUB
            ):
                # Two float32 or float64 NumPy scalars: these forwards are `x * y`, `x + y`
                # and `x - y` there (math_ops), which NumPy computes as this C arithmetic
                # (IEEE, correctly rounded); C raises no floating-point warnings, so no
                # error state is set around it.
                value = _scalar_arithmetic(self, xv, yv)
                out = _new(value, dtype)
                if _active or _OUTPUT_CHECKS:
                    _finish(self, (x, y), out, _NO_ATTRS)
                return out
            if tf_pool_on and (tf_big(xv) or tf_big(yv)):
                pool = tf_pool_enter()
            token = PyContextVar_Set(_fp_state, _FP_QUIET)
            try:
                if (self is _ADD or self is _SUB or self is _MUL) and _plain(xv, self) and _plain(
                    yv, self
                ):
                    # NumPy scalars and arrays: the forwards' operators without the call
                    # (Mul's forward first tests arrays over 4,096 elements for a broadcast 1).
                    if self is _MUL:
                        value = xv * yv
                    elif self is _ADD:
                        value = xv + yv
                    else:
                        value = xv - yv
                else:
                    value = self.forward(xv, yv)
            except _FORWARD_ERRORS as e:
                value = _forward_on_device(self, e, (x, y), _NO_ATTRS)
            finally:
                tf_pool_exit(pool)
                PyContextVar_Reset(_fp_state, token)
            vdtype = value.dtype
            out = _new(value, dtype if vdtype is dtype._np else _BY_NP[vdtype])
            if _active or _OUTPUT_CHECKS:
                _finish(self, (x, y), out, _NO_ATTRS)
            return out
    return self._binary_slow(x, y, hinted)


# -- the backward walk (autodiff/walk.py) --------------------------------------------------

def bind_walk(walk_module):
    global _walk, _IndexedSlices, _to_dense, _OWN_MIN_SIZE, _INPLACE_MIN_SIZE
    _walk = walk_module.__dict__
    _IndexedSlices = walk_module.IndexedSlices
    _to_dense = walk_module.to_dense
    _OWN_MIN_SIZE = walk_module.OWN_MIN_SIZE
    _INPLACE_MIN_SIZE = walk_module.INPLACE_MIN_SIZE


cdef inline bint _differentiable(object t):
    dtype = _dtype_of(t)
    # float32 and float64 (True) without the attribute lookup
    return dtype is _FLOAT32 or dtype is _FLOAT64 or dtype._differentiable


cdef tuple _reachable(list entries, set source_ids):
    # walk._reachable
    cdef set reach = set(source_ids)
    cdef list relevant = []
    for entry in entries:
        inputs = entry[1]
        for t in inputs:
            if _id_of(t) in reach:
                relevant.append(entry)
                outs = entry[2]
                if type(outs) is tuple:
                    for o in outs:
                        reach.add(_id_of(o))
                else:
                    reach.add(_id_of(outs))
                break
    return reach, relevant


cdef _add(dict grads, set owned, tid, gi):
    # walk._add: grads[tid] += gi, TF's way (the dense, same-kind case here; the rest there).
    prev = grads.get(tid)
    if prev is None:
        grads[tid] = gi
    elif type(prev) is _Tensor and type(gi) is _Tensor:
        pv, gv = (<TensorBase>prev)._value, (<TensorBase>gi)._value
        if tid in owned and not _active and _summable_in_place(pv, gv):
            np.add(pv, gv, out=pv)
            return
        add = _walk["add"]
        grads[tid] = _known(add, prev, gi) if add is _ADD else add(prev, gi)
        if not _active:
            owned.add(tid)
    else:
        _walk["_add"](grads, owned, tid, gi)


cdef inline bint _summable_in_place(pv, gv):
    return (
        type(pv) is _ndarray
        and pv.size >= _INPLACE_MIN_SIZE
        and type(gv) is _ndarray
        and pv.shape == gv.shape
        and pv.dtype == gv.dtype
    )


cdef inline bint _is_float_scalar(object v):
    return type(v) is _f32 or type(v) is _f64


cdef object _call_rule(object rule, object g, object outs, tuple inputs, Py_ssize_t n, object needs):
    # rule(g, outs, *inputs, needs=needs) as one vectorcall (no argument tuple or dict)
    cdef PyObject *args[7]
    cdef Py_ssize_t i
    args[0] = <PyObject *>g
    args[1] = <PyObject *>outs
    for i in range(n):
        args[2 + i] = PyTuple_GET_ITEM(inputs, i)
    args[2 + n] = <PyObject *>needs
    return PyObject_Vectorcall(rule, args, 2 + n, _NEEDS)


def ones_like_value(t):
    """walk.ones_like_value: ones shaped as `t`, of its array kind (float32 and float64
    scalars made in C)."""
    value = _value_of(t)
    if type(value) is _f32:
        return _new(tf_f32(_f32, 1.0), _dtype_of(t))
    if type(value) is _f64:
        return _new(tf_f64(_f64, 1.0), _dtype_of(t))
    return _walk["_ones_like_value"](t)


def backward(list entries, targets, seeds, sources, batch_ndim=0):
    """walk.backward: runs the reverse walk; returns one gradient (or None) per source."""
    cdef Py_ssize_t n, bn = batch_ndim
    cdef set source_ids = {_id_of(s) for s in sources}
    cdef set reach
    cdef list relevant
    reach, relevant = _reachable(entries, source_ids)
    cdef dict grads = {}
    cdef set owned = set()
    global _counter
    _counter += 1  # next_id()
    first_new_id = _counter
    for k in range(min(len(targets), len(seeds))):  # zip(targets, seeds), without the zip
        t = targets[k]
        if _id_of(t) in reach and _differentiable(t):
            _add(grads, owned, _id_of(t), seeds[k])
    state = _state
    diagnosing = bool(_OUTPUT_CHECKS)
    if diagnosing:
        outer_rule, outer_entry = state.rule, state.entry
    try:
        for i in range(len(relevant) - 1, -1, -1):
            op, inputs, outs, attrs = relevant[i]
            if type(outs) is tuple or _id_of(outs) in source_ids:
                if type(outs) is tuple and op.accumulates:
                    _walk["_accumulate"](
                        op, grads, owned, source_ids, reach, inputs, outs, attrs, batch_ndim
                    )
                    continue
                g = _walk["_take"](grads, owned, source_ids, outs, batch_ndim)
            else:
                g = grads.pop(_id_of(outs), None)
                if type(g) is _IndexedSlices:
                    g = _to_dense(g)
            if g is None:
                continue
            n = len(inputs)
            if n == 1:
                needs = _ONE if _differentiable(inputs[0]) else _NONE
            elif n == 2:
                x, y = inputs
                nx = _id_of(x) in reach and _differentiable(x)
                ny = _id_of(y) in reach and _differentiable(y)
                needs = _BOTH if nx and ny else (nx, ny)
            else:
                needs = tuple([_id_of(t) in reach and _differentiable(t) for t in inputs])
            if diagnosing:
                state.rule = op
                state.entry = (op, inputs, outs, attrs)
            if bn and not op.batch_polymorphic:
                in_grads = _walk["_per_example_vjp"](op, g, outs, inputs, attrs, needs, batch_ndim)
            elif attrs:
                in_grads = op.vjp_rule(g, outs, *inputs, needs=needs, **attrs)
            elif n <= 4 and type(inputs) is tuple:
                in_grads = _call_rule(op.vjp_rule, g, outs, inputs, n, needs)
            else:
                in_grads = op.vjp_rule(g, outs, *inputs, needs=needs)
            if type(in_grads) is not tuple:
                if type(in_grads) is _Tensor and n == 1:
                    in_grads = (in_grads,)
                else:
                    in_grads = _walk["_as_tuple"](op, in_grads, n)
            if len(in_grads) != n:
                _walk["_count_mismatch"](op, in_grads, inputs)
            for k in range(n):
                gi = in_grads[k]
                if gi is None or not needs[k]:
                    continue
                t = inputs[k]
                if type(gi) is not _Tensor:
                    gi = _walk["_checked"](op, gi, t, batch_ndim)
                elif not bn and _is_float_scalar((<TensorBase>gi)._value) and _is_float_scalar(
                    _value_of(t)
                ):
                    pass  # two NumPy scalars: both shapes are ()
                else:
                    gs, ts = (<TensorBase>gi)._value.shape, _value_of(t).shape
                    if (
                        gs != ts
                        if not bn
                        else gs[bn:] != ts or len(gs) != len(ts) + bn
                    ):
                        gi = _walk["_checked"](op, gi, t, batch_ndim)
                tid = _id_of(t)
                if tid in grads:
                    _add(grads, owned, tid, gi)
                else:
                    grads[tid] = gi
                    if type(gi) is _Tensor and (<TensorBase>gi)._id >= first_new_id:
                        gv = (<TensorBase>gi)._value
                        if type(gv) is _ndarray and gv.size >= _OWN_MIN_SIZE:
                            if gv.base is None and _walk["_made_by_rule"](
                                gv, op, g, inputs, outs, in_grads
                            ):
                                owned.add(tid)
    finally:
        if diagnosing:
            state.rule, state.entry = outer_rule, outer_entry
    return [grads.get(_id_of(s)) for s in sources]


# -- operators (ops/operators.py) -----------------------------------------------------------

def arithmetic(op):
    """operators._arithmetic: `x <op> y` and its reflected form, straight to `binary`."""

    def forward(self, other):
        return binary(op, self, other)

    def reverse(self, other):
        return binary(op, other, self)

    return forward, reverse


def hinted_add(op, add_checked):
    """operators._add (`x + y`): math_ops.add_checked's path for a tensor and a tensor or
    Python number, which cannot raise its ValueError; anything else goes there."""

    def forward(self, other):
        type_other = type(other)
        if type(self) is _Tensor and (type_other is _Tensor or type_other is float or type_other is int):
            return binary(op, self, other, True)
        return add_checked(self, other)

    return forward


# -- the hottest gradient rules (ops/math_ops.py, ops/trig_ops.py) ----------------------------

cdef object _conj_python = None


cdef inline object _conj(object t):
    # math_ops.conj: real tensors unchanged; complex and bool ones (an error) there.
    if type(t) is _Tensor and (<TensorBase>t)._dtype._kind not in "cb":
        return t
    return _conj_python(t)


def elementwise_rules(add, sub, mul, neg, cos, tanh_grad, conj, python_rules):
    """The VJP rules of Mul, AddV2, Sub, Sin and Tanh, as their Python rules compute them
    (`python_rules`: type -> rule, which a cotangent that is not a tensor goes to):

        Mul:   (g * conj(y) if needs[0] else None), (conj(x) * g if needs[1] else None)
        AddV2: g, g
        Sub:   g, -g
        Sin:   g * cos(conj(x))
        Tanh:  TanhGrad(out, g)
    """
    global _conj_python, _ADD, _SUB, _MUL
    _conj_python, _ADD, _SUB, _MUL = conj, add, sub, mul
    mul_python, sub_python, sin_python, tanh_python = (
        python_rules["Mul"], python_rules["Sub"], python_rules["Sin"], python_rules["Tanh"]
    )

    def multiply_vjp(g, out, x, y, *, needs):
        if type(g) is not _Tensor:
            return mul_python(g, out, x, y, needs=needs)
        return (
            _known(mul, g, _conj(y)) if needs[0] else None,
            _known(mul, _conj(x), g) if needs[1] else None,
        )

    def add_vjp(g, out, x, y, *, needs):
        return g, g

    def subtract_vjp(g, out, x, y, *, needs):
        if type(g) is not _Tensor:
            return sub_python(g, out, x, y, needs=needs)
        return g, unary_call(neg, g)

    def sin_vjp(g, out, x, *, needs):
        if type(g) is not _Tensor:
            return sin_python(g, out, x, needs=needs)
        return _known(mul, g, unary_call(cos, _conj(x)))

    def tanh_vjp(g, out, x, *, needs):
        return _known(tanh_grad, out, g)

    return {
        "Mul": multiply_vjp,
        "AddV2": add_vjp,
        "Sub": subtract_vjp,
        "Sin": sin_vjp,
        "Tanh": tanh_vjp,
    }


def unary_operator(op):
    """operators._neg (`-x`): the op's call path, without the Python frame."""

    def method(self):
        return unary_call(op, self)

    return method


# -- GradientTape's common calls (autodiff/gradient_tape.py) --------------------------------

cdef dict _gradient_tape = None  # the module's globals (`observe` is read per call)
cdef object _NONE_UG = None  # UnconnectedGradients.NONE
cdef object _gradient_python = None
cdef object _watch_python = None
cdef list _gc_raised = None


def bind_gradient_tape(module, gradient_python, watch_python):
    global _gradient_tape, _NONE_UG, _gradient_python, _watch_python, _gc_raised
    _gradient_tape = module.__dict__
    _NONE_UG = module.UnconnectedGradients.NONE
    _gradient_python, _watch_python = gradient_python, watch_python
    _gc_raised = _tape.gc_raised


def tape_enter(self):
    """GradientTape.__enter__: a new tape pushed inline while explanations are off."""
    if self._tape is None and not self._recording and _gradient_tape["observe"] is None:
        tape = _Tape(self._watch_accessed_variables)
        self._tape = tape
        _state.tapes.append(tape)
        _active.append(None)
        self._recording = True
        observer = self._observer
        if observer is not None:
            observer.mark("enter")
        return self
    self._push_tape()
    return self


def tape_exit(self, typ, value, traceback):
    """GradientTape.__exit__: the innermost tape popped inline."""
    if self._recording:
        tapes = _state.tapes
        if tapes and tapes[len(tapes) - 1] is self._tape and self._observer is None and not _gc_raised:
            tapes.pop()
            _active.pop()
            self._recording = False
            return None
        self._pop_tape()
    return None


def tape_watch(self, tensor):
    """GradientTape.watch: one floating tensor while this thread records (the rest there)."""
    if type(tensor) is _Tensor and (<TensorBase>tensor)._dtype._differentiable:
        if self._tape is None:
            self._tape = _Tape(self._watch_accessed_variables)
        s = _state
        if not s.stopped and s.tapes:
            self._tape.ids.add((<TensorBase>tensor)._id)
            return None
    return _watch_python(self, tensor)


cdef object _DEFAULT = object()  # stands for UnconnectedGradients.NONE, unknown here at import


def tape_gradient(self, target, sources, output_gradients=None, unconnected_gradients=_DEFAULT):
    """GradientTape.gradient: `_single_gradient` for one tensor target and one tensor source
    with the default NONE (the rest there)."""
    if unconnected_gradients is _DEFAULT:
        unconnected_gradients = _NONE_UG
    if (
        type(target) is _Tensor
        and type(sources) is _Tensor
        and output_gradients is None
        and unconnected_gradients is _NONE_UG
    ):
        tape = self._tape
        if tape is not None and not self._recording:
            g = backward(tape.entries, [target], [ones_like_value(target)], [sources])[0]
            if not self._persistent:  # _release
                self._watched_variables = self.watched_variables() if tape.variables else ()
                self._tape = None
            if g is not None:
                sid = (<TensorBase>sources)._id
                if not (
                    (sid in tape.ids or sid == (<TensorBase>target)._id)
                    and (<TensorBase>sources)._dtype._differentiable
                ):
                    g = None
            if g is None:
                self._remember(tape, [target], sources, [sources], [None])
                return None
            self._last_call = ()
            return g
    return _gradient_python(self, target, sources, output_gradients, unconnected_gradients)
