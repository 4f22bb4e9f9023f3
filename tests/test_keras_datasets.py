"""keras.datasets: Keras' cache layout, file formats and return shapes/dtypes, on small files
written here in the real formats (these machines cannot download; the download path runs
on file:// URLs and a replaced fetch)."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import shutil
import tarfile

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras import datasets
from tapeflow.keras._src.datasets import cifar10, file_utils, mnist

RNG = np.random.default_rng(0)
REAL_FETCH = file_utils.urlretrieve  # urllib; the fixture replaces it


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh KERAS_HOME, and a fetch that fails loudly unless a test replaces it."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def no_network(url, filename, reporthook=None):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(file_utils, "urlretrieve", no_network)
    return tmp_path / "keras_home"


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def write_mnist(path, n_train=5, n_test=3):
    arrays = {
        "x_train": RNG.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": RNG.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": RNG.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": RNG.integers(0, 10, n_test, dtype=np.uint8),
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def test_namespace():
    assert datasets.mnist.load_data is mnist.load_data
    assert datasets.cifar10.load_data is cifar10.load_data
    assert callable(datasets.fashion_mnist.load_data)
    assert mnist.ORIGIN_FOLDER + "mnist.npz" == (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    )


def test_mnist_from_cache(home, monkeypatch):
    path = home / "datasets" / "mnist.npz"
    arrays = write_mnist(path)
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(path))
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"),
                     (y_test, "y_test")):  # fmt: skip
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])
    assert x_train.shape == (5, 28, 28) and y_test.shape == (3,)


def test_mnist_downloads_when_the_hash_differs(home, monkeypatch, tmp_path, capsys):
    source = tmp_path / "served" / "mnist.npz"
    arrays = write_mnist(source)
    write_mnist(home / "datasets" / "mnist.npz", n_train=1)  # a stale copy
    monkeypatch.setattr(mnist, "FILE_HASH", sha256(source))
    fetched = []

    def fetch(url, filename, reporthook=None):
        fetched.append((url, filename))
        shutil.copy(source, filename)

    monkeypatch.setattr(file_utils, "urlretrieve", fetch)
    (x_train, _), _ = mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    target = str(home / "datasets" / "mnist.npz")
    assert fetched == [(mnist.ORIGIN_FOLDER + "mnist.npz", target)]
    out = capsys.readouterr().out
    assert out == (
        "A local file was found, but it seems to be incomplete or outdated because the auto "
        f"file hash does not match the original value of {sha256(source)} so we will "
        "re-download the data.\n"
        f"Downloading data from {mnist.ORIGIN_FOLDER}mnist.npz\n"
    )


def test_corrupted_download(home, monkeypatch, tmp_path):
    source = tmp_path / "served.npz"
    write_mnist(source)
    monkeypatch.setattr(file_utils, "urlretrieve", lambda u, f, r=None: shutil.copy(source, f))
    with pytest.raises(ValueError) as e:
        mnist.load_data()
    assert str(e.value) == (
        "Incomplete or corrupted file detected. The auto file hash does not match the "
        f"provided value of {mnist.FILE_HASH}."
    )


def test_get_file_over_file_url(home, tmp_path, monkeypatch):
    monkeypatch.setattr(file_utils, "urlretrieve", REAL_FETCH)
    source = tmp_path / "data.txt"
    source.write_text("hello")
    path = file_utils.get_file(origin=source.as_uri(), file_hash=sha256(source))
    assert path == str(home / "datasets" / "data.txt")
    assert open(path).read() == "hello"


def test_get_file_real_fetch_failure(home, tmp_path, monkeypatch):
    monkeypatch.setattr(file_utils, "urlretrieve", REAL_FETCH)
    missing = (tmp_path / "missing.bin").as_uri()
    with pytest.raises(Exception, match=f"^URL fetch failure on {missing}: "):
        file_utils.get_file("x.bin", origin=missing)
    assert not (home / "datasets" / "x.bin").exists()


def test_get_file_argument_errors(home):
    with pytest.raises(ValueError, match='Please specify the "origin" argument'):
        file_utils.get_file("a.npz")
    with pytest.raises(ValueError, match="Paths are no longer accepted as the `fname`"):
        file_utils.get_file(os.path.join("sub", "a.npz"), origin="file:///a.npz")


def test_keras_home_default(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert file_utils.keras_home() == str(tmp_path / ".keras")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "elsewhere"))
    assert file_utils.keras_home() == str(tmp_path / "elsewhere")


def idx(header: tuple, data: np.ndarray) -> bytes:
    return gzip.compress(np.array(header, ">i4").tobytes() + data.tobytes())


def test_fashion_mnist_idx_files(home):
    folder = home / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    y_train = RNG.integers(0, 10, 4, dtype=np.uint8)
    x_train = RNG.integers(0, 256, (4, 28, 28), dtype=np.uint8)
    y_test = RNG.integers(0, 10, 2, dtype=np.uint8)
    x_test = RNG.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    (folder / "train-labels-idx1-ubyte.gz").write_bytes(idx((2049, 4), y_train))
    (folder / "train-images-idx3-ubyte.gz").write_bytes(idx((2051, 4, 28, 28), x_train))
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(idx((2049, 2), y_test))
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(idx((2051, 2, 28, 28), x_test))
    (a, b), (c, d) = datasets.fashion_mnist.load_data()
    for got, want in ((a, x_train), (b, y_train), (c, x_test), (d, y_test)):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)


def cifar_archive(path, n=3):
    """A cifar-10-python.tar.gz of the real layout: pickled dicts with bytes keys (read with
    encoding="bytes", as the real Python-2 pickles are)."""
    batches = {}
    with tarfile.open(path, "w:gz") as archive:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            data = RNG.integers(0, 256, (n, 3072), dtype=np.uint8)
            labels = [int(v) for v in RNG.integers(0, 10, n)]
            batches[name] = (data, labels)
            payload = pickle.dumps({b"batch_label": b"x", b"labels": labels, b"data": data},
                                   protocol=3)  # fmt: skip
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return batches


def test_cifar10_archive(home, monkeypatch):
    archive = home / "datasets" / "cifar-10-batches-py-target_archive"
    archive.parent.mkdir(parents=True)
    batches = cifar_archive(archive)
    monkeypatch.setattr(cifar10, "FILE_HASH", sha256(archive))
    (x_train, y_train), (x_test, y_test) = datasets.cifar10.load_data()
    assert (home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py").is_dir()
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (15, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (3, 32, 32, 3) and y_test.shape == (3, 1)
    first = batches["data_batch_1"][0][1].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[1], first)
    np.testing.assert_array_equal(x_train[14], batches["data_batch_5"][0][2]
                                  .reshape(3, 32, 32).transpose(1, 2, 0))  # fmt: skip
    np.testing.assert_array_equal(y_test[:, 0], batches["test_batch"][1])
    tf.keras.backend.set_image_data_format("channels_first")
    try:
        (x_train, _), _ = cifar10.load_data()
    finally:
        tf.keras.backend.set_image_data_format("channels_last")
    assert x_train.shape == (15, 3, 32, 32)


def test_cifar_refuses_code_in_pickles(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("true",))

    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"data": Evil(), b"labels": []}, protocol=3))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to deserialize `posix.system`"):
        cifar10.load_batch(str(path))
