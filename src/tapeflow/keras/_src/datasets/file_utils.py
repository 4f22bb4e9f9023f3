"""`keras.utils.get_file`: a file from a URL, cached under `~/.keras/datasets` (or
`$KERAS_HOME/datasets`), checked against a hash, optionally extracted.

Unlike Keras, which reads `KERAS_HOME` once when it is imported, the variable is read on each
call (so setting it in a running program takes effect).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile


def keras_home() -> str:
    """`$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` when the home folder is read-only)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def resolve_hasher(algorithm, file_hash=None):
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "auto" and file_hash is not None and len(file_hash) == 64:
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535) -> str:
    """The file's sha256 (or md5) hex digest."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535) -> bool:
    hasher = resolve_hasher(algorithm, file_hash)
    return str(hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _within(directory: str, target: str) -> bool:
    directory = os.path.realpath(directory)
    return os.path.commonpath([directory, os.path.realpath(target)]) == directory


def extract_archive(file_path, path=".", archive_format="auto") -> bool:
    """Extracts a tar (.tar, .tar.gz, .tar.bz) or zip archive; False if it is neither.
    Members that would land outside `path` (absolute paths, `..`, links out) are refused."""
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in archive_format:
        if kind == "tar":
            if not tarfile.is_tarfile(file_path):
                continue
            try:
                with tarfile.open(file_path) as archive:
                    archive.extractall(path, filter="data")
            except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
                _remove(path)
                raise
            return True
        if kind == "zip":
            if not zipfile.is_zipfile(file_path):
                continue
            with zipfile.ZipFile(file_path) as archive:
                for name in archive.namelist():
                    if not _within(path, os.path.join(path, name)):
                        raise ValueError(f"Refusing to extract {name}: it escapes {path}")
                archive.extractall(path)
            return True
        raise ValueError(f"Unknown archive format: {kind}. Expected 'tar' or 'zip'.")
    return False


def _remove(path):
    if os.path.isfile(path):
        os.remove(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def urlretrieve(url, filename, reporthook=None):
    """urllib's download (a seam the tests replace; file:// URLs work too)."""
    return urllib.request.urlretrieve(url, filename, reporthook)


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """The local path of `origin`'s file, downloaded into `<cache_dir>/<cache_subdir>/fname`
    unless a copy (with a matching `file_hash`, when given) is there; with `extract`, the
    folder it was extracted into."""
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    base = os.path.expanduser(cache_dir)
    if not os.path.exists(base):
        try:  # Keras makes its home folder when it is imported
            os.makedirs(base, exist_ok=True)
        except OSError:
            pass
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    provided = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"Can't parse the file name from the origin provided: '{origin}'.Please "
                "specify the `fname` argument."
            )
    elif os.sep in fname:
        raise ValueError(
            "Paths are no longer accepted as the `fname` argument. To specify the file's "
            f"parent directory, use the `cache_dir` argument. Received: fname={fname}"
        )
    if extract or untar:
        if provided and "." in fname:
            target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, f"{fname}_archive")
    else:
        target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(target)
    if (
        not download
        and file_hash is not None
        and not validate_file(target, file_hash, algorithm=hash_algorithm)
    ):
        print(
            "A local file was found, but it seems to be incomplete or outdated because the "
            f"{hash_algorithm} file hash does not match the original value of {file_hash} so "
            "we will re-download the data."
        )
        download = True
    if download:
        print(f"Downloading data from {origin}")
        message = "URL fetch failure on {}: {} -- {}"
        try:
            try:
                urlretrieve(origin, target)
            except urllib.error.HTTPError as e:
                raise Exception(message.format(origin, e.code, e.msg)) from None
            except urllib.error.URLError as e:
                raise Exception(message.format(origin, e.errno, e.reason)) from None
        except (Exception, KeyboardInterrupt):
            if os.path.exists(target):
                os.remove(target)
            raise
        if os.path.exists(target) and file_hash is not None:
            if not validate_file(target, file_hash, algorithm=hash_algorithm):
                raise ValueError(
                    f"Incomplete or corrupted file detected. The {hash_algorithm} file hash "
                    f"does not match the provided value of {file_hash}."
                )
    if extract or untar:
        if untar:
            archive_format = "tar"
        if not extract_archive(target, extraction_dir, archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target
