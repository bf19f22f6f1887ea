"""The spam rules' regular expressions kept compiled, so that a cold start loads their code instead
of parsing and compiling each again.

Python compiles a regular expression in pure Python (re._parser, re._compiler) and hands the result,
a list of sre opcodes, to `_sre.compile`, which builds the pattern object in C. The phrase lists'
gates are alternations of thousands of characters: compiling them was ~20 ms of a cold POST.
data/regex-code.marshal keeps, for each pattern the rules compile lazily (text.Lazy, phrases.Gate,
phrases.WordPattern), exactly what re's compiler hands `_sre.compile` (the opcode list as array bytes),
under a header naming the
Python and sre versions that made it. `compile` builds a pattern from it when the header is this
interpreter's and the pattern is in it, and otherwise compiles as `re.compile` does: the same
pattern object either way (tests/unit/test_spam_precompiled.py compares them).

`make regex-cache` (scripts/regex_cache.py) rewrites the file; scripts/package.py writes it again
with the Python that packages (as it does the bytecode), so Lambda's runtime finds its own.
"""
from __future__ import annotations

import marshal
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any, Iterator

CACHE_PATH = Path(__file__).parent / "data" / "regex-code.marshal"
# 2: each opcode list kept as the bytes of an array of sre code words, not as a list of ints. A
# cold start then loads ~80 byte strings instead of ~100,000 int objects (and the garbage collector
# has no lists of them to walk); a pattern's list is made when that pattern is compiled.
_FORMAT = 2
# 3: it also keeps, for each phrases.Gate, the two patterns its branches make, by the gate's pattern
# texts: making them is pure-Python parsing of thousands of characters (~10 ms of a cold start).
_FORMAT = 3


def _header() -> tuple:
    import _sre

    return (_FORMAT, sys.implementation.name, sys.version_info[:2], _sre.MAGIC, _sre.CODESIZE)


def compile(pattern: str, flags: int = 0) -> re.Pattern:  # noqa: A001 (re.compile's name and signature)
    """`re.compile(pattern, flags)`, from the kept code where there is some for this interpreter."""
    kept = _kept().get((pattern, flags))
    if kept is not None:
        import _sre
        from array import array

        flags_used, code, *rest = kept
        return _sre.compile(pattern, flags_used, array(_code_type(), code).tolist(), *rest)
    return compile_anew(pattern, flags)


def _code_type() -> str:
    """The array type code of an sre code word (_sre.CODESIZE bytes; the header names the size)."""
    import _sre
    from array import array

    return next(kind for kind in "IL" if array(kind).itemsize == _sre.CODESIZE)


def compile_anew(pattern: str, flags: int = 0) -> re.Pattern:
    """A pattern with no kept code (a new rule before `make regex-cache`, or another interpreter)."""
    return re.compile(pattern, flags)


def _kept() -> dict[tuple[str, int], tuple]:
    return _file()[0]


def gate_patterns(sources: tuple[str, ...]) -> tuple[str | None, str | None] | None:
    """The patterns a gate of these pattern texts compiles (its words' and its others'), when kept."""
    return _file()[1].get(sources)


@cache
def _file() -> tuple[dict[tuple[str, int], tuple], dict[tuple[str, ...], tuple[str | None, str | None]]]:
    try:
        header, entries, gates = marshal.loads(CACHE_PATH.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}, {}
    return (entries, gates) if header == _header() else ({}, {})


def code_of(pattern: str, flags: int = 0) -> tuple:
    """What re's compiler hands `_sre.compile` for this pattern, after the pattern itself (the body of
    re._compiler.compile, whose result `compile` above rebuilds), the opcode list as array bytes."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = parsed.state.groupdict
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    from array import array

    words = array(_code_type(), [int(op) for op in code]).tobytes()
    return (int(flags | parsed.state.flags), words, parsed.state.groups - 1, dict(groupindex), tuple(indexgroup))


def lazy_patterns() -> Iterator[tuple[str, int]]:
    """(pattern, flags) of every regular expression the spam rules compile on first use."""
    for value in _lazy_objects():
        yield from value.patterns()


def lazy_gates() -> dict[tuple[str, ...], tuple[str | None, str | None]]:
    """Each phrases.Gate of the spam rules' pattern texts, and the patterns its branches make."""
    from . import phrases

    return {value.sources: value.made_patterns() for value in _lazy_objects() if isinstance(value, phrases.Gate)}


def _lazy_objects() -> Iterator[Any]:
    """Every Gate, WordPattern and Lazy the rules' modules hold."""
    from . import keys, phrases, rules, text

    seen: set[int] = set()

    def walk(value: Any) -> Iterator[Any]:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, (phrases.Gate, phrases.WordPattern, text.Lazy)):
            yield value
        elif isinstance(value, (tuple, list, frozenset, set)):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)

    for module in (text, phrases, keys, rules):
        for value in list(vars(module).values()):
            yield from walk(value)


def dumps() -> bytes:
    """The file's bytes for this interpreter: the kept code of every lazily compiled pattern."""
    entries = {(pattern, int(flags)): code_of(pattern, flags) for pattern, flags in sorted(set(lazy_patterns()))}
    return marshal.dumps((_header(), entries, lazy_gates()))


def write(path: Path = CACHE_PATH) -> int:
    """Rewrite the file for this interpreter; how many patterns it keeps."""
    path.write_bytes(dumps())
    return len(marshal.loads(path.read_bytes())[1])
