"""Whether the detection core runs compiled or as Python source, and the check between them.

``setup.py`` compiles the modules of ``streams/core`` with mypyc into extension modules
next to their sources, which Python imports in their place. Importing ``streams`` runs
:func:`select_core` first: it keeps the compiled modules only when they were built from
the sources as they are now (``compiled.sha256``, written at build time); otherwise, or
with ``ORDERGUARD_PURE=1``, the core is imported from its ``.py`` files. Both give the
same alerts; the compiled core is faster (BENCHMARKS.md).

This module is imported by ``setup.py`` before anything is built, so it uses only the
standard library.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from pathlib import Path
from types import ModuleType

CORE_DIR = Path(__file__).parent / "core"
MANIFEST = CORE_DIR / "compiled.sha256"
PACKAGE = "streams.core"
GROUP = f"{PACKAGE}._native"  # mypyc's shared library: streams/core/_native__mypyc.*.so

# Left as Python: the package file, and the rule dataclasses, which are read, not run,
# per event (mypyc turns a dataclass's ClassVar ``id`` into an instance field).
NOT_COMPILED = frozenset({"__init__.py", "thresholds.py", "linking_rules.py"})
COMPILED = tuple(
    sorted(p.relative_to(CORE_DIR.parent.parent) for p in CORE_DIR.glob("*.py")
           if p.name not in NOT_COMPILED)
)


def source_digests() -> str:
    """One ``<sha256>  <file>`` line per compiled source, as ``compiled.sha256`` keeps them."""
    root = CORE_DIR.parent.parent
    return "".join(
        f"{hashlib.sha256((root / p).read_bytes()).hexdigest()}  {p.as_posix()}\n"
        for p in COMPILED
    )


def _built(name: str) -> bool:
    stem = CORE_DIR / name
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    return any(Path(f"{stem}{suffix}").exists() for suffix in suffixes)


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the core's modules as their ``.py`` files, ahead of the compiled ones."""

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != PACKAGE:
            return None
        source = CORE_DIR / f"{name}.py"
        return importlib.util.spec_from_file_location(fullname, source) if source.exists() else None


def select_core() -> str:
    """Pick the core to import and say which: ``compiled``, or ``python (<why>)``.

    Call it before anything imports ``streams.core.*``; ``streams/__init__.py`` does.
    """
    wanted = [p.stem for p in COMPILED] + [GROUP.rpartition(".")[2] + "__mypyc"]
    built = [name for name in wanted if _built(name)]
    if not built:
        return "python (not compiled)"
    chosen = os.environ.get("ORDERGUARD_PURE") == "1"
    if chosen:
        why = "python (ORDERGUARD_PURE=1)"
    elif len(built) < len(wanted):
        why = "python (some compiled modules are missing)"
    elif not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != source_digests():
        why = "python (the compiled modules were built from other sources)"
    else:
        return "compiled"
    if not chosen:
        warnings.warn(
            f"orderguard: the compiled core does not match streams/core's sources; running "
            f"the sources instead, more slowly. Rebuild with `make native` (or "
            f"`pip install -e .`), or set ORDERGUARD_PURE=1. [{why}]",
            RuntimeWarning,
            stacklevel=2,
        )
    if not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())
    return why


def main() -> int:
    """Print which cores run; 1 unless both are built (``make native`` checks its build).

    The mypyc-compiled core runs the stages of a worker; the Rust engine
    (``streams._engine``, ``tools/build-engine.sh``) runs ``orderguard replay``.
    """
    import streams  # selects the core, warning if the compiled one is stale
    from streams.engine import native

    engine = native()
    pure = os.environ.get("ORDERGUARD_PURE") == "1"
    print(f"core: {streams.CORE}")
    print("engine: " + ("native (streams._engine)" if engine is not None
                        else "not used (ORDERGUARD_PURE=1)" if pure else "not built"))
    if streams.CORE == "compiled" and engine is not None:
        return 0
    if streams.CORE != "compiled":
        print("The core is not compiled: `make native` compiles it (a C compiler and Python's "
              "headers are needed); ORDERGUARD_PURE=1 runs the source instead.", file=sys.stderr)
    if engine is None and not pure:
        print("The engine is not built: `make native` builds it (Rust's cargo is needed); "
              "ORDERGUARD_PURE=1 runs the Python core instead.", file=sys.stderr)
    return 1
