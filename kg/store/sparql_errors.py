"""SPARQL syntax errors a person can read.

pyoxigraph reports a syntax error as its parser's expectation at the furthest position it reached, e.g.
`error at 1:25: expected one of ",", ".", ";", "{", "{|", "}", "~", ['0' ..= '9' | '\\u{00B7}' | ...], [_]`: six lines
of grammar for a missing "}". `explain` turns that into one sentence naming the line and column, the line of the
query with a caret under the position, and the parser's expectation without its character-class dumps:

    SPARQL syntax error at line 1, column 25 (the end of the query): the "{" at line 1, column 16 is not closed.
      SELECT * WHERE {?s ?p ?o
                              ^
    The parser expected one of: "," "." ";" "{" "}" "~" or a name character.

The sentence prefers what can be told from the query itself (an empty query, an undeclared prefix, an unclosed
string or bracket, a bracket that closes nothing) over the parser's list, which names what could come next at the
furthest point it got to, not necessarily where the mistake is.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

_POSITION = re.compile(r"^error at (\d+):(\d+): expected (.*)$", re.S)
# Comments, strings and IRIs (IRIs by SPARQL's IRIREF rule exactly, so "FILTER(?a<2) SERVICE ... FILTER(?a>0)" cannot
# hide a keyword); kg.store.oxicore blanks queries with it too. Here blanked keeping every offset and line break.
NOISE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_PNAME = re.compile(r"([A-Za-z\u00C0-\uFFFD][\w.\-\u00B7\u00C0-\uFFFD]*)?:[\w.\-%\\\u00B7\u00C0-\uFFFD]*$")
_IRI = re.compile(r"<[^<>\n]*>?$")
_KEYWORD = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*$")
_PAIRS = {"{": "}", "(": ")", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
_HIDDEN_TOKENS = {"{|", "|}", "~", "<<", ">>"}   # SPARQL 1.2 annotation syntax: only confusing in a hint
# Every word SPARQL 1.1 (query and update) and Oxigraph's extensions give meaning to, lower-cased: a bare word outside
# this list (not a variable, prefixed name, language tag or number) is a typo, the likeliest cause of the error.
_WORDS = frozenset("""
a base prefix select construct describe ask distinct reduced as from named where group by having order asc desc
limit offset values undef optional graph service silent bind minus filter union not in exists true false lateral
str lang langmatches datatype bound iri uri bnode rand abs ceil floor round concat strlen ucase lcase
encode_for_uri contains strstarts strends strbefore strafter year month day hours minutes seconds timezone tz now
uuid struuid md5 sha1 sha256 sha384 sha512 coalesce if strlang strdt sameterm isiri isuri isblank isliteral
isnumeric regex substr replace count sum min max avg sample group_concat separator triple subject predicate object
istriple adjust langdir haslang haslangdir strlangdir
load clear drop create add move copy insert delete data with using default all into to version
""".split())
_AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.I)
_MAX_ITEMS = 10
_EXCERPT = 100   # characters of the query line shown around the position


def empty(sparql: str) -> bool:
    """True when the query has nothing but white space and comments."""
    return not _blank(sparql).strip()


def explain(sparql: str, raw: str, *, shift: int = 0) -> str:
    """The message for pyoxigraph's SyntaxError text `raw` about `sparql`. `shift`: characters that were put in
    front of the query's first line before it was parsed (the web tier's BASE), taken off the reported column."""
    if empty(sparql):
        return "SPARQL syntax error: the query is empty (write a SELECT, ASK, CONSTRUCT or DESCRIBE query)."
    m = _POSITION.match(raw.strip())
    if not m:
        return f"SPARQL syntax error: {raw.strip()}"
    line, col = int(m.group(1)), int(m.group(2))
    if line == 1:
        col = max(1, col - shift)
    items = _split(m.group(3))
    lines = sparql.split("\n")
    offset = _offset(lines, line, col)
    typo = _typo(sparql, items, offset)
    if typo:
        return typo
    at_end = not _blank(sparql)[offset:].strip()
    where = f"line {line}, column {col}" + (" (the end of the query)" if at_end else "")
    expected = _expected(items, at_end)
    sentence = _sentence(sparql, items, offset, at_end, expected)
    out = [f"SPARQL syntax error at {where}: {sentence}"]
    out += _excerpt(lines, line, col)
    if expected and not sentence.startswith("expected") and not _messages(items):
        out.append(f"The parser expected {expected}.")
    return "\n".join(out)


def _blank(sparql: str) -> str:
    return NOISE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), sparql)


def _offset(lines: list[str], line: int, col: int) -> int:
    line = min(max(line, 1), len(lines))
    return min(sum(len(x) + 1 for x in lines[:line - 1]) + col - 1, len("\n".join(lines)))


def _position(sparql: str, offset: int) -> str:
    before = sparql[:offset]
    return f"line {before.count(chr(10)) + 1}, column {offset - (before.rfind(chr(10)) + 1) + 1}"


def _split(expected: str) -> list[str]:
    """The items of `one of A, B, [..], C` (commas inside quotes and brackets do not split)."""
    text = expected.strip()
    if text.startswith("one of "):
        text = text[len("one of "):]
    items, cur, depth, quote, i = [], [], 0, None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\" and i + 1 < len(text):
                cur.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            cur.append(ch)
        elif ch == "[":
            depth += 1
            cur.append(ch)
        elif ch == "]":
            depth -= 1
            cur.append(ch)
        elif ch == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    if "".join(cur).strip():
        items.append("".join(cur).strip())
    return items


def _messages(items: list[str]) -> list[str]:
    """The items that are the parser's own error messages ("Prefix not found"), not tokens it expected."""
    return [x for x in items if not x.startswith(('"', "[")) and not _KEYWORD.match(x)]


