"""Small server-rendered SVG charts: no JavaScript, no CDN, deterministic output.

    stacked_bars(categories, series, ...) -> Markup   bars per category (a year), stacked by series (a kind)
    bipartite(left, right, edges, ...) -> Markup      a two-column network: agencies left, instruments right

Only SVG presentation attributes are used (fill=, stroke=), never style=, so the page's CSP (style-src 'self')
holds. Every text goes through markupsafe.escape.
"""
from __future__ import annotations

from markupsafe import Markup, escape

# Instrument kinds (skos:notation) -> colour; the order is the stacking and legend order.
KIND_COLORS = {
    "law": "#1f6feb", "admin_regulation": "#2da44e", "local_regulation": "#bf8700", "rules": "#0a7480",
    "party_regulation": "#cf222e", "policy": "#8250df", "other": "#6e7781", "": "#afb8c1",
}


def kind_color(notation: str | None) -> str:
    return KIND_COLORS.get(notation or "", KIND_COLORS[""])


def _e(s) -> str:
    return str(escape(str(s)))


def stacked_bars(categories: list[str], series: list[dict], *, title: str, width: int = 640, height: int = 220,
                 unit: str = "") -> Markup:
    """series: [{"key", "label", "color", "values": [int per category]}]. Empty input gives an empty string."""
    if not categories or not series:
        return Markup("")
    totals = [sum(s["values"][i] for s in series) for i in range(len(categories))]
    top = max(totals) or 1
    ml, mr, mt, mb = 36, 8, 10, 48  # margins: axis labels left, years below, legend under them
    # legend: items side by side as wide as their labels, wrapping to a new row at the right edge
    legend_at, lx, row = [], float(ml), 0
    for s in series:
        w = 14 + _text_width(s["label"]) + 16
        if lx + w > width - mr and lx > ml:
            lx, row = float(ml), row + 1
        legend_at.append((lx, row))
        lx += w
    legend_rows = row + 1
    h = height + legend_rows * 16
    pw, ph = width - ml - mr, height - mt - mb + 16
    step = pw / len(categories)
    bw = max(4.0, min(48.0, step * 0.7))
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h}" width="{width}" '
           f'height="{h}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title>']
    # y axis: 0, half, top
    for frac in (0, 0.5, 1):
        y = mt + ph - ph * frac
        val = round(top * frac, 1)
        val = int(val) if float(val).is_integer() else val
        out.append(f'<line x1="{ml}" x2="{width - mr}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text x="{ml - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#57606a">{val}</text>')
    label_every = max(1, -(-len(categories) * 34 // pw))
    for i, cat in enumerate(categories):
        x = ml + step * i + (step - bw) / 2
        y = mt + ph
        for s in series:
            v = s["values"][i]
            if not v:
                continue
            bh = ph * v / top
            y -= bh
            out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                       f'fill="{_e(s["color"])}" data-category="{_e(cat)}" data-series="{_e(s["key"])}" '
                       f'data-value="{v}"><title>{_e(cat)} · {_e(s["label"])}: {v}{_e(unit)}</title></rect>')
        if totals[i]:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10" '
                       f'fill="#24292f">{totals[i]}</text>')
        if i % label_every == 0:
            out.append(f'<text x="{x + bw / 2:.1f}" y="{mt + ph + 14:.1f}" text-anchor="middle" font-size="11" '
                       f'fill="#24292f">{_e(cat)}</text>')
    # legend
    ly = mt + ph + 32
    for s, (lx, row) in zip(series, legend_at):
        yy = ly + 16 * row
        out.append(f'<rect x="{lx:.1f}" y="{yy - 9}" width="10" height="10" fill="{_e(s["color"])}"/>')
        out.append(f'<text x="{lx + 14:.1f}" y="{yy}" font-size="11" fill="#24292f">{_e(s["label"])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _text_width(s: str, size: int = 11) -> float:
    """About how wide `s` is drawn at `size` px: a CJK character a full em, others about half."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.58 for c in s)


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"


def bipartite(left: list[dict], right: list[dict], edges: list[tuple[str, str, int]], *, title: str,
              width: int = 900, row: int = 20) -> Markup:
    """left/right: [{"id", "label", "href", "color"?}] in display order; edges: (left id, right id, weight).

    Deterministic: the caller orders the columns (by degree, then by barycentre), this only draws."""
    if not left or not right:
        return Markup("")
    n = max(len(left), len(right))
    h = n * row + 20
    lx, rx = 250, width - 290
    ly = {d["id"]: 10 + (i + 0.5) * (n * row) / len(left) for i, d in enumerate(left)}
    ry = {d["id"]: 10 + (i + 0.5) * (n * row) / len(right) for i, d in enumerate(right)}
    wmax = max((w for *_, w in edges), default=1) or 1
    out = [f'<svg class="chart network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {h}" '
           f'width="{width}" height="{h}" role="img" aria-label="{_e(title)}"><title>{_e(title)}</title><g class="edges">']
    for a, b, w in edges:
        if a not in ly or b not in ry:
            continue
        y1, y2 = ly[a], ry[b]
        mx = (lx + rx) / 2
        sw = 0.6 + 3.4 * w / wmax
        out.append(f'<path class="edge" d="M{lx + 6},{y1:.1f} C{mx:.1f},{y1:.1f} {mx:.1f},{y2:.1f} {rx - 6},{y2:.1f}" '
                   f'fill="none" stroke="#8c959f" stroke-opacity="0.45" stroke-width="{sw:.2f}">'
                   f'<title>{w}</title></path>')
    out.append('</g><g class="nodes">')
    for d in left:
        y = ly[d["id"]]
        out.append(f'<a href="{_e(d["href"])}"><circle class="node agency" cx="{lx}" cy="{y:.1f}" r="5" fill="#0969da">'
                   f'<title>{_e(d["label"])} ({d.get("degree", "")})</title></circle>'
                   f'<text x="{lx - 10}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#24292f">'
                   f'{_e(_clip(d["label"], 18))}</text></a>')
    for d in right:
        y = ry[d["id"]]
        out.append(f'<a href="{_e(d["href"])}"><rect class="node instrument" x="{rx - 5}" y="{y - 5:.1f}" width="10" '
                   f'height="10" fill="{_e(d.get("color", "#8250df"))}"><title>{_e(d["label"])} ({d.get("degree", "")})'
                   f'</title></rect><text x="{rx + 10}" y="{y + 4:.1f}" font-size="12" fill="#24292f">'
                   f'{_e(_clip(d["label"], 20))}</text></a>')
    out.append("</g></svg>")
    return Markup("".join(out))
