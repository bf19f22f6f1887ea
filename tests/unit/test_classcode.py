"""The kept methods of a cold start's dataclasses and named tuples (chalicelib/classcode.py): current,
the very code `exec` and `eval` compile, and classes made with them behaving as without."""
from __future__ import annotations

import builtins
import collections
import dataclasses
import marshal
import types

import pytest

from chalicelib import classcode

STALE = "data/class-code.marshal is stale: run `make class-code` (scripts/class_code.py) and commit it"


def test_the_kept_file_is_this_interpreters_and_a_fresh_cold_start_compiles_nothing_anew():
    # A new interpreter, as a cold start is: every method its classes write comes from the kept file.
    import os
    import subprocess
    import sys

    from scripts.class_code import COLD_START, ROOT

    header, entries = marshal.loads(classcode.CACHE_PATH.read_bytes())
    assert header == classcode._header(), STALE
    counting = COLD_START.replace("recorded = classcode.record()", (
        "anew = []\n_compile = classcode.compile_anew\n"
        "classcode.compile_anew = lambda text, mode, flags: anew.append(text[:90]) or _compile(text, mode, flags)"
    )).replace("print(classcode.dumps(recorded).hex())", "print(anew)")
    assert counting != COLD_START
    env = {**os.environ, "PYTHONPATH": ROOT}
    done = subprocess.run([sys.executable, "-c", counting], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", f"{STALE}: {done.stdout.strip().splitlines()[-1][:300]}"


def test_each_kept_code_is_what_compiling_its_text_gives():
    kept = classcode._kept()
    assert len(kept) > 200, STALE
    for (mode, text), code in kept.items():
        assert code == compile(text, "<string>", mode, dont_inherit=True), text[:80]
        assert code.co_filename == "<string>"


def test_dataclasses_and_named_tuples_look_their_code_up():
    assert dataclasses.exec.__wrapped__ is builtins.exec  # type: ignore[attr-defined]
    assert collections.eval.__wrapped__ is builtins.eval  # type: ignore[attr-defined]
    before = set(vars(dataclasses)), set(vars(collections))
    classcode.install()  # a second time changes nothing
    assert (set(vars(dataclasses)), set(vars(collections))) == before


def test_a_class_made_with_kept_code_is_the_class_made_without(monkeypatch):
    def make():
        @dataclasses.dataclass(frozen=True, slots=True)
        class Point:
            x: int
            y: "list[str]" = dataclasses.field(default_factory=list)

        Pair = collections.namedtuple("Pair", "left right")
        return Point, Pair

    (ours, our_pair), seen = make(), []
    real = classcode.compile_anew
    monkeypatch.setattr(classcode, "compile_anew", lambda text, mode, flags: seen.append(mode) or real(text, mode, flags))
    make()
    assert set(seen) == {"exec", "eval"}  # these texts are not in the file: compiled anew, through our path
    monkeypatch.setattr(dataclasses, "exec", builtins.exec)
    monkeypatch.setattr(collections, "eval", builtins.eval)
    stock, stock_pair = make()
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        assert getattr(ours, name).__code__ == getattr(stock, name).__code__, name
    assert ours.__init__.__annotations__ == stock.__init__.__annotations__
    assert repr(ours(1)) == repr(stock(1)).replace("stock", "ours") and ours(1, ["a"]) == ours(1, ["a"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours(1).x = 2  # type: ignore[misc]
    assert our_pair.__new__.__code__ == stock_pair.__new__.__code__ and our_pair(1, 2).right == 2


def test_a_modules_future_flags_are_passed_on_as_its_exec_would():
    import __future__

    plain, postponed = types.ModuleType("plain"), types.ModuleType("postponed")
    postponed.annotations = __future__.annotations  # type: ignore[attr-defined]
    assert classcode._future_flags(plain) == 0
    assert classcode._future_flags(postponed) == __future__.annotations.compiler_flag
    source = "def f(x: int) -> None: pass"
    for module, expected in ((plain, {"x": int, "return": None}), (postponed, {"x": "int", "return": "None"})):
        namespace: dict = {}
        classcode._keeping(builtins.exec, "exec", classcode._future_flags(module))(source, namespace)
        assert namespace["f"].__annotations__ == expected


def test_code_objects_and_an_unreadable_file_go_through_as_before(monkeypatch, tmp_path):
    here = 40  # noqa: F841 (read by the eval below)
    kept_exec = classcode._keeping(builtins.exec, "exec", 0)
    namespace: dict = {}
    kept_exec(compile("y = 2", "<string>", "exec"), namespace)  # not a text: run as it is
    assert namespace["y"] == 2
    assert classcode._keeping(builtins.eval, "eval", 0)("here + 1") == 41  # no namespace: the caller's
    for content in (b"", b"not marshal", marshal.dumps(((0, "other", (2, 7), b"x"), {("exec", "z = 1"): None}))):
        (tmp_path / "class-code.marshal").write_bytes(content)
        monkeypatch.setattr(classcode, "CACHE_PATH", tmp_path / "class-code.marshal")
        classcode._kept.cache_clear()
        assert classcode._kept() == {}
        kept_exec("z = 1", namespace)
        assert namespace["z"] == 1
    classcode._kept.cache_clear()
