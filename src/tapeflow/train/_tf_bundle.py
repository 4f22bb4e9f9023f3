"""Reading TensorFlow's own checkpoints (TensorBundle V2), so `tf.train.load_checkpoint`,
`list_variables` and `Checkpoint.restore` accept files that real TensorFlow wrote.

Read only: tapeflow writes its own format (see `_format`), which TensorFlow cannot read.

TF's `prefix.index` is a LevelDB-style table (SSTable): a 48-byte footer (two block handles
and a magic number) points to an index block, whose entries point to data blocks; each
block holds prefix-compressed `key -> value` entries and a restart array. The value for key
"" is a `BundleHeaderProto` (shard count, endianness); every other value is a
`BundleEntryProto` (dtype, shape, shard, offset, size, crc32c) locating raw little-endian
tensor bytes in `prefix.data-<shard>-of-<shards>`. String tensors (the object graph under
`_CHECKPOINTABLE_OBJECT_GRAPH`) are stored as varint lengths, a 4-byte checksum, then the
bytes; the graph is a `TrackableObjectGraph` proto. Protobufs are decoded by hand (the
wire format), so no protobuf package is needed. The files' crc32c checksums are not
verified (the standard library has no crc32c); damage that breaks the structure is a
DataLossError, damage inside a tensor's bytes goes unnoticed.
"""

from __future__ import annotations

import os
import struct

import numpy as np

_MAGIC = 0xDB4775248B80FB57
_FOOTER = 48

# DataType enum values (tensorflow/core/framework/types.proto) -> (tf name, NumPy dtype).
_DTYPES = {
    1: ("float32", "<f4"),
    2: ("float64", "<f8"),
    3: ("int32", "<i4"),
    4: ("uint8", "u1"),
    5: ("int16", "<i2"),
    6: ("int8", "i1"),
    7: ("string", None),
    8: ("complex64", "<c8"),
    9: ("int64", "<i8"),
    10: ("bool", "?"),
    14: ("bfloat16", None),
    17: ("uint16", "<u2"),
    18: ("complex128", "<c16"),
    19: ("float16", "<f2"),
    21: ("variant", None),
    22: ("uint32", "<u4"),
    23: ("uint64", "<u8"),
}


class BundleError(ValueError):
    """The file is not a TensorBundle this reader understands."""


def is_bundle(raw: bytes) -> bool:
    return len(raw) >= _FOOTER and struct.unpack("<Q", raw[-8:])[0] == _MAGIC


# ---------------------------------------------------------------------------- wire format
def _varint(data: bytes, pos: int):
    result = shift = 0
    while True:
        if pos >= len(data):
            raise BundleError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes):
    """Yields (field number, wire type, value) of a protobuf message."""
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise BundleError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def _entry(value: bytes) -> dict:
    """A BundleEntryProto: dtype, shape, shard_id, offset, size."""
    entry = {"dtype": 0, "shape": [], "shard_id": 0, "offset": 0, "size": 0, "sliced": False}
    for number, _, v in _fields(value):
        if number == 1:
            entry["dtype"] = v
        elif number == 2:
            for n, _, dim in _fields(v):
                if n == 2:
                    size = next((s for k, _, s in _fields(dim) if k == 1), 0)
                    entry["shape"].append(size)
        elif number == 3:
            entry["shard_id"] = v
        elif number == 4:
            entry["offset"] = v
        elif number == 5:
            entry["size"] = v
        elif number == 7:
            entry["sliced"] = True
    return entry


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def object_graph(serialized: bytes) -> list:
    """A TrackableObjectGraph proto as `_tracking`'s node list."""
    nodes = []
    for number, _, node_bytes in _fields(serialized):
        if number != 1:
            continue
        node = {"children": []}
        attributes = []
        for n, _, v in _fields(node_bytes):
            if n == 1:  # ObjectReference
                ref = dict((k, x) for k, _, x in _fields(v))
                node["children"].append([_text(ref.get(2, b"")), ref.get(1, 0)])
            elif n == 2:  # SerializedTensor
                t = dict((k, x) for k, _, x in _fields(v))
                attributes.append(
                    {
                        "name": _text(t.get(1, b"")),
                        "full_name": _text(t.get(2, b"")),
                        "checkpoint_key": _text(t.get(3, b"")),
                    }
                )
        if attributes:
            node["attributes"] = attributes
        nodes.append(node)
    if not nodes or any(not 0 <= c < len(nodes) for n in nodes for _, c in n["children"]):
        raise BundleError("the object graph refers to nodes it does not have")
    return nodes


