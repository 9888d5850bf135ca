"""A run file's container, checked before anything in it is inflated or unpickled.

A run file is a zip archive (what ``torch.save`` writes), and a zip record's compressed size
says nothing about what reading it allocates: a 3 MB file can hold a record that inflates to
3 GiB. And a named pipe, a device or a socket passes a size check (size 0) and then blocks or
never ends. So before ``torch.load`` reads anything:

1. only a regular file is opened (without blocking), and only files up to ``max_bytes``;
2. the zip's end records and central directory are read by hand, bounded: at most
   MAX_RECORDS records in at most MAX_DIRECTORY_BYTES, no split archives;
3. every record name must be one ``torch.save`` writes (``<name>/data.pkl``, ``<name>/data/<n>``
   and its few small bookkeeping records), each declared size within its kind's bound;
4. the pickle alone is unpickled with PyTorch's weights_only unpickler onto the meta device
   (tensors without memory), to read the file's config; from that config's shapes follow the
   largest tensor record a real run file can hold and the sum of all of them, and the
   declared (uncompressed) sizes of the tensor records must stay within both.

PyTorch's zip reader allocates exactly a record's declared uncompressed size and stops
inflating there, so these bounds bound what loading the file can allocate.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
from contextlib import contextmanager
from typing import Any, BinaryIO, Iterator

import torch

from ..core.checks import echo
from .run_format import FILE_FORMAT, FILE_FORMATS, REFUSED, RunFileError, _check_config, _model_config

MAX_RECORDS = 4096  # the largest run (12 layers) has ~400 tensor records
MAX_DIRECTORY_BYTES = 1 << 20  # central directory: ~70 bytes a record
MAX_PICKLE_BYTES = 4 << 20  # data.pkl: config (a 100,000-character sequence at most) + structure
MAX_SMALL_RECORD = 64  # byteorder, version, .format_version, .storage_alignment, serialization id
SMALL_RECORDS = ("byteorder", "version", ".data/version", ".format_version", ".storage_alignment",
                 ".data/serialization_id")
_TENSOR_RECORD = re.compile(r"data/[0-9]{1,9}")
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"


class ContainerError(ValueError):
    """A run file whose container is refused before anything in it is read."""


def _refuse(path: Any, why: str) -> ContainerError:
    return ContainerError(f"path: {echo(path)} {why}; refused")


@contextmanager
def open_regular_file(source: str, path: Any, max_bytes: int) -> Iterator[BinaryIO]:
    """The file at `source`, opened for reading only when it is a regular file of at most
    `max_bytes` (a FIFO is opened non-blocking and refused, never waited on)."""
    try:
        info = os.stat(source)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError(f"path: {echo(path)} is a folder, not a run file")
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(path, f"is not a regular file (a {_kind(info.st_mode)}); a run file is a regular file")
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ValueError(f"path: no such file: {echo(path)}") from None
    except OSError as e:
        raise ValueError(f"path: cannot read {echo(path)}: {e.strerror or type(e).__name__}") from None
    try:
        opened = os.fstat(fd)  # what was opened, not what the name pointed to a moment before
        if not stat.S_ISREG(opened.st_mode):
            raise _refuse(path, f"is not a regular file (a {_kind(opened.st_mode)}); a run file is a regular file")
        if opened.st_size > max_bytes:
            raise _refuse(path, f"is larger than {max_bytes:,} bytes, no babygpt-widget run is")
        os.set_blocking(fd, True)
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def check_container(f: BinaryIO, path: Any, size: int) -> None:
    """Refuse, before any record is inflated, a run file whose records are not what
    ``torch.save`` writes for its own config (see the module's docstring)."""
    records = _records(f, path, size)
    prefix = records[0].filename.split("/", 1)[0]
    tensors: dict[str, int] = {}
    seen: set[str] = set()
    for r in records:
        name = r.filename
        rest = name[len(prefix) + 1:] if name.startswith(prefix + "/") else None
        if rest is None or name in seen or r.flag_bits & 0x1:  # outside the archive, twice, encrypted
            raise _refuse(path, f"is not a run file as BabyGPT.save writes it (record {echo(name)})")
        seen.add(name)
        if r.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or (
                r.compress_type == zipfile.ZIP_STORED and r.compress_size != r.file_size):
            raise _refuse(path, f"is inconsistent: record {echo(name)} is stored in a way BabyGPT.save never writes")
        if rest == "data.pkl":
            limit = MAX_PICKLE_BYTES
        elif rest in SMALL_RECORDS:
            limit = MAX_SMALL_RECORD
        elif _TENSOR_RECORD.fullmatch(rest):
            tensors[name] = r.file_size
            continue
        else:
            raise _refuse(path, f"has a record no run file has ({echo(name)})")
        if r.file_size > limit:
            raise _refuse(path, f"is too large to be a run file: record {echo(name)} would inflate to "
                                f"{r.file_size:,} bytes (at most {limit:,})")
    if f"{prefix}/data.pkl" not in seen:
        raise _refuse(path, "is not a run file as BabyGPT.save writes it (no data.pkl)")
    largest, total = _bounds(_config_of(f, path), path)
    for name, nbytes in tensors.items():
        if nbytes > largest:
            raise _refuse(path, f"is too large for its own config: record {echo(name)} would inflate to {nbytes:,} bytes, "
                                f"more than the largest tensor that config's run holds ({largest:,} bytes)")
    if sum(tensors.values()) > total:
        raise _refuse(path, f"is too large for its own config: its tensors would inflate to {sum(tensors.values()):,} "
                            f"bytes, more than that config's whole run holds ({total:,} bytes)")


def _records(f: BinaryIO, path: Any, size: int) -> list[zipfile.ZipInfo]:
    """The central directory, parsed only after its declared size and count were bounded."""
    tail = min(size, 22 + 0xFFFF)
    f.seek(size - tail)
    end = f.read(tail)
    at = end.rfind(_EOCD)
    if at < 0 or len(end) - at < 22:
        raise _refuse(path, "is not a babygpt-widget run file (not a zip archive as BabyGPT.save writes)")
    disk, cd_disk, _on_disk, count, cd_size, cd_offset = struct.unpack("<HHHHII", end[at + 4:at + 20])
    if at >= 20 and end[at - 20:at - 16] == _ZIP64_LOCATOR:  # torch.save writes zip64 end records
        (zip64_at,) = struct.unpack("<Q", end[at - 12:at - 4])
        if zip64_at > size - 56:
            raise _refuse(path, "is inconsistent: its zip64 end record lies outside the file")
        f.seek(zip64_at)
        record = f.read(56)
        if record[:4] != _ZIP64_EOCD:
            raise _refuse(path, "is inconsistent: its zip64 end record is missing")
        disk, cd_disk, _on_disk, count, cd_size, cd_offset = struct.unpack("<IIQQQQ", record[16:56])
    if disk or cd_disk:
        raise _refuse(path, "is a split zip archive, not a run file")
    if count > MAX_RECORDS or cd_size > MAX_DIRECTORY_BYTES or cd_offset + cd_size > size:
        raise _refuse(path, f"is not a run file: its zip directory declares {count:,} records in {cd_size:,} bytes "
                            f"(at most {MAX_RECORDS:,} records in {MAX_DIRECTORY_BYTES:,} bytes)")
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:  # reads the (now bounded) central directory only
            records = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, struct.error) as e:
        raise _refuse(path, f"is not a babygpt-widget run file (a damaged zip archive: {type(e).__name__})") from None
    if not records or len(records) > MAX_RECORDS:
        raise _refuse(path, "is not a babygpt-widget run file (no records)" if not records else
                            f"is not a run file: more than {MAX_RECORDS:,} records")
    return records


