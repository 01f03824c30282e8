"""Personal data that slips past the dropped columns: officers' names and identifiers typed into free text.

The loaders drop every personal-data column (SPEC §2). Two ways personal data can still come in, and what this
module does about them (the loaders call it, so every command, table, chart and export gets the result):

- **Officers' names** (``officer``, *Cán bộ xử lý*) are names of real people. They are replaced at load by a
  stable pseudonym, ``"Cán bộ K7Q2MZ4D"``: a keyed hash (HMAC-SHA-256) of the name, so the same officer gets the
  same code in every file, quarter and run, and per-officer rates still work. The key comes from the environment
  variable ``CCHC_PSEUDONYM_KEY``; without it a fixed key of the package is used, and anyone holding a list of
  candidate names and this package could recompute the codes — set a key (kept secret, the same every quarter)
  where that matters. Values that already are codes (``"Công chức 01"``, ``"CB-07"``, a pseudonym) are kept.
  ``load_dossiers(..., officer_names=True)`` (``--officer-names``) keeps the names, for a unit's own use.
- **Identifiers in free text**: a CMND/CCCD number (9 or 12 digits — any run of 9 or more digits), a phone number
  (``0`` or ``+84`` then 9–10 digits, single spaces, dots or dashes allowed between digits) or an e-mail address
  typed into a kept text column (procedure, field, unit, source system, officer, and unknown columns kept on
  request) is replaced by ``[đã ẩn]``. The same applies to the cell values quoted in rejected-row records, except
  the dossier code (a dossier code is no personal data, and it is what finds the row in the source system).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from cchc_analysis.text import fold

#: What replaces an identifier found in free text.
MASK = "[đã ẩn]"
#: Environment variable holding the key of officer pseudonyms.
PSEUDONYM_KEY_ENV = "CCHC_PSEUDONYM_KEY"
_DEFAULT_KEY = b"cchc_analysis officer pseudonym v1"
#: Prefix of an officer pseudonym.
PSEUDONYM_PREFIX = "Cán bộ "

_PERSONAL_TEXT = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|(?<![\d+])(?:\+84[ .\-]?|84|\(?0)\d{2,4}\)?(?:[ .\-]?\d{2,4}){1,4}(?!\d)"  # phone, maybe grouped
    r"|(?<!\d)\d{9,}(?!\d)"  # CMND (9) / CCCD (12) number, or any longer run of digits
)


def _mask_match(match: re.Match[str]) -> str:
    text = match.group(0)
    if "@" in text:
        return MASK
    digits = sum(c.isdigit() for c in text)
    if digits >= 9 and text.isdigit():
        return MASK
    # A grouped number is a phone number when it has 10–11 digits written nationally (0912 345 678), that is
    # 11–12 with the country code (+84 912 345 678).
    national = digits - 1 if text.lstrip("+(").startswith("84") else digits
    return MASK if 10 <= national <= 11 else text


#: A cheap test (RE2, vectorised) that a value may hold something :data:`_PERSONAL_TEXT` masks.
_PERSONAL_HINT = r"[0-9](?:[ .\-]?[0-9]){8}|@"

_PSEUDONYM = re.compile(r"^Cán bộ [A-Z2-7]{8}$")
#: An officer value that is already a code: a role word and one token holding a digit (``Công chức 01``, ``CB07``).
_OFFICER_CODE = re.compile(
    r"^(?:can bo|cong chuc|vien chuc|nhan vien|cbcc|cb|cc|nv|officer|staff|user)\s*[0-9a-z]*[0-9][0-9a-z]*$"
)


def mask_personal_text(text: str) -> str:
    """``text`` with ID-card numbers, phone numbers and e-mail addresses replaced by ``[đã ẩn]``.

    Examples
    --------
    >>> mask_personal_text("Đăng ký khai sinh (ĐT 0912 345 678, CCCD 001203004005)")
    'Đăng ký khai sinh (ĐT [đã ẩn], CCCD [đã ẩn])'
    >>> mask_personal_text("Nghị định 123/2015/NĐ-CP, lệ phí 1.000.000 đồng, ngày 01.02.2026 10.30")
    'Nghị định 123/2015/NĐ-CP, lệ phí 1.000.000 đồng, ngày 01.02.2026 10.30'
    """
    return _PERSONAL_TEXT.sub(_mask_match, text)


def mask_personal_array(values: pa.Array) -> pa.Array:
    """:func:`mask_personal_text` over an Arrow string array; untouched (no copy) when nothing looks personal."""
    if len(values) == 0:
        return values
    hint = pc.match_substring_regex(values, _PERSONAL_HINT)
    if not pc.any(hint).as_py():
        return values
    encoded = values.dictionary_encode()
    dictionary = [None if v is None else mask_personal_text(v) for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(dictionary, type=pa.string()), encoded.indices)


def _key() -> bytes:
    key = os.environ.get(PSEUDONYM_KEY_ENV, "")
    return key.encode("utf-8") if key else _DEFAULT_KEY


def pseudonym_key_is_set() -> bool:
    """Whether officer pseudonyms use a key of the user's (``CCHC_PSEUDONYM_KEY``) rather than the package's."""
    return bool(os.environ.get(PSEUDONYM_KEY_ENV, ""))


@lru_cache(maxsize=4096)
def _pseudonym(name: str, key: bytes) -> str:
    text = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()
    return PSEUDONYM_PREFIX + base64.b32encode(digest[:5]).decode("ascii")


def is_officer_code(value: str) -> bool:
    """Whether an officer value is a code rather than a name (kept as it is by :func:`pseudonymise_officers`)."""
    return bool(_PSEUDONYM.match(value) or _OFFICER_CODE.match(fold(value)))


def officer_pseudonym(name: str) -> str:
    """The stable pseudonym of an officer's name (case and spacing do not matter); a code is returned as is.

    Examples
    --------
    >>> officer_pseudonym("Nguyễn Văn An") == officer_pseudonym("  NGUYỄN  văn an ")
    True
    >>> officer_pseudonym("Nguyễn Văn An").startswith("Cán bộ "), officer_pseudonym("Công chức 07")
    (True, 'Công chức 07')
    """
    if is_officer_code(name):
        return name
    return _pseudonym(name, _key())


def pseudonymise_officers(values: pa.Array) -> pa.Array:
    """:func:`officer_pseudonym` over an Arrow string array (each distinct name hashed once)."""
    if len(values) == 0:
        return values
    encoded = values.dictionary_encode()
    dictionary = [None if v is None else officer_pseudonym(v) for v in encoded.dictionary.to_pylist()]
    return pc.take(pa.array(dictionary, type=pa.string()), encoded.indices)
