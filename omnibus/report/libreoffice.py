"""Convert a file with LibreOffice headless: the tab book's ODS is its XLSX, converted."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 300  # seconds: a large tab book takes LibreOffice tens of seconds


class ConversionError(RuntimeError):
    """LibreOffice is missing or could not convert the file; the message says which."""


def soffice() -> str:
    """The LibreOffice program, or a ConversionError saying how to install it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ConversionError("writing ODS needs LibreOffice Calc (apt-get install libreoffice-calc-nogui)")
    return found


def convert(source: Path, fmt: str, target: Path) -> Path:
    """Convert `source` to `fmt` (an extension: ods, xlsx, pdf) and move the result to `target`."""
    with tempfile.TemporaryDirectory(prefix="omnibus-soffice-") as scratch:
        # A profile of its own, so that a LibreOffice already running (or another conversion) does not
        # swallow the request.
        profile = Path(scratch) / "profile"
        command = [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            scratch,
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ConversionError(f"{source}: LibreOffice did not finish converting it in {TIMEOUT} s") from None
        made = Path(scratch) / source.with_suffix(f".{fmt}").name
        if result.returncode != 0 or not made.exists():
            said = result.stderr.strip() or result.stdout.strip()
            raise ConversionError(f"{source}: LibreOffice could not convert it: {said}")
        shutil.move(str(made), target)
    return target
