"""The methods that dataclasses and named tuples write for each new class, kept compiled, so that a
cold start loads their code instead of compiling each again.

`@dataclass` writes its class's `__init__`, `__repr__`, `__eq__`, `__hash__` (and a frozen class's
`__setattr__`, `__delattr__`) as Python source and compiles it with `exec` as the class is made;
`namedtuple` does the same for `__new__` with `eval`. A cold POST makes 63 dataclasses (in
annotated_types, pydantic and our spam verdicts) and 40 named tuples (botocore's): 282 such compiles,
about 100 M instructions, 6% of the whole cold request.

data/class-code.marshal keeps those code objects, keyed by their source text, under a header naming
the Python that made them (marshal's format for code is per version, as a .pyc file's is).
`install()`, run by chalicelib/__init__.py, has the two modules look each text up there first and
compile any other text as they always did. Either way the code is the same: what
`compile(text, "<string>", mode)` gives with the calling module's own `__future__` flags, which is
what `exec(text)` and `eval(text)` compile inside dataclasses and collections
(tests/unit/test_classcode.py compares them).

scripts/class_code.py (`make class-code`) rewrites the file after a cold start's classes change (a
field of a spam verdict, a pydantic upgrade); the test fails until it is current. scripts/package.py
writes it again with the Python that packages, as it does the bytecode.
"""
from __future__ import annotations

import builtins
import marshal
import sys
from functools import cache
from pathlib import Path
from typing import Any, Callable

CACHE_PATH = Path(__file__).parent / "data" / "class-code.marshal"
_FORMAT = 1

# While a recording runs (`record()`): every (mode, text) looked up, with its code.
_recorded: dict[tuple[str, str], Any] | None = None


def _header() -> tuple:
    from importlib.util import MAGIC_NUMBER

    return (_FORMAT, sys.implementation.name, sys.version_info[:2], MAGIC_NUMBER)


@cache
def _kept() -> dict[tuple[str, str], Any]:
    try:
        header, entries = marshal.loads(CACHE_PATH.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return entries if header == _header() else {}


def compile_anew(text: str, mode: str, flags: int) -> Any:
    """Code that is not kept (a class new since `make class-code`, or another Python)."""
    return compile(text, "<string>", mode, flags, dont_inherit=True)


def _future_flags(module: Any) -> int:
    """The compiler flags of the `from __future__` imports in `module`, which its exec and eval pass on."""
    import __future__

    flags = 0
    for name in __future__.all_feature_names:
        feature = getattr(__future__, name)
        if vars(module).get(name) is feature:
            flags |= feature.compiler_flag
    return flags


def _keeping(run: Callable[..., Any], mode: str, flags: int) -> Callable[..., Any]:
    """`run` (exec or eval), taking a source text's code from the kept file where it is there."""

    def kept_run(source: Any, globals: Any = None, locals: Any = None, /) -> Any:  # noqa: A002 (exec's names)
        if isinstance(source, str):
            key = (mode, source)
            if _recorded is not None:  # a recording compiles everything anew
                code = _recorded[key] = compile_anew(source, mode, flags)
            else:
                code = _kept().get(key) or compile_anew(source, mode, flags)
            source = code
        if globals is None:  # as the builtin does: in its caller's namespaces (dataclasses always passes one)
            caller = sys._getframe(1)
            globals, locals = caller.f_globals, caller.f_locals if locals is None else locals
        return run(source, globals, locals)

    kept_run.__wrapped__ = run  # type: ignore[attr-defined]
    return kept_run


def install() -> None:
    """dataclasses' `exec` and collections' `eval` (named tuples) look their text up first."""
    import collections
    import dataclasses

    for module, name, mode in ((dataclasses, "exec", "exec"), (collections, "eval", "eval")):
        if name not in vars(module):  # the builtin, not yet shadowed by ours
            setattr(module, name, _keeping(getattr(builtins, name), mode, _future_flags(module)))


def record() -> dict[tuple[str, str], Any]:
    """From now on compile every text anew and keep it in the dict returned (for the file)."""
    global _recorded
    _recorded = {}
    return _recorded


def dumps(entries: dict[tuple[str, str], Any]) -> bytes:
    """The file's bytes for this interpreter."""
    return marshal.dumps((_header(), dict(sorted(entries.items()))))
