"""What the source stage hands to extraction: one document's plain text plus header metadata."""
from __future__ import annotations

from dataclasses import dataclass, field


class SourceError(Exception):
    """A file that cannot be read as a report. The message names the file and the problem, in one line."""


@dataclass
class SourceText:
    path: str                      # the file it came from
    text: str                      # plain text (NFC); every span in the extraction indexes into it
    media_type: str = "text/plain"  # of the original file: text/plain, text/html, application/pdf, ...docx
    encoding: str | None = None    # detected or declared charset of the original bytes, if textual
    meta: dict[str, str] = field(default_factory=dict)  # header fields found outside the text (HTML <meta>, docx core props)
    url: str | None = None         # where the page was published, when known
