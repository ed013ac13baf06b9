"""What the Connections page's fields must look like, checked as the owner types, so a mistyped
id is named at once rather than after a network wait. Each check gives the value to use and a
problem ("" when fine); an empty field is not a format problem (the test says what is missing)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from esync_desktop.storage.settings_codec import safe_base_url

MERCHANT_ID = re.compile(r"[0-9A-Z]{13}")
# BigCommerce issues short lower-case letter-and-digit hashes ("abc123", "e5ffb2ac2b").
STORE_HASH = re.compile(r"[0-9a-z]{5,16}")
# The "API path" BigCommerce shows beside a new API account: the hash is taken out of it.
API_PATH = re.compile(r"https?://api\.bigcommerce\.com/stores/([0-9A-Za-z]+)(?:/.*)?$")


@dataclass(frozen=True)
class Checked:
    value: str
    problem: str = ""


def merchant_id(text: str) -> Checked:
    value = text.strip()
    if not value or MERCHANT_ID.fullmatch(value):
        return Checked(value)
    if MERCHANT_ID.fullmatch(value.upper()):
        return Checked(value, "Use capital letters: Clover merchant IDs are in upper case.")
    return Checked(
        value,
        f"A Clover merchant ID is 13 capital letters and digits (this is {len(value)} "
        "characters long). Copy it from your Clover dashboard: Account & Setup > Merchants.",
    )


def store_hash(text: str) -> Checked:
    value = text.strip()
    path = API_PATH.match(value)
    if path:
        value = path.group(1)
    if not value or STORE_HASH.fullmatch(value):
        return Checked(value)
    if STORE_HASH.fullmatch(value.lower()):
        return Checked(value, "Use small letters: BigCommerce store hashes are in lower case.")
    return Checked(
        value,
        "A store hash is a short code of small letters and digits, such as abc123: the part "
        "after /stores/ in your API account's API path.",
    )


def api_address(text: str) -> Checked:
    value = text.strip()
    if not value:
        return Checked("")
    safe = safe_base_url(value)
    if safe is None:
        return Checked(
            value,
            "An address starting with https://, or http:// to this computer (localhost), so "
            "the token never crosses a network unencrypted.",
        )
    return Checked(safe)