def _expected(items: list[str], at_end: bool = False) -> str:
    """The parser's expectation in words: tokens quoted, keywords bare, character classes summarised. At the end
    of the query a list of keywords alone is left out: there the parser lists keywords it tried somewhere on the
    way (BIND after a fourth term in a triple, GROUP_CONCAT after a stray word), which mislead more than help."""
    if at_end and all(_KEYWORD.match(x) or x == "[_]" for x in items) and \
            [x for x in items if x != "[_]"] != ["BY"]:   # except the BY an ORDER or GROUP lacks
        return ""
    shown: list[str] = []
    name_char = False
    for x in items:
        if x.startswith('"'):
            token = _unescape(x[1:-1])
            if token not in _HIDDEN_TOKENS:
                shown.append(_quote(token))
        elif x.startswith("["):
            if x == "[_]":
                continue   # "any character": says nothing
            chars = re.findall(r"'((?:\\.|[^'\\])+)'", x)
            if ".." in x or len(chars) != 1 or chars[0] in ("_", "-", "\\u{00B7}"):
                name_char = True
            else:
                shown.append(_quote(_unescape(chars[0])))
        elif _KEYWORD.match(x):
            shown.append(x)
    shown = list(dict.fromkeys(shown))
    if len(shown) > _MAX_ITEMS:
        shown = shown[:_MAX_ITEMS] + ["…"]
    if name_char:
        shown.append("a name character")
    if not shown:
        return ""
    if len(shown) == 1:
        return shown[0]
    return "one of: " + " ".join(shown[:-1]) + " or " + shown[-1]


def _quote(token: str) -> str:
    return f"'{token}'" if '"' in token else f'"{token}"'


def _unescape(token: str) -> str:
    return token.replace('\\"', '"').replace("\\\\", "\\").replace("\\'", "'")


