"""manage.py's progress bar: drawn on a terminal, silent in a pipe or a log."""
from __future__ import annotations

import io

import manage


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch):
    monkeypatch.setattr(manage.sys, "stderr", io.StringIO())
    assert manage._progress_bar("importing") is None
    terminal = Terminal()
    monkeypatch.setattr(manage.sys, "stderr", terminal)
    show = manage._progress_bar("importing")
    show(50, 100)
    show(100, 100)
    drawn = terminal.getvalue()
    assert "\rimporting [" + "#" * 15 + "." * 15 + "] 50/100" in drawn
    assert drawn.endswith("] 100/100\n")
