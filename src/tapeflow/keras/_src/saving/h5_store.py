"""The HDF5 side of Keras 3's weights files (`.weights.h5`, a `.keras` archive's
`model.weights.h5`), through h5py, imported only when a file is read or written.

Each saveable object owns one group, `<path>/vars` (`vars` at the root for the model
itself), holding its variables as datasets `0`, `1`, ... and its name as the group's
`name` attribute, as Keras' `H5IOStore` writes it.
"""

from __future__ import annotations

import numpy as np

INSTALL_HINT = (
    "This requires the h5py module. You can install it via `pip install h5py` "
    "(or tapeflow's extra: `pip install tapeflow[h5]`)."
)


def import_h5py():
    """h5py, or an ImportError saying how to install it (the optional `h5` extra)."""
    try:
        import h5py
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return h5py


class WriteEntry:
    """The variables of one object being written: `entry["0"] = value`. Its group is
    created at once when it has metadata, else on the first value (no empty groups)."""

    def __init__(self, h5_file, path: str, metadata: dict | None):
        self._file = h5_file
        self._path = path
        self._group = None
        if metadata:
            self._create()
            for key, value in metadata.items():
                self._group.attrs[key] = value

    def _create(self):
        parent = self._file.create_group(self._path) if self._path else self._file
        self._group = parent.create_group("vars")

    def __setitem__(self, key, value):
        if self._group is None:
            self._create()
        self._group[key] = np.asarray(value)


class H5Writer:
    """Writes a weights file at a path or into a file object (`io.BytesIO` for archives)."""

    def __init__(self, target):
        self._file = import_h5py().File(target, mode="w")

    def make(self, path: str, metadata: dict | None = None) -> WriteEntry:
        return WriteEntry(self._file, path, metadata)

    def close(self):
        self._file.close()


class H5Reader:
    """Reads a weights file: `get(path)` is the dict of `<path>/vars` (empty if absent)."""

    def __init__(self, source):
        self._h5py = import_h5py()
        self._file = self._h5py.File(source, mode="r")
        # Files written by Keras 2.13 name the model's layer list differently.
        self._legacy = "_layer_checkpoint_dependencies" in self._file

    def _group(self, path: str):
        h5py = self._h5py
        current = self._file
        for part in path.split("/") if path else []:
            if part not in current:
                return None
            link = current.get(part, getclass=True, getlink=True)
            if link in (h5py.ExternalLink, h5py.SoftLink):
                raise ValueError(f"Not allowed: H5 file with {link.__name__}")
            current = current[part]
            if not isinstance(current, h5py.Group):
                raise ValueError(f"Invalid H5 file, expected Group but received {type(current)}")
        return current

    def get(self, path: str) -> dict:
        group = self._group(path)
        if (group is None or "vars" not in group) and self._legacy and path:
            group = self._group(path.replace("layers", "_layer_checkpoint_dependencies"))
        if group is None or "vars" not in group:
            return {}
        vars_group = group["vars"]
        values = {}
        for key in vars_group.keys():
            dataset = vars_group[key]
            if not isinstance(dataset, self._h5py.Dataset):
                raise ValueError(f"Invalid H5 file, expected Dataset, received {type(dataset)}")
            values[key] = dataset[()]
        return values

    def close(self):
        self._file.close()


class NpzWriter:
    """Tapeflow's NumPy-only weights file (`.weights.npz`, opt-in): one array per variable,
    keyed `<path>/vars/<i>` as the HDF5 layout's datasets are, written by `np.savez`."""

    def __init__(self, target):
        self._target = target
        self._arrays: dict = {}

    def make(self, path: str, metadata: dict | None = None) -> NpzEntry:
        return NpzEntry(self._arrays, f"{path}/vars" if path else "vars")

    def close(self):
        np.savez(self._target, **self._arrays)


class NpzEntry:
    def __init__(self, arrays: dict, prefix: str):
        self._arrays = arrays
        self._prefix = prefix

    def __setitem__(self, key, value):
        self._arrays[f"{self._prefix}/{key}"] = np.asarray(value)


class NpzReader:
    """Reads a `.weights.npz` file: `get(path)` is `{"0": array, ...}` (no pickles)."""

    def __init__(self, source):
        self._groups: dict = {}
        with np.load(source, allow_pickle=False) as f:
            for key in f.files:
                group, _, index = key.rpartition("/")
                self._groups.setdefault(group, {})[index] = f[key]

    def get(self, path: str) -> dict:
        return dict(self._groups.get(f"{path}/vars" if path else "vars", {}))

    def close(self):
        pass