def _sentence(sparql: str, items: list[str], offset: int, at_end: bool, expected: str) -> str:
    before = sparql[:offset]
    for msg in _messages(items):
        if msg.lower().startswith("prefix not found"):
            m = _PNAME.search(before.rstrip())
            if m:
                p = m.group(1) or ""
                return f'the prefix "{p}:" is not declared (add PREFIX {p}: <…> at the start of the query).'
            return "a prefix is not declared (add PREFIX name: <…> at the start of the query)."
        if msg.lower().startswith("iri parsing failed"):
            m = _IRI.search(before.rstrip())
            return (f"{m.group()} is not a valid IRI." if m else "an IRI is not valid.")
    messages = _messages(items)
    blank = _blank(sparql)
    if messages:
        first = messages[0]
        if first.lower().startswith("the select contains a variable that is unbound") and (
                re.search(r"\bGROUP\s+BY\b", blank, re.I) or _AGGREGATE.search(_select_clause(blank))):
            ungrouped = _ungrouped(blank)
            if ungrouped:
                return ungrouped
        return first[0].lower() + first[1:].rstrip(".") + "."
    # a string or an IRI that never ends (blanking skipped it: its opening mark is still there)
    for q in ('"', "'"):
        i = blank.find(q)
        if i >= 0 and i <= offset:
            return f"the string starting at {_position(sparql, i)} is not closed."
    opened, stray = _brackets(blank)
    if stray is not None and stray <= offset:
        return f'the "{blank[stray]}" at {_position(sparql, stray)} closes nothing.'
    if at_end:
        if opened:
            i = opened[-1]
            return (f'the "{blank[i]}" at {_position(sparql, i)} is not closed: '
                    f'"{_PAIRS[blank[i]]}" is missing.')
        return "the query ends where the parser expected more."
    found = re.match(r"\s*(\S{1,30})", sparql[offset:])
    found = _quote(found.group(1)) if found else "the end of the query"
    return f"expected {expected}, found {found}." if expected else f"unexpected {found}."


def _typo(sparql: str, items: list[str], offset: int) -> str | None:
    """The message for a misspelt keyword (LIMT, SELCT, FILTR) up to where the parser stopped, pointing at the
    word: the parser's own position and expectation (often the end of the query, "expected CONSTRUCT") mislead
    there. None when the parser named the problem itself or a string is left open (its words are not blanked)."""
    blank = _blank(sparql)
    if _messages(items) or any(0 <= blank.find(q) <= offset for q in ('"', "'")):
        return None
    order = _missing_by(blank, offset)
    if order is not None:
        kw = blank[order:order + 5].upper()
        return _error_at(sparql, order, f"{kw} must be followed by BY ({kw} BY ?x).")
    word = _unknown_word(blank, offset)
    if word is None:
        return None
    i, text = word
    near = difflib.get_close_matches(text.lower(), _WORDS, n=1, cutoff=0.7)
    hint = f" (did you mean {near[0].upper() if near[0] != 'a' else 'a'}?)" if near else ""
    return _error_at(sparql, i, f'"{text}" is not a SPARQL keyword{hint}.')


def _error_at(sparql: str, offset: int, sentence: str) -> str:
    """The message and excerpt for a mistake found at `offset` of the query (not where the parser stopped)."""
    before = sparql[:offset]
    line, col = before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
    return "\n".join([f"SPARQL syntax error at line {line}, column {col}: {sentence}",
                      *_excerpt(sparql.split("\n"), line, col)])


def _unknown_word(blank: str, offset: int) -> tuple[int, str] | None:
    """The first bare word up to `offset` that SPARQL gives no meaning to: (its offset, the word), or None.
    Variables (?x $x), prefixed names (p:x, :x, _:b), language tags (@zh) and numbers (1e10) are not bare words."""
    # a token with inner dots or hyphens (dc.t, my-ns) is one name: followed by ":" it is a prefix, never a typo
    for m in re.finditer(r"[A-Za-z_][A-Za-z_0-9]*(?:[.\-]+[A-Za-z_0-9]+)*", blank[:offset + 1]):
        i, j = m.span()
        before, after = blank[i - 1] if i else " ", blank[j] if j < len(blank) else " "
        if before in "?$:@-.0123456789_" or before.isalnum() or after in ":-" or after.isalnum():
            continue
        word = m.group()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", word):
            continue   # dotted or hyphenated and not a prefix: not a keyword typo either; say nothing
        if word.lower() not in _WORDS:
            return i, word
    return None