# ---------------------------------------------------------------------------- the table
def _block(raw: bytes, offset: int, size: int) -> bytes:
    if offset + size + 5 > len(raw):
        raise BundleError("block handle beyond the end of the index")
    if raw[offset + size] != 0:
        raise BundleError("compressed table blocks are not supported")
    return raw[offset : offset + size]


def _block_entries(block: bytes):
    if len(block) < 4:
        raise BundleError("block too short")
    restarts = struct.unpack("<I", block[-4:])[0]
    end = len(block) - 4 - 4 * restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        length, pos = _varint(block, pos)
        key = key[:shared] + block[pos : pos + unshared]
        pos += unshared
        yield key, block[pos : pos + length]
        pos += length


def read_index(raw: bytes) -> dict:
    """`{key: entry}` of a TensorBundle index (the header under "" removed)."""
    footer = raw[-_FOOTER:]
    _, pos = _varint(footer, 0)  # the metaindex block: nothing TF needs there
    _, pos = _varint(footer, pos)
    index_offset, pos = _varint(footer, pos)
    index_size, _ = _varint(footer, pos)
    entries = {}
    header = None
    for _, handle in _block_entries(_block(raw, index_offset, index_size)):
        offset, p = _varint(handle, 0)
        size, _ = _varint(handle, p)
        for key, value in _block_entries(_block(raw, offset, size)):
            if key == b"":
                header = dict((k, v) for k, _, v in _fields(value))
            else:
                entries[_text(key)] = _entry(value)
    if header is None:
        raise BundleError("no bundle header")
    if header.get(2, 0) != 0:
        raise BundleError("big-endian checkpoints are not supported")
    entries[""] = {"num_shards": header.get(1, 1)}
    return entries


class BundleReader:
    """The values of a TF checkpoint, by key (see the module docstring)."""

    def __init__(self, prefix: str, raw_index: bytes):
        self._prefix = prefix
        entries = read_index(raw_index)
        self._shards = entries.pop("")["num_shards"]
        self._entries = entries

    def keys(self):
        return self._entries.keys()

    def shape(self, key: str) -> list:
        return list(self._entries[key]["shape"])

    def dtype_name(self, key: str) -> str:
        code = self._entries[key]["dtype"]
        return _DTYPES.get(code, (f"dtype enum {code}", None))[0]

    def _bytes(self, entry: dict) -> bytes:
        name = f"{self._prefix}.data-{entry['shard_id']:05d}-of-{self._shards:05d}"
        with open(name, "rb") as f:
            f.seek(entry["offset"])
            data = f.read(entry["size"])
        if len(data) != entry["size"]:
            raise BundleError(f"{name} is shorter than its index says")
        return data

    def value(self, key: str):
        """The value as an ndarray (a list of bytes objects for string tensors)."""
        entry = self._entries[key]
        name, numpy_dtype = _DTYPES.get(entry["dtype"], (None, None))
        if entry["sliced"]:
            raise BundleError(f"{key} is a partitioned (sliced) variable, not supported")
        data = self._bytes(entry)
        count = int(np.prod(entry["shape"], dtype=np.int64))
        if name == "string":
            lengths, pos = [], 0
            for _ in range(count):
                length, pos = _varint(data, pos)
                lengths.append(length)
            pos += 4  # the masked crc32c of the lengths
            out = []
            for length in lengths:
                out.append(data[pos : pos + length])
                pos += length
            return out
        if numpy_dtype is None:
            raise BundleError(f"{key} has dtype {name}, which tapeflow cannot represent")
        array = np.frombuffer(data, dtype=numpy_dtype, count=count)
        return array.reshape(entry["shape"])


def open_bundle(prefix: str, raw_index: bytes) -> BundleReader:
    return BundleReader(os.fspath(prefix), raw_index)
