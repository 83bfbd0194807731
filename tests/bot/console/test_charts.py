"""The console's SVG charts (bot.console.charts), made on the server: each is valid XML, each value
is placed where it belongs, every label is escaped text drawn with the viewer's CJK fonts."""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from bot.console.charts import FONTS, bars, line, radar

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert('x')</script>"


def _parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg" and "Noto Sans CJK SC" in root.get("font-family") == FONTS
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_bars_are_as_long_as_their_share_and_labels_are_escaped_text():
    root = _parse(bars("报送率", [("第一党支部", 50), (SCRIPT, 100), ("第二党支部", 0)], label_width=150, width=560))
    full = 560 - 150 - 56
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert widths == [full / 2, full, 0]
    assert [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"] == ["#c62828", "#2e7d32",
                                                                                            "#c62828"]
    assert SCRIPT in _texts(root) and "50%" in _texts(root)       # the label is text, parsed back whole
    assert SCRIPT not in str(bars("x", [(SCRIPT, 1)])) and "&lt;script&gt;" in str(bars("x", [(SCRIPT, 1)]))
    assert root.find(f"{SVG}title").text == "报送率"


def test_the_line_puts_each_month_at_its_height_and_skips_months_without_a_value():
    root = _parse(line("趋势", [("1月", 0), ("2月", None), ("3月", 100), ("4月", 50)], width=560, height=220))
    points = [(float(c.get("cx")), float(c.get("cy")), c.get("data-value")) for c in root.iter(f"{SVG}circle")]
    top, plot_h, step = 12, 220 - 12 - 30, (560 - 44 - 16) / 3
    want = [(44, top + plot_h, "0"), (44 + 2 * step, top, "100"), (44 + 3 * step, top + plot_h / 2, "50")]
    assert [v for *_, v in points] == [v for *_, v in want]
    assert all(abs(a - b) < 0.06 for p, w in zip(points, want, strict=True) for a, b in zip(p[:2], w[:2], strict=True))
    assert root.find(f"{SVG}polyline").get("points").count(",") == 3
    assert {"1月", "2月", "3月", "4月", "0%", "100%"} <= set(_texts(root))


def test_the_radar_puts_each_score_on_its_axis_as_its_share_of_the_maximum():
    axes = [("组织建设", 15, 15), ("队伍建设", 7.5, 15), ("阵地建设", 0, 10), ("工作实绩", 20, 20)]
    root = _parse(radar("星级", axes, width=560, height=340))
    [shape] = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "score"]
    got = [tuple(map(float, p.split(","))) for p in shape.get("points").split()]
    cx, cy, r = 280, 170, 170 - 40
    want = [(cx + r * s * math.cos(-math.pi / 2 + 2 * math.pi * n / 4), cy + r * s * math.sin(-math.pi / 2 + 2 * math.pi * n / 4))
            for n, s in enumerate([1, 0.5, 0, 1])]
    assert all(abs(a - b) < 0.06 for g, w in zip(got, want, strict=True) for a, b in zip(g, w, strict=True))
    assert "组织建设 15/15" in _texts(root) and "队伍建设 7.5/15" in _texts(root)
    assert _texts(_parse(radar(SCRIPT, [(SCRIPT, 1, 2)] * 7)))[0] == f"{SCRIPT} 1/2"