def _missing_by(blank: str, offset: int) -> int | None:
    """The offset of an ORDER or GROUP (up to where the parser stopped) that BY does not follow."""
    for m in re.finditer(r"\b(ORDER|GROUP)\b(?!\s+BY\b)", blank[:offset + 1], re.I):
        before = blank[m.start() - 1] if m.start() else " "
        if before not in "?$:@" and not blank[m.end():m.end() + 1] == ":":
            return m.start()
    return None


_SELECT_HEAD = re.compile(r"\bSELECT\b(.*?)(\bWHERE\b|\{)", re.I | re.S)


def _select_clause(blank: str) -> str:
    head = _SELECT_HEAD.search(blank)
    return head.group(1) if head else ""


def _ungrouped(blank: str) -> str | None:
    """The sentence for a variable selected without being grouped in a grouped query (SPARQL 1.1 §11.4)."""
    head = _SELECT_HEAD.search(blank)
    grouped = re.search(r"\bGROUP\s+BY\b(.*?)(\bHAVING\b|\bORDER\b|\bLIMIT\b|\bOFFSET\b|\bVALUES\b|$)", blank,
                        re.I | re.S)
    plain: list[str] = []
    if head:
        depth = 0
        for tok in re.findall(r"[()]|[?$][\w\u00B7\u00C0-\uFFFD]+", head.group(1)):
            depth += {"(": 1, ")": -1}.get(tok, 0)
            if tok[0] in "?$" and depth == 0 and tok not in plain:
                plain.append(tok)
    group_vars = set(re.findall(r"[?$][\w\u00B7\u00C0-\uFFFD]+", grouped.group(1))) if grouped else set()
    body = blank[head.end():] if head else ""
    # a variable the pattern binds but the grouping leaves out; one the pattern never binds is really unbound
    missing = [v for v in plain if v not in group_vars and re.search(re.escape(v) + r"(?![\w\u00B7\u00C0-\uFFFD])", body)]
    if not missing:
        return None
    names = " ".join(missing)
    grouped_by = " ".join(sorted(group_vars)) if grouped else ""
    return (f"{names} {'is' if len(missing) == 1 else 'are'} selected in a grouped query (an aggregate or GROUP BY) "
            f"but not grouped: write GROUP BY {(grouped_by + ' ' + names).strip()}, "
            f"or select SAMPLE({missing[0]}) instead.")


def _brackets(blank: str) -> tuple[list[int], int | None]:
    """Offsets of the brackets left open, and of the first closing bracket that closes nothing."""
    stack: list[int] = []
    for i, ch in enumerate(blank):
        if ch in _PAIRS:
            stack.append(i)
        elif ch in _CLOSERS:
            if stack and blank[stack[-1]] == _CLOSERS[ch]:
                stack.pop()
            else:
                return stack, i
    return stack, None


def _excerpt(lines: list[str], line: int, col: int) -> list[str]:
    """The query's line (cut around the position when long) and a caret under the column."""
    if not 1 <= line <= len(lines):
        return []
    text = lines[line - 1].rstrip("\r")
    start = max(0, col - 1 - _EXCERPT // 2)
    end = start + _EXCERPT
    shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    if not shown.strip():
        return []
    pad = ("…" if start else "") + text[start:col - 1]
    caret = "".join("\t" if ch == "\t" else "  " if unicodedata.east_asian_width(ch) in "WF" else " " for ch in pad)
    return ["  " + shown, "  " + caret + "^"]
