"""Generates engine/src/pystr_tables.rs from this Python's str and unicodedata.

The engine classifies, case-folds and NFKC-normalizes characters with these tables, so that
it does exactly what the Python core does (Python 3.11: Unicode 14.0.0). Run it with the
Python the project runs on, after a change of Python version:

    python engine/gen/unitables.py > engine/src/pystr_tables.rs
"""
import unicodedata as u

N = 0x110000


def runs(f):
    """``(code point, f(chr(code point)))`` where the value changes, over every code point."""
    out, prev = [], None
    for c in range(N):
        v = f(chr(c))
        if v != prev:
            out.append((c, v))
            prev = v
    return out


def esc(s):
    """``s`` as the inside of a Rust string literal."""
    return "".join(ch if " " <= ch <= "~" and ch not in '"\\' else f"\\u{{{ord(ch):x}}}"
                   for ch in s)


def rows(items, per):
    """``items`` as indented lines of ``per`` items."""
    lines = []
    for i in range(0, len(items), per):
        lines.append("    " + " ".join(items[i:i + per]))
    return "\n".join(lines)


def single_runs(pairs):
    """(c, t) single-char maps as (start, len, stride, delta) runs."""
    pairs = sorted(pairs)
    out = []
    i = 0
    while i < len(pairs):
        c, t = pairs[i]
        d = t - c
        best = (1, 1)
        for stride in (1, 2):
            n = 1
            while (i + n < len(pairs) and pairs[i + n][0] == c + n * stride
                   and pairs[i + n][1] - pairs[i + n][0] == d):
                n += 1
            if n > best[0]:
                best = (n, stride)
        n, stride = best
        out.append((c, n, stride, d))
        i += n
    return out


def contacts_tables():
    """Print the tables of ``str``'s character classes and of ``casefold``."""
    def flags(ch):
        return (ch.isalpha() | ch.isdecimal() << 1 | ch.isdigit() << 2 | ch.isnumeric() << 3
                | ch.isspace() << 4 | (not ch.isprintable()) << 5)
    cls = runs(flags)
    folds = [(c, chr(c).casefold()) for c in range(N) if chr(c).casefold() != chr(c)]
    single = [(c, ord(t)) for c, t in folds if len(t) == 1]
    multi = [(c, t) for c, t in folds if len(t) > 1]
    fr = single_runs(single)
    print("/// Runs of `str` character classes over every code point: `(first code point, flags)`,")
    print("/// each up to the next, flags = `isalpha | isdecimal << 1 | isdigit << 2")
    print("/// | isnumeric << 3 | isspace << 4 | (not isprintable) << 5` of `chr(code)`.")
    print(f"pub(crate) const CLASS_RUNS: [(u32, u8); {len(cls)}] = [")
    print(rows([f"(0x{c:x}, {v})," for c, v in cls], 8))
    print("];")
    print()
    print("/// `chr(c).casefold()` where it is one other character: runs `(first, count, stride,")
    print("/// delta)`, for `c = first + k * stride` (k < count) the fold is `chr(c + delta)`.")
    print(f"pub(crate) const FOLD_RUNS: [(u32, u16, u8, i32); {len(fr)}] = [")
    print(rows([f"(0x{c:x}, {n}, {s}, {d})," for c, n, s, d in fr], 5))
    print("];")
    print()
    print("/// `chr(c).casefold()` where it is several characters.")
    print(f"pub(crate) const FOLD_MULTI: [(u32, &str); {len(multi)}] = [")
    print(rows([f'(0x{c:x}, "{esc(t)}"),' for c, t in multi], 4))
    print("];")


def nfkc_tables():
    """Print the tables NFKC normalization reads: decompositions, classes, compositions."""
    dk = [(c, u.normalize("NFKD", chr(c))) for c in range(N)
          if not 0xAC00 <= c <= 0xD7A3 and u.normalize("NFKD", chr(c)) != chr(c)]
    single = [(c, ord(t)) for c, t in dk if len(t) == 1]
    multi = [(c, t) for c, t in dk if len(t) > 1]
    sr = [(c, n, d) for c, n, s, d in single_runs(single) if s == 1] 
    # (stride-2 runs are split back into stride-1 singles)
    sr = []
    for c, n, s, d in single_runs(single):
        if s == 1:
            sr.append((c, n, d))
        else:
            sr += [(c + k * s, 1, d) for k in range(n)]
    ccc = runs(u.combining)
    comp = []
    for c in range(N):
        d = u.decomposition(chr(c))
        canonical = d and not d.startswith("<") and len(d.split()) == 2
        if canonical and u.normalize("NFC", chr(c)) == chr(c):
            a, b = (int(x, 16) for x in d.split())
            comp.append((a, b, c))
    comp.sort()
    print("/// `normalize('NFKD', chr(c))` where it is one other character (Hangul syllables are")
    print("/// decomposed by arithmetic): runs `(first, count, delta)`, the NFKD of `first + k` is")
    print("/// `chr(first + k + delta)`.")
    print(f"pub(crate) const DECOMP_RUNS: [(u32, u16, i32); {len(sr)}] = [")
    print(rows([f"(0x{c:x}, {n}, {d})," for c, n, d in sr], 6))
    print("];")
    print()
    print("/// `normalize('NFKD', chr(c))` where it is several characters.")
    print(f"pub(crate) const DECOMP_MULTI: [(u32, &str); {len(multi)}] = [")
    print(rows([f'(0x{c:x}, "{esc(t)}"),' for c, t in multi], 3))
    print("];")
    print()
    print("/// Runs of `unicodedata.combining(chr(c))`: `(first code point, class)`, each up to")
    print("/// the next.")
    print(f"pub(crate) const CCC_RUNS: [(u32, u8); {len(ccc)}] = [")
    print(rows([f"(0x{c:x}, {v})," for c, v in ccc], 8))
    print("];")
    print()
    print("/// The primary composites: `(first, second, c)` for each `c` whose `decomposition` is")
    print("/// canonical, of two characters, and that `normalize('NFC', chr(c))` keeps; sorted.")
    print(f"pub(crate) const COMPOSE: [(u32, u32, u32); {len(comp)}] = [")
    print(rows([f"(0x{a:x}, 0x{b:x}, 0x{c:x})," for a, b, c in comp], 4))
    print("];")


def main():
    """Print engine/src/pystr_tables.rs."""
    print("//! Generated by `engine/gen/unitables.py` from Python's `str` and `unicodedata`;")
    print("//! do not edit. `UNIDATA_VERSION` names the Unicode version they hold: the engine")
    print("//! runs only under a Python whose `unicodedata.unidata_version` is the same")
    print("//! (`streams/engine.py`).")
    print()
    print(f'pub const UNIDATA_VERSION: &str = "{u.unidata_version}";')
    print()
    contacts_tables()
    print()
    nfkc_tables()


if __name__ == "__main__":
    main()
