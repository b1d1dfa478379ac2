"""Access codes: made at random, shown in groups, found by a keyed hash, sealed for the mail merge.

Twelve characters from a 32-letter alphabet without look-alikes (no I, O, 0 or 1) give 60
bits: guessing one code of 152 at a thousand tries a second would take millions of years,
and the code space, not the start page's throttle, is what stops guessing (a right code is
never held up). The keys come from the environment (see
`omnibus.core.keys`), never from the database, so a dump of the database alone neither
lists the codes nor lets anyone test a guess offline.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from omnibus.core.keys import code_encryption_key, code_hash_key

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 12
GROUP = 4
# A replaced code digest starts with this. It holds letters outside hex, so no HMAC-SHA256 hex
# digest of any typed code can ever equal it, and the random tail keeps the column unique.
ERASED_DIGEST_PREFIX = "erased-"


def new_code() -> str:
    """A fresh random code, grouped for reading: ABCD-EFGH-JKLM."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(typed: str) -> str | None:
    """The canonical grouped form of what a respondent typed, or None if it cannot be a code.

    Case, spaces and dashes are forgiven: people copy codes from emails and letters.
    """
    raw = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def prefix(typed: str) -> str:
    """The first group of what was typed as a code (the throttle counts wrong codes by it), or ""."""
    raw = "".join(ch for ch in typed.upper() if ch not in " -\t")[:GROUP]
    return raw if len(raw) == GROUP and all(ch in ALPHABET for ch in raw) else ""


def digest(code: str) -> str:
    """The keyed hash a code is looked up by."""
    return hmac.new(code_hash_key(), code.encode("ascii"), hashlib.sha256).hexdigest()


def seal(code: str) -> str:
    """The code encrypted for keeping (mail merges need it back)."""
    return Fernet(code_encryption_key()).encrypt(code.encode("ascii")).decode("ascii")


def unseal(sealed: str) -> str:
    """A sealed code in the clear; ValueError when the key in the environment is not the one used."""
    try:
        return Fernet(code_encryption_key()).decrypt(sealed.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise ValueError("the access codes were sealed with another key (OMNIBUS_CODE_KEY)") from error
