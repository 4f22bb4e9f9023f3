"""`tf.data.experimental`: the constants TF also exports here, and the older function forms
of Dataset methods that TF keeps (deprecated there in favour of the methods)."""

from ._dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY  # noqa: F401
from ._options import (  # noqa: F401
    AutoShardPolicy,
    AutotuneAlgorithm,
    AutotuneOptions,
    DistributeOptions,
    ExternalStatePolicy,
    OptimizationOptions,
    ServiceOptions,
    ThreadingOptions,
)


def cardinality(dataset):
    """`dataset.cardinality()`."""
    return dataset.cardinality()


def get_single_element(dataset):
    """`dataset.get_single_element()`."""
    return dataset.get_single_element()


def unbatch():
    """A transformation for `Dataset.apply`: `dataset.unbatch()`."""
    return lambda dataset: dataset.unbatch()


def take_while(predicate):
    """A transformation for `Dataset.apply`: `dataset.take_while(predicate)`."""
    return lambda dataset: dataset.take_while(predicate)


def enumerate_dataset(start=0):
    """A transformation for `Dataset.apply`: `dataset.enumerate(start)`."""
    return lambda dataset: dataset.enumerate(start)


def scan(initial_state, scan_func):
    """A transformation for `Dataset.apply`: `dataset.scan(initial_state, scan_func)`."""
    return lambda dataset: dataset.scan(initial_state, scan_func)


def unique():
    """A transformation for `Dataset.apply`: `dataset.unique()`."""
    return lambda dataset: dataset.unique()


def Counter(start=0, step=1, dtype=None):  # noqa: N802 - TF's name
    """`tf.data.Dataset.counter(start, step, dtype)` (int64 by default)."""
    from ._dataset import Dataset

    return Dataset.counter(start, step, "int64" if dtype is None else dtype)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    """`tf.data.Dataset.choose_from_datasets(...)`."""
    from ._dataset import Dataset

    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def sample_from_datasets(
    datasets, weights=None, seed=None, stop_on_empty_dataset=False, rerandomize_each_iteration=None
):
    """`tf.data.Dataset.sample_from_datasets(...)`."""
    from ._dataset import Dataset

    return Dataset.sample_from_datasets(
        datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration
    )


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """A transformation for `Dataset.apply`: `dataset.group_by_window(...)`."""
    return lambda dataset: dataset.group_by_window(
        key_func, reduce_func, window_size, window_size_func
    )


def bucket_by_sequence_length(
    element_length_func,
    bucket_boundaries,
    bucket_batch_sizes,
    padded_shapes=None,
    padding_values=None,
    pad_to_bucket_boundary=False,
    no_padding=False,
    drop_remainder=False,
):
    """A transformation for `Dataset.apply`: `dataset.bucket_by_sequence_length(...)`."""
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func,
        bucket_boundaries,
        bucket_batch_sizes,
        padded_shapes,
        padding_values,
        pad_to_bucket_boundary,
        no_padding,
        drop_remainder,
    )