def _config_of(f: BinaryIO, path: Any) -> Any:
    """The file's config, read by unpickling data.pkl onto the meta device: tensors get their
    declared shapes but no memory, and no tensor record is read."""
    f.seek(0)
    try:
        state = torch.load(f, weights_only=True, map_location="meta")
    except Exception:  # the unpickler's message advises weights_only=False: never repeat that
        raise ValueError(f"path: {REFUSED} ({echo(path)})") from None
    if not isinstance(state, dict) or state.get("format") not in FILE_FORMATS or "config" not in state:
        raise ValueError(f"path: not a babygpt-widget run file (format {FILE_FORMAT}); refused ({echo(path)})")
    try:
        return _check_config(state["config"])
    except RunFileError as e:
        raise e from None


def _bounds(config: Any, path: Any) -> tuple[int, int]:
    """(largest tensor record, all tensor records) of a run file of this config, in bytes:
    the weights (float32), AdamW's two moments and step per parameter, and the history at its cap."""
    from ..core.history import capacity_for
    from ..core.model import GPT

    with torch.device("meta"):  # shapes only: no memory, no random numbers drawn
        reference = GPT(_model_config(config))
    weights = [t.numel() * 4 for t in reference.state_dict().values()]
    params = [p.numel() * 4 for p in reference.parameters()]
    V, C = len(config.alphabet), config.context_length
    n_states = sum(V**L for L in range(1, C + 1))
    cap = capacity_for(n_states, V)
    history = [cap * 8, cap * 4, cap * n_states * V * 4]  # steps int64, losses and probs float32
    sizes = weights + params + params + [4] * len(params) + history
    return max(sizes), sum(sizes)


def file_size(f: Any, path: Any) -> int:
    """A readable, seekable binary file object's size (it is left at its start)."""
    try:
        size = f.seek(0, io.SEEK_END)
        f.seek(0)
    except Exception:
        raise ValueError(f"path: the file object cannot seek; got {echo(path)}") from None
    if not isinstance(size, int):
        raise ValueError(f"path: the file object cannot seek; got {echo(path)}")
    return size


__all__ = ["ContainerError", "check_container", "file_size", "open_regular_file"]
