"""Forward references made while pydantic is imported compile on first evaluation; every other is as CPython makes it."""
from __future__ import annotations

import typing

import pytest

from chalicelib import lazyrefs

pytestmark = pytest.mark.skipif(not lazyrefs.SUPPORTED, reason="this CPython compiles forward references lazily itself")


def _slot_is_set(ref: typing.ForwardRef) -> bool:
    try:
        lazyrefs._SLOT.__get__(ref, typing.ForwardRef)
        return True
    except AttributeError:
        return False


def test_inside_a_reference_compiles_when_first_evaluated_and_evaluates_as_an_eager_one():
    with lazyrefs.deferred_compiles():
        lazy = typing.ForwardRef("dict[str, list[int]]")
    eager = typing.ForwardRef("dict[str, list[int]]")
    assert not _slot_is_set(lazy) and _slot_is_set(eager)
    assert typing._eval_type(lazy, {}, {}) == typing._eval_type(eager, {}, {}) == dict[str, list[int]]
    assert _slot_is_set(lazy)
    assert lazy == eager and hash(lazy) == hash(eager) and repr(lazy) == repr(eager)


def test_a_bad_expression_still_raises_the_same_syntax_error_only_later():
    with pytest.raises(SyntaxError, match="Forward reference must be an expression -- got 'not valid python'"):
        typing.ForwardRef("not valid python")
    with lazyrefs.deferred_compiles():
        lazy = typing.ForwardRef("not valid python")  # no error yet
    with pytest.raises(SyntaxError, match="Forward reference must be an expression -- got 'not valid python'"):
        typing._eval_type(lazy, {}, {})
    with lazyrefs.deferred_compiles(), pytest.raises(TypeError, match="must be a string"):
        typing.ForwardRef(3)  # type: ignore[arg-type]


def test_outside_and_after_references_are_made_as_before():
    with lazyrefs.deferred_compiles():
        pass
    assert typing.ForwardRef.__init__ is lazyrefs._EAGER_INIT
    ref = typing.ForwardRef("int")
    assert _slot_is_set(ref) and typing._eval_type(ref, {}, {}) is int


def test_an_error_inside_still_restores_eager_references():
    with pytest.raises(RuntimeError), lazyrefs.deferred_compiles():
        raise RuntimeError("an import failed")
    assert typing.ForwardRef.__init__ is lazyrefs._EAGER_INIT


CHILD = """
import typing
import chalicelib.models
from chalicelib import lazyrefs
from pydantic_core import core_schema

def compiled(ref):
    try:
        lazyrefs._SLOT.__get__(ref, typing.ForwardRef)
        return True
    except AttributeError:
        return False

ref = core_schema.IncExDictSerSchema.__annotations__["include"]
before = compiled(ref)
hint = typing.get_type_hints(core_schema.IncExDictSerSchema)["include"]
print(type(ref).__name__, before, hint == set[int | str], compiled(ref))
"""


def test_a_fresh_process_imports_pydantic_with_deferred_references_that_still_read_back():
    # A new interpreter, as on a cold start: models.py imports pydantic (so pydantic_core's ~300
    # TypedDicts) inside deferred_compiles; their hints still resolve, compiled when first asked for.
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=root, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["ForwardRef", "False", "True", "True"]
