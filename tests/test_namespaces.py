"""TF's aliases: a function tapeflow exports under one of TensorFlow's names for it is
exported under all of them, as one object (tests/data/tf_namespaces.json, recorded from TF
2.21 by tools/tf_goldens/make_namespace_goldens.py)."""

from __future__ import annotations

import json
import pathlib

import pytest

import tapeflow as tf

DATA = json.loads((pathlib.Path(__file__).parent / "data" / "tf_namespaces.json").read_text())
NAMESPACES = DATA["namespaces"]


def _namespace(name: str):
    return tf if name == "tf" else getattr(tf, name, None)


def _places() -> dict:
    """TF object identity -> every (namespace, name) TF exports it as."""
    places: dict = {}
    for space, names in NAMESPACES.items():
        for name, identity in names.items():
            if not identity.startswith("<"):  # callables only: constants have no identity
                places.setdefault(identity, []).append((space, name))
    return places


def _exported(spots) -> bool:
    return any(_namespace(s) is not None and hasattr(_namespace(s), n) for s, n in spots)


# The aliased functions tapeflow has under at least one of their names.
ALIASED = sorted(
    (sorted(spots) for spots in _places().values() if len(spots) > 1 and _exported(spots)),
    key=lambda spots: spots[0],
)


@pytest.mark.parametrize("spots", ALIASED, ids=lambda spots: ".".join(spots[0]))
def test_an_exported_function_has_all_of_tfs_names(spots):
    found = {
        (space, name): getattr(_namespace(space), name)
        for space, name in spots
        if _namespace(space) is not None and hasattr(_namespace(space), name)
    }
    missing = [".".join(spot) for spot in spots if spot not in found]
    assert not missing, f"exported as {sorted(found)} but not as {missing}"
    objects = {id(v) for v in found.values()}
    assert len(objects) == 1, f"{sorted(found)} are different objects"


def test_the_recording_is_tfs():
    assert DATA["header"]["tensorflow_version"].startswith("2.21")
    assert NAMESPACES["nn"]["softmax"] == NAMESPACES["math"]["softmax"]
