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
