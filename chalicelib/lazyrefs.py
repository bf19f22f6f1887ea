"""Forward references compiled when first evaluated, not when made: for importing pydantic (models.py).

pydantic_core's core_schema module is written under `from __future__ import annotations`, so each
field of its TypedDicts becomes a `typing.ForwardRef`, and CPython (3.9 to 3.13) compiles a
ForwardRef's string when it is made: importing pydantic makes 735 of them (~15 ms of a cold start),
whose code nothing runs unless someone asks for those TypedDicts' type hints. Python 3.14 compiles
them lazily itself (annotationlib); `deferred_compiles()` does the same for the references made
inside it: each is compiled, and a bad expression raises its SyntaxError, on first evaluation.
"""
from __future__ import annotations

import typing
from contextlib import contextmanager
from typing import Any, Iterator

_ForwardRef: Any = typing.ForwardRef
_SLOT = _ForwardRef.__dict__.get("__forward_code__")
_EAGER_INIT = _ForwardRef.__init__
# Only where ForwardRef is the 3.9-3.13 class: __slots__ with the compiled code in one slot.
SUPPORTED = type(_SLOT).__name__ == "member_descriptor" and hasattr(_ForwardRef, "_evaluate")


def _code(self: Any) -> Any:
    try:
        return _SLOT.__get__(self, _ForwardRef)
    except AttributeError:  # made inside deferred_compiles(): compile now, as __init__ would have
        arg = self.__forward_arg__
        try:
            code = compile(f"({arg},)[0]" if arg.startswith("*") else arg, "<string>", "eval")
        except SyntaxError:
            raise SyntaxError(f"Forward reference must be an expression -- got {arg!r}") from None
        _SLOT.__set__(self, code)
        return code


def _lazy_init(self: Any, arg: Any, is_argument: bool = True, module: Any = None, *, is_class: bool = False) -> None:
    if not isinstance(arg, str):
        raise TypeError(f"Forward reference must be a string -- got {arg!r}")
    self.__forward_arg__ = arg
    self.__forward_evaluated__ = False
    self.__forward_value__ = None
    self.__forward_is_argument__ = is_argument
    self.__forward_is_class__ = is_class
    self.__forward_module__ = module


@contextmanager
def deferred_compiles() -> Iterator[None]:
    """Inside: a new ForwardRef compiles its expression when first evaluated (see the module's doc)."""
    if not SUPPORTED:
        yield
        return
    if not isinstance(_ForwardRef.__dict__["__forward_code__"], property):
        _ForwardRef.__forward_code__ = property(_code, _SLOT.__set__)
    _ForwardRef.__init__ = _lazy_init
    try:
        yield
    finally:
        _ForwardRef.__init__ = _EAGER_INIT
