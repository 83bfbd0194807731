"""Charts as SVG made on the server, without a chart library: the report rate by unit (``bars``),
the monthly trend (``line``) and a unit's seven star dimensions (``radar``).

The SVG is put inline in the page. Its text is drawn by the viewer's own fonts (``FONTS``: the
server needs no CJK font) and every label is escaped here, so a unit named ``<script>`` is text.
Each builder returns a whole ``<svg>`` element (valid XML) with a ``<title>`` for screen readers.
"""
from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

FONTS = 'system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif'
INK, MUTED, GRID, BAR, LOW = "#1f2933", "#5f6b7a", "#dde1e6", "#2e7d32", "#c62828"
LOW_RATE = 60            # a bar under this share is drawn red


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, title: str, body: list[str], kind: str) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
            f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" height="{_num(height)}" '
            f'font-family={quoteattr(FONTS)} font-size="13" fill="{INK}">')
    return Markup("".join([head, f"<title>{escape(title)}</title>", *body, "</svg>"]))


def _text(x: float, y: float, words: str, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}={quoteattr(v)}' for k, v in attrs.items())
    return f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{extra}>{escape(words)}</text>'


def bars(title: str, rows: list[tuple[str, float]], *, label_width: int = 150, width: int = 560) -> Markup:
    """Horizontal bars of per-cent values (0–100), one row per (label, value), in the order given."""
    row_h, top = 26, 8
    span = width - label_width - 56
    body = []
    for n, (label, value) in enumerate(rows):
        y = top + n * row_h
        w = span * max(0.0, min(value, 100.0)) / 100
        colour = LOW if value < LOW_RATE else BAR
        body += [_text(label_width - 8, y + 15, label, "end"),
                 f'<rect x="{label_width}" y="{_num(y + 4)}" width="{_num(span)}" height="16" fill="{GRID}"/>',
                 f'<rect class="bar" x="{label_width}" y="{_num(y + 4)}" width="{_num(w)}" height="16" '
                 f'fill="{colour}" data-value="{_num(value)}"/>',
                 _text(label_width + w + 6, y + 17, f"{_num(value)}%", fill=MUTED)]
    if not rows:
        body.append(_text(width / 2, 24, "暂无数据", "middle", fill=MUTED))
    return _svg(width, max(len(rows), 1) * row_h + 2 * top, title, body, "bars")


def line(title: str, points: list[tuple[str, float | None]], *, width: int = 560, height: int = 220) -> Markup:
    """A line of per-cent values (0–100) over labelled steps (months); None: no value there yet."""
    left, right, top, bottom = 44, 16, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)
    body = []
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        body += [f'<line x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}" stroke="{GRID}"/>',
                 _text(left - 6, y + 4, f"{pct}%", "end", fill=MUTED)]
    placed = []
    for n, (label, value) in enumerate(points):
        x = left + n * step
        body.append(_text(x, height - 10, label, "middle", fill=MUTED))
        if value is not None:
            placed.append((x, top + plot_h * (1 - max(0.0, min(value, 100.0)) / 100), value))
    if placed:
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y, _ in placed)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
        body += [f'<circle class="point" cx="{_num(x)}" cy="{_num(y)}" r="3.5" fill="{BAR}" data-value="{_num(v)}"/>'
                 for x, y, v in placed]
    return _svg(width, height, title, body, "line")


def _corner(cx: float, cy: float, r: float, n: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * n / count
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def radar(title: str, axes: list[tuple[str, float, float]], *, width: int = 560, height: int = 340) -> Markup:
    """A radar of (label, score, maximum) axes, each score as its share of the axis's maximum; room
    is left on both sides for the labels."""
    cx, cy = width / 2, height / 2
    r = height / 2 - 40
    count = max(len(axes), 3)
    body = []
    for share in (0.25, 0.5, 0.75, 1.0):
        ring = " ".join(f"{_num(x)},{_num(y)}" for x, y in (_corner(cx, cy, r * share, n, count) for n in range(count)))
        body.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}"/>')
    shape = []
    for n, (label, score, maximum) in enumerate(axes):
        ex, ey = _corner(cx, cy, r, n, count)
        body.append(f'<line x1="{_num(cx)}" y1="{_num(cy)}" x2="{_num(ex)}" y2="{_num(ey)}" stroke="{GRID}"/>')
        lx, ly = _corner(cx, cy, r + 16, n, count)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        body.append(_text(lx, ly + 4, f"{label} {_num(score)}/{_num(maximum)}", anchor))
        shape.append(_corner(cx, cy, r * (max(0.0, min(score / maximum, 1.0)) if maximum else 0), n, count))
    if axes:
        points = " ".join(f"{_num(x)},{_num(y)}" for x, y in shape)
        body.append(f'<polygon class="score" points="{points}" fill="{BAR}" fill-opacity="0.25" stroke="{BAR}" '
                    f'stroke-width="2"/>')
    return _svg(width, height, title, body, "radar")
