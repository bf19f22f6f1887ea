"""Rewrite chalicelib/spam/data/regex-code.marshal: the compiled code of every pattern the spam rules
compile on first use (chalicelib/spam/precompiled.py says why). Run after changing a rule's pattern;
tests/unit/test_spam_precompiled.py fails until it is current. Run: .venv/bin/python scripts/regex_cache.py
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from chalicelib.spam import precompiled  # noqa: E402

if __name__ == "__main__":
    print(f"{precompiled.write()} patterns kept in {os.path.relpath(precompiled.CACHE_PATH)}")
