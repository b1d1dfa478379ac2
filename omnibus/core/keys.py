"""Keys that must not live in the database: the access-code hashing and encryption keys.

A deployment sets OMNIBUS_CODE_HASH_KEY (any long random text) and OMNIBUS_CODE_KEY (a
Fernet key: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
Without them, as in the demo, keys are made once and kept in `keys.json` in the data folder,
beside (never inside) the embedded database.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings


def code_hash_key() -> bytes:
    """The key of the access codes' keyed hash."""
    return _key("OMNIBUS_CODE_HASH_KEY", "code_hash_key").encode("utf-8")


def code_encryption_key() -> bytes:
    """The Fernet key that seals access codes for the mail merge."""
    return _key("OMNIBUS_CODE_KEY", "code_key").encode("ascii")


def from_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether both keys come from the environment (as they must in production); `environ` is os.environ by default."""
    return bool(environ.get("OMNIBUS_CODE_HASH_KEY") and environ.get("OMNIBUS_CODE_KEY"))


def _key(variable: str, name: str) -> str:
    return os.environ.get(variable) or _local_keys(Path(settings.DATA_DIR))[name]


@cache
def _local_keys(folder: Path) -> dict[str, str]:
    path = folder / "keys.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        keys = {"code_hash_key": secrets.token_urlsafe(32), "code_key": Fernet.generate_key().decode("ascii")}
        # Created exclusively so two processes starting at once cannot write different keys.
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
                json.dump(keys, handle)
        except FileExistsError:
            pass
    return json.loads(path.read_text())
