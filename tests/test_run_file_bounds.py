"""Issue 19 §1-2: a run file is bounded before anything in it is read.

A 3 MB zip whose one tensor record inflates to 3 GiB took the kernel to 3.4 GB before it was
refused (with the wrong message); a named pipe passed the size check and blocked `load`
forever. Now only regular files are opened, and every record's declared size is checked
against what the file's own config needs before torch.load inflates anything.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib

import pytest
import torch
from conftest import SMALL

from babygpt_widget import BabyGPT, BabyGPTWidget
from babygpt_widget.runs import run_file_guard

GIB = 1 << 30
HANG_GUARD = 120  # s: only so a regression cannot hang the suite; never a speed assertion


def saved_bytes(steps: int = 2) -> bytes:
    run = BabyGPT(**SMALL)
    run.train(steps)
    buffer = io.BytesIO()
    run.save(buffer)
    return buffer.getvalue()


def records_of(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def zeros_deflated(n_mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of n_mib MiB of zeros, built without holding them: 1 MiB of zeros
    after a full flush always compresses to the same ~1 kB, so the stream is that block
    repeated, then an empty final block. Returns (stream, crc32 of the zeros)."""
    mib = bytes(1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflater.compress(mib) + deflater.flush(zlib.Z_FULL_FLUSH)
    assert block == deflater.compress(mib) + deflater.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(n_mib):
        crc = zlib.crc32(mib, crc)
    return block * n_mib + b"\x03\x00", crc


def zip_of(records: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A plain zip archive written by hand: (name, payload, method, uncompressed size, crc) per
    record, so a record may declare any size (zipfile cannot write pre-compressed data)."""
    out, directory = bytearray(), bytearray()
    for name, payload, method, size, crc in records:
        raw = name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(payload), size, len(raw), 0)
        out += raw + payload
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(payload),
                                 size, len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(records), len(records), len(directory), len(out), 0)
    return bytes(out + directory + end)


def rezipped(data: bytes, replace: dict[str, tuple[bytes, int, int, int]] | None = None,
             extra: list[tuple[str, bytes]] = ()) -> bytes:
    """A saved run re-written by hand, with some records replaced (payload, method, size, crc)."""
    replace = replace or {}
    records = []
    for name, payload in records_of(data) + list(extra):
        if name in replace:
            records.append((name, *replace[name]))
        else:
            records.append((name, payload, zipfile.ZIP_STORED, len(payload), zlib.crc32(payload)))
    return zip_of(records)


def first_tensor_record(data: bytes) -> str:
    return next(name for name, _ in records_of(data) if name.endswith("/data/0"))


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> str:
    """A run file whose first tensor record really inflates to 3 GiB (a ~3.2 MB file)."""
    data = saved_bytes()
    stream, crc = zeros_deflated(3 * 1024)
    path = tmp_path_factory.mktemp("bomb") / "bomb.pt"
    path.write_bytes(rezipped(data, {first_tensor_record(data): (stream, zipfile.ZIP_DEFLATED, 3 * GIB, crc)}))
    assert path.stat().st_size < 4_000_000
    return str(path)


def test_the_hand_written_zip_is_a_loadable_run() -> None:
    """The test's zip writer itself: an unchanged re-write loads as the original."""
    run = BabyGPT.load(io.BytesIO(rezipped(saved_bytes(3))))
    assert run.global_step == 3


def test_a_zip_bomb_is_refused_before_torch_reads_a_record(bomb: str, monkeypatch) -> None:
    loads: list[object] = []
    real = torch.load

    def watched(f, *args, **kwargs):
        loads.append(kwargs.get("map_location"))
        return real(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", watched)
    with pytest.raises(ValueError, match=r"^path: .*bomb\.pt.* too large for its own config: record .*data/0' would "
                                         r"inflate to 3,221,225,472 bytes.*refused$"):
        BabyGPT.load(bomb)
    assert loads == ["meta"]  # only the pickle was read, onto the meta device: no tensor record


def test_a_zip_bomb_is_refused_by_compare_and_the_widget(bomb: str) -> None:
    with pytest.raises(ValueError, match=r"^other: path: .*too large for its own config"):
        BabyGPT(**SMALL).compare(bomb)
    with pytest.raises(ValueError, match=r"^path: .*too large for its own config"):
        BabyGPTWidget.load(bomb)
    with open(bomb, "rb") as f:  # a file object too
        with pytest.raises(ValueError, match=r"^path: .*too large for its own config"):
            BabyGPT.load(io.BytesIO(f.read()))


def test_loading_a_zip_bomb_keeps_peak_memory_low(bomb: str) -> None:
    """In a fresh process: the refusal's peak resident memory (VmHWM) stays near what importing
    torch costs, far below the 3 GiB the record would inflate to."""
    code = textwrap.dedent(f"""
        import torch
        from babygpt_widget import BabyGPT
        def hwm():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        before = hwm()
        for call in (lambda: BabyGPT.load({bomb!r}), lambda: BabyGPT().compare({bomb!r})):
            try:
                call()
                print("LOADED")
            except ValueError as e:
                print("REFUSED", str(e)[:80])
        print("HWM", before, hwm())
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["REFUSED", "REFUSED", "HWM"], done.stdout + done.stderr
    before, peak = map(int, lines[-1].split()[1:])
    assert peak - before < 200 * 2**20, f"peak grew by {(peak - before) / 2**20:.0f} MiB while refusing"
    assert peak < 1 * GIB


def test_a_declared_size_lie_is_refused_by_the_directory(tmp_path) -> None:
    """A record that claims (in the central directory) more than its config allows is refused
    even when its data is tiny; one within the bound but damaged is refused as a bad file."""
    data = saved_bytes()
    name = first_tensor_record(data)
    payload = dict(records_of(data))[name]
    liar = tmp_path / "liar.pt"
    liar.write_bytes(rezipped(data, {name: (zlib.compress(payload)[2:-4], zipfile.ZIP_DEFLATED, 2 * GIB, 0)}))
    with pytest.raises(ValueError, match=r"^path: .*liar\.pt.*would inflate to 2,147,483,648 bytes"):
        BabyGPT.load(str(liar))


def test_records_beyond_the_config_in_total_are_refused() -> None:
    """Every record small, but more of them than the config's run has: refused by the sum."""
    data = saved_bytes()
    prefix = first_tensor_record(data).rsplit("/data/", 1)[0]
    largest, total = run_file_guard._bounds(BabyGPT(**SMALL).config, "x")
    chunk = bytes(largest)
    extra = [(f"{prefix}/data/{9000 + i}", chunk) for i in range(total // largest + 2)]
    with pytest.raises(ValueError, match=r"^path: .*its tensors would inflate to .* more than that config's whole run"):
        BabyGPT.load(io.BytesIO(rezipped(data, extra=extra)))


@pytest.mark.parametrize("name, why", [
    ("archive/evil.py", "has a record no run file has"),
    ("other/data.pkl", "not a run file as BabyGPT.save writes it"),
    ("archive/data/../data.pkl", "has a record no run file has"),
])
def test_unknown_records_are_refused(name: str, why: str) -> None:
    data = saved_bytes()
    prefix = first_tensor_record(data).split("/", 1)[0]
    extra = [(name.replace("archive", prefix, 1), b"x")]
    with pytest.raises(ValueError, match=f"^path: .*{why}"):
        BabyGPT.load(io.BytesIO(rezipped(data, extra=extra)))


def test_an_oversized_pickle_or_bookkeeping_record_is_refused() -> None:
    data = saved_bytes()
    records = dict(records_of(data))
    pickle_name = next(n for n in records if n.endswith("/data.pkl"))
    version = next(n for n in records if n.endswith("/version"))
    for name, size in ((pickle_name, run_file_guard.MAX_PICKLE_BYTES + 1), (version, 1 << 20)):
        bad = rezipped(data, {name: (zlib.compress(bytes(size))[2:-4], zipfile.ZIP_DEFLATED, size, zlib.crc32(bytes(size)))})
        with pytest.raises(ValueError, match=rf"^path: .*too large to be a run file: record .*{name.rsplit('/', 1)[1]}"):
            BabyGPT.load(io.BytesIO(bad))


def test_a_directory_declaring_millions_of_records_is_refused_before_parsing() -> None:
    data = bytearray(saved_bytes())
    at = data.rfind(b"PK\x06\x06")  # torch.save writes zip64 end records: bump their count
    data[at + 24:at + 40] = struct.pack("<QQ", 10_000_000, 10_000_000)
    with pytest.raises(ValueError, match=r"^path: .*declares 10,000,000 records"):
        BabyGPT.load(io.BytesIO(bytes(data)))


def test_not_a_zip_is_refused_as_not_a_run_file(tmp_path) -> None:
    legacy = io.BytesIO()
    torch.save({"format": "babygpt-widget/run/1"}, legacy, _use_new_zipfile_serialization=False)
    for data in (b"", b"hello", legacy.getvalue()):
        with pytest.raises(ValueError, match=r"^path: .*not a babygpt-widget run file"):
            BabyGPT.load(io.BytesIO(data))


# -- §2: only regular files --------------------------------------------------------------------
def _load_in_subprocess(path: str) -> str:
    """BabyGPT.load and compare(path) in a fresh process; the timeout is only a hang guard."""
    code = textwrap.dedent(f"""
        from babygpt_widget import BabyGPT
        for call in (lambda: BabyGPT.load({path!r}), lambda: BabyGPT().compare({path!r})):
            try:
                call()
                print("LOADED")
            except ValueError as e:
                print("REFUSED", e)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD)
    return done.stdout + done.stderr


def test_a_named_pipe_is_refused_at_once_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "run.pt"
    os.mkfifo(fifo)
    out = _load_in_subprocess(str(fifo))
    assert out.count("REFUSED") == 2, out
    assert "is not a regular file (a named pipe); a run file is a regular file; refused" in out
    assert "other: path: " in out


@pytest.mark.parametrize("path, kind", [("/dev/zero", "character device"), ("/dev/null", "character device")])
def test_a_device_is_refused(path: str, kind: str) -> None:
    with pytest.raises(ValueError, match=rf"^path: '{path}' is not a regular file \(a {kind}\)"):
        BabyGPT.load(path)


def test_a_folder_and_a_socket_are_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"^path: .* is a folder, not a run file"):
        BabyGPT.load(str(tmp_path))
    import socket

    where = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(where))
        with pytest.raises(ValueError, match=r"^path: .* is not a regular file \(a socket\)"):
            BabyGPT.load(where)


def test_a_symlink_to_a_run_file_still_loads(tmp_path) -> None:
    real = tmp_path / "real.pt"
    real.write_bytes(saved_bytes(4))
    link = tmp_path / "link.pt"
    link.symlink_to(real)
    assert BabyGPT.load(link).global_step == 4
