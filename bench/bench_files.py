"""Run files for bench/request_bounds.py: the largest one a config allows, and a zip bomb."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import torch

from babygpt_widget.core.history import capacity_for


def largest_run_file(run) -> bytes:
    """`run` saved with its history at the cap (every record a valid run file can have, each at
    its largest): what loading such a file costs is the bound's worst case."""
    run.train(1)
    buffer = io.BytesIO()
    run.save(buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    V, C = len(run.alphabet), run.config.context_length
    n = sum(V**L for L in range(1, C + 1))
    cap = capacity_for(n, V)
    state["global_step"] = cap - 1
    # the run string counts the same steps (one segment: the settings never changed)
    state["run_string"] = re.sub(r"steps=\d+$", f"steps={cap - 1}", state["run_string"])
    state["history"] = {"steps": torch.arange(cap, dtype=torch.int64), "losses": torch.full((cap,), 0.5),
                        "probs": torch.full((cap, n, V), 1.0 / V), "stride": 1, "capacity": cap}
    for entry in state["optimizer"]["state"].values():
        entry["step"] = torch.tensor(float(cap - 1))
    out = io.BytesIO()
    torch.save(state, out)
    return out.getvalue()


def zip_bomb(run, gib: int = 3) -> bytes:
    """`run`'s file with its first tensor record replaced by `gib` GiB of deflated zeros (~1 kB
    per MiB: 1 MiB of zeros after a full flush always compresses to the same block)."""
    buffer = io.BytesIO()
    run.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        records = [(i.filename, z.read(i)) for i in z.infolist()]
    mib = bytes(1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflater.compress(mib) + deflater.flush(zlib.Z_FULL_FLUSH)
    block = deflater.compress(mib) + deflater.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(gib * 1024):
        crc = zlib.crc32(mib, crc)
    stream = block * (gib * 1024) + b"\x03\x00"
    out, directory = bytearray(), bytearray()
    for name, payload in records:
        method, size, check = zipfile.ZIP_STORED, len(payload), zlib.crc32(payload)
        if name.endswith("/data/0"):
            payload, method, size, check = stream, zipfile.ZIP_DEFLATED, gib << 30, crc
        raw, offset = name.encode(), len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, check, len(payload), size, len(raw), 0)
        out += raw + payload
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, check, len(payload),
                                 size, len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(records), len(records), len(directory), len(out), 0)
    return bytes(out + directory + end)
