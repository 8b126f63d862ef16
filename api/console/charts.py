"""Geometry for the small inline SVG charts of the figures page (no chart library, no script:
the page's CSP allows no inline script, and a handful of rectangles needs none)."""

from __future__ import annotations

from typing import Any

import msgspec


class Bar(msgspec.Struct):
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str


def columns(items: list[tuple[str, float, str]], *, width: int = 340, height: int = 160) -> list[Bar]:
    """Vertical bars for (label, value, shown text), scaled to the largest value; room is left
    under the bars for labels and above them for the figures."""
    if not items:
        return []
    top = max((v for _, v, _ in items), default=0) or 1
    slot = width / len(items)
    bar_width = max(4.0, slot * 0.6)
    plot = height - 36
    bars = []
    for i, (label, value, text) in enumerate(items):
        h = plot * value / top
        bars.append(Bar(label=label, value=value, x=round(i * slot + (slot - bar_width) / 2, 1),
                        y=round(18 + plot - h, 1), width=round(bar_width, 1), height=round(h, 1), text=text))
    return bars


def rows(items: list[tuple[str, float, str]], *, width: int = 340, label_width: int = 80) -> list[Bar]:
    """Horizontal bars (e.g. ratings per level), 22 px apart."""
    top = max((v for _, v, _ in items), default=0) or 1
    room = width - label_width - 40
    return [Bar(label=label, value=value, x=label_width, y=i * 22, width=round(room * value / top, 1), height=16,
                text=text) for i, (label, value, text) in enumerate(items)]


def reform_charts(figures: Any) -> dict[str, list[Bar]]:
    periods = figures.periods
    levels = figures.total.ratings_by_level
    return {
        "cases": columns([(p.period.strftime("%m/%d") if p.period else "合计", p.cases, str(p.cases))
                          for p in periods]),
        "online": columns([(p.period.strftime("%m/%d") if p.period else "合计", (p.online_share or 0) * 100,
                            f"{(p.online_share or 0) * 100:.0f}%") for p in periods]),
        "levels": rows([("非常满意", levels.level5, str(levels.level5)), ("满意", levels.level4, str(levels.level4)),
                        ("基本满意", levels.level3, str(levels.level3)), ("不满意", levels.level2, str(levels.level2)),
                        ("非常不满意", levels.level1, str(levels.level1))]),
    }
