"""Identicons: a 5x5 mirrored pattern and a colour from the keyed avatar id, as SVG.

The widget draws the same picture itself (`identicon` in static/widget.js) and the demo page inlines it
(`inline_identicon`), so a page of comments costs no request per avatar; `/avatars/{id}.svg` stays for
embeds that link it.
"""
from __future__ import annotations


def identicon(avatar_id: str, attributes: str = 'width="60" height="60"') -> str:
    bits = int(avatar_id, 16)
    hue = bits % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if (bits >> (8 + row * 3 + col)) & 1:
                for x in {col, 4 - col}:
                    cells.append(f'<rect x="{x * 10 + 5}" y="{row * 10 + 5}" width="10" height="10"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60" {attributes}>'
        '<rect width="60" height="60" fill="#f2f2f2"/>'
        f'<g fill="hsl({hue},55%,50%)">{"".join(cells)}</g></svg>'
    )


def inline_identicon(avatar_id: str) -> str:
    """The identicon as markup inside a page (an inline <svg> is not an image request, nor under img-src)."""
    return identicon(avatar_id, 'class="rb-avatar" width="44" height="44" aria-hidden="true" focusable="false"')
