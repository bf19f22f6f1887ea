"""Identicons: a 5x5 mirrored pattern and a colour from the keyed avatar id, as SVG."""
from __future__ import annotations


def identicon(avatar_id: str) -> str:
    bits = int(avatar_id, 16)
    hue = bits % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if (bits >> (8 + row * 3 + col)) & 1:
                for x in {col, 4 - col}:
                    cells.append(f'<rect x="{x * 10 + 5}" y="{row * 10 + 5}" width="10" height="10"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60" width="60" height="60">'
        '<rect width="60" height="60" fill="#f2f2f2"/>'
        f'<g fill="hsl({hue},55%,50%)">{"".join(cells)}</g></svg>'
    )
