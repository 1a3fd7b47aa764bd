"""The extraction result: plain data, serialised as the JSON of shared/eval/SCHEMA.md (the contract).

Spans are [start, end) offsets in code points into `Extraction.text`; text[start:end] is exactly the surface
(for initiatives: the initiative's own text).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

Span = tuple[int, int]

INSTRUMENT_KINDS = ("law", "admin_regulation", "local_regulation", "rules", "party_regulation", "policy", "other")
AGENCY_ROLES = ("issuer", "addressee", "mentioned")
INITIATIVE_STATUS = ("done", "planned")


@dataclass
class ReportMeta:
    title: str | None = None
    agency: str | None = None          # full formal name of the issuing body, simplified characters
    year_covered: int | None = None
    doc_number: str | None = None      # 文号
    index_number: str | None = None    # 索引号
    published: str | None = None       # ISO date
    addressees: list[str] = field(default_factory=list)  # full names of the bodies addressed (市委 -> 中共厦门市委员会)
    region: str | None = None          # name of the place the issuer belongs to (厦门市)
    region_code: str | None = None     # its GB/T 2260 code
    genre: str | None = None           # "fzzf" (法治政府建设) | "xxgk" (政府信息公开) | None
    url: str | None = None


@dataclass
class Agency:
    name: str                          # canonical full name
    surface: str                       # as written (first occurrence)
    role: str = "mentioned"            # issuer | addressee | mentioned
    spans: list[Span] = field(default_factory=list)
    region: str | None = None
    region_code: str | None = None
    aliases: list[str] = field(default_factory=list)  # other surfaces seen (市外办 ...)
    alias_spans: list[Span] = field(default_factory=list)  # where an alias is written; text[s:e] is one of aliases


@dataclass
class Instrument:
    name: str                          # canonical full name (中华人民共和国宪法)
    surface: str                       # as written, inside 《》 without brackets, or the bare word
    kind: str = "other"                # one of INSTRUMENT_KINDS
    spans: list[Span] = field(default_factory=list)
    level: str | None = None           # "national" | "local" | None
    aliases: list[str] = field(default_factory=list)  # other surfaces, defined short forms (条例)
    part_of: str | None = None         # for X inside 《关于印发<X>的通知》: the name of the outer document
    alias_spans: list[Span] = field(default_factory=list)  # where an alias (以下简称《条例》) is written


@dataclass
class Event:
    name: str
    surface: str
    spans: list[Span] = field(default_factory=list)
    date: str | None = None            # ISO date or --MM-DD for a recurring day, when the text gives it
    aliases: list[str] = field(default_factory=list)  # other surfaces of the same event (with or without its date)
    alias_spans: list[Span] = field(default_factory=list)  # where an alias is written; text[s:e] is one of aliases


@dataclass
class Initiative:
    title: str                         # short title (一是加强外事惠企服务 -> 加强外事惠企服务)
    status: str                        # done | planned
    section: str | None                # heading it sits under, as written
    spans: list[Span] = field(default_factory=list)  # the initiative's own text
    instruments: list[str] = field(default_factory=list)  # canonical names cited inside it
    agencies: list[str] = field(default_factory=list)     # canonical names mentioned inside it


@dataclass
class Figure:
    value: float
    unit: str                          # 件, 辆, 人, %, 次 ...
    counts: str | None                 # what it counts (主动公开信息)
    surface: str = ""
    spans: list[Span] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    level: int                         # 1 for 一、 2 for (一) 3 for 1.
    kind: str                          # "done" | "planned" | "shortcomings" | "other"
    spans: list[Span] = field(default_factory=list)


@dataclass
class Contact:
    """A contact line (联系人/电话). Personal names and mobiles are withheld from publication by default."""
    surface: str
    spans: list[Span] = field(default_factory=list)
    person: str | None = None
    phones: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    text: str
    report: ReportMeta
    agencies: list[Agency] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    source_path: str | None = None

    def to_json(self) -> dict:
        """The SCHEMA.md object (plus extra keys the scorer ignores)."""
        d = asdict(self)
        d.pop("source_path", None)
        for group in ("agencies", "instruments", "events", "initiatives", "figures", "sections", "contacts"):
            for item in d[group]:
                item["spans"] = [list(s) for s in item["spans"]]
                if "alias_spans" in item:
                    item["alias_spans"] = [list(s) for s in item["alias_spans"]]
        return d
