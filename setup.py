"""Build hook: compile the detection core (``streams/core``) to C with mypyc.

The core stays plain, mypy-checked Python. mypyc, the compiler mypy and black ship
with, turns its modules into extension modules that sit next to the sources and load
in their place (``streams/__init__.py`` checks that they match the sources). Every
other setting is in ``pyproject.toml``.

``ORDERGUARD_PURE=1``, or no C compiler, builds without compiling: the core then runs
as Python, more slowly, with the same results.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

from setuptools import setup


def _native():  # streams/native.py alone: importing the package would select a core
    source = Path(__file__).parent / "streams" / "native.py"
    spec = importlib.util.spec_from_file_location("native", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _extensions() -> list:
    if os.environ.get("ORDERGUARD_PURE") == "1":
        return []
    if not shutil.which(os.environ.get("CC", "cc")):
        print("orderguard: no C compiler found; the core will run as Python", file=sys.stderr)
        return []
    from mypyc.build import mypycify

    native = _native()
    native.MANIFEST.write_text(native.source_digests(), encoding="utf-8")
    modules = [p.as_posix() for p in native.COMPILED]
    return mypycify(modules, opt_level="3", group_name=native.GROUP)


setup(ext_modules=_extensions())
