"""Withhold personal data from what is published: person names and mobile numbers of contact lines.

Reports end with a contact line such as "（联系人：王某某 电话：0592-1234567、13800000000）". The office
number is public information; the name and the mobile belong to a person. Unless the settings allow it, they
are masked in the stored text. Masking replaces each character by one '＊', so the text keeps its length and
every offset of every annotation stays valid.
"""
from __future__ import annotations

import re
from typing import Iterable

from kg.extract.model import Contact

MASK = "＊"

# Full-width digits become ASCII one for one (same length), so offsets found in the folded copy apply to the text.
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９－　", "0123456789- ")
# Chinese mobile numbers: 11 digits starting 13-19, optionally written 138-6018-3130 or 138 6018 3130.
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
# The person after "联系人", when the extractor did not report the contact: 2-4 Han characters (or with a
# middle dot), ending before punctuation, a space, or the next field.
_CONTACT_PERSON = re.compile(
    r"联系人(?:姓名)?\s*[:：]?\s*([\u4e00-\u9fff·]{2,4}?)(?=[\s，,；;、。.（()）]|电话|手机|联系|座机|$)")


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.fullmatch(phone.translate(_ASCII_DIGITS).strip()))


def personal_spans(text: str, contacts: Iterable[Contact] = ()) -> list[tuple[int, int]]:
    """[start, end) spans of person names and mobile numbers anywhere in `text`."""
    spans: list[tuple[int, int]] = []
    folded = text.translate(_ASCII_DIGITS)
    spans += [m.span() for m in MOBILE.finditer(folded)]
    names = {c.person.strip() for c in contacts if c.person and len(c.person.strip()) >= 2}
    names |= {m.group(1) for m in _CONTACT_PERSON.finditer(text)}
    for name in names:
        # Every occurrence: a name printed once in the contact line may also sign the report.
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    return sorted(spans)


def mask_personal(text: str, contacts: Iterable[Contact] = ()) -> str:
    """The text with person names and mobile numbers replaced by '＊' one character for one (length kept)."""
    spans = personal_spans(text, contacts)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if not chars[i].isspace() and chars[i] not in "-+":
                chars[i] = MASK
    return "".join(chars)


def office_phones(contacts: Iterable[Contact]) -> list[str]:
    """The non-mobile numbers of the contact lines (office switchboards), in order, without repeats."""
    seen: dict[str, None] = {}
    for contact in contacts:
        for phone in contact.phones:
            phone = phone.strip()
            if phone and not is_mobile(phone):
                seen.setdefault(phone, None)
    return list(seen)
