#!/usr/bin/env python3
"""Checks the shape of the house (issue 34): run from the repository root, `python3 scripts/architecture.py`.

It reads every `src/**/*.rs` (outside `#[cfg(test)]` items and files that are test modules)
and fails, listing each finding, on:

  (a) an import from a lower floor to a higher one (FLOORS below: a module may use its own floor
      and the floors beneath it);
  (b) a circle between files of one top-level module: file A uses an item defined in file B and
      B, directly or through other files of that module, uses A. Re-exports (`pub use`) are
      followed to the file that defines the item, and are not uses themselves; a module's root
      file (`mod.rs`) is left out, as the parent its files share;
  (c) a function outside tests longer than MAX_FN_LINES lines (its `fn` line to its closing
      brace), but for those in ALLOWED_LONG.

References read: `use` trees and inline paths starting `crate::`, `super::`, `self::`,
`sahel_watch::` (the binary's way into the library) or a child module the file declares.
Comments and string literals are skipped. Standard library only.
"""

import os
import re
import sys

# Lowest floor first. A module may import from its own floor and those below it.
FLOORS = {
    # the ground: stages that need no other, and small shared helpers
    "crate": 0,  # src/lib.rs itself (panic_message)
    "text": 0,
    "time": 0,
    "http": 0,
    "fetch": 0,
    "arabic": 0,
    "page_templates": 0,
    "feed": 1,
    "detect": 1,
    "fulltext": 2,
    "dedup": 2,
    "plan": 3,
    "store": 4,
    "alert": 5,
    "config": 6,
    "report": 6,
    "console": 7,  # served by the daemon: just below it
    "daemon": 8,
    "cli": 9,  # the binary: src/main.rs and src/cli/
}

MAX_FN_LINES = 120
# (top-level module, function name) allowed to be longer.
ALLOWED_LONG = {("daemon", "refresh")}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")


def strip(text):
    """Comments, strings and char literals blanked out, newlines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif re.match(r'b?r#*"', text[i:i + 40]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'(b?r)(#*)"', text[i:])
            end = '"' + m.group(2)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\(x..|u\{[0-9a-fA-F]+\}|.)|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:  # a lifetime
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def item_end(code, start):
    """The index just past the item that begins at `start` (its `;` or its closing brace)."""
    depth, i, n = 0, start, len(code)
    while i < n:
        c = code[i]
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "{":
            j = matching(code, i)
            if depth == 0:
                return j
            i = j
            continue
        elif c == ";" and depth == 0:
            return i + 1
        i += 1
    return n


def matching(code, i):
    """Index just past the brace closing the one at `i`."""
    depth, n = 0, len(code)
    while i < n:
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


CFG_TEST = re.compile(r"#\[cfg\((test|all\(test[^\]]*)\)\]")


def drop_tests(code):
    """`#[cfg(test)]` items blanked out (newlines kept); the names of test module files."""
    test_mods = []
    while True:
        m = CFG_TEST.search(code)
        if not m:
            return code, test_mods
        after = code[m.end():]
        decl = re.match(r"\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", after)
        if decl:
            test_mods.append(decl.group(1))
        end = item_end(code, m.end())
        code = code[:m.start()] + re.sub(r"[^\n]", " ", code[m.start():end]) + code[end:]


def expand_use(tree):
    """`a::{b, c::{d as e, *}}` -> [(["a","b"], "b"), (["a","c","d"], "e"), (["a","c","*"], "*")]."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, s):
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        for p in parts:
            if "{" in p:
                head = p[:p.index("{")].rstrip(":")
                inner = p[p.index("{") + 1:p.rindex("}")]
                walk(prefix + [x for x in head.split("::") if x], inner)
            else:
                alias = None
                if "as" in p and re.search(r"[\w*]as\w", p):
                    p, alias = re.split(r"(?<=[\w*])as(?=\w)", p, maxsplit=1)
                segs = prefix + [x for x in p.split("::") if x]
                if not segs:
                    continue
                if segs[-1] == "self":
                    segs = segs[:-1]
                out.append((segs, alias or (segs[-1] if segs else "")))

    walk([], tree)
    return out


class File:
    def __init__(self, path, crate, modpath):
        self.path = path
        self.rel = os.path.relpath(path, ROOT)
        self.crate = crate  # "lib" or "bin"
        self.modpath = modpath  # tuple of module names from the crate root
        with open(path, encoding="utf-8") as f:
            self.raw = f.read()
        self.code, self.test_mods = drop_tests(strip(self.raw))
        self.children = set(re.findall(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", self.code))
        self.defs = set(
            re.findall(
                r"\b(?:fn|struct|enum|trait|type|const|static|union|mod)\s+(\w+)|macro_rules!\s*(\w+)",
                self.code,
            )
        )
        self.defs = {a or b for a, b in self.defs}
        self.uses = []  # (segments, alias, is_pub)
        for m in re.finditer(r"(?m)^\s*(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", self.code):
            for segs, alias in expand_use(m.group(2)):
                self.uses.append((segs, alias, bool(m.group(1))))
        self.inline = []
        starts = "crate|super|self|sahel_watch" + "".join("|" + c for c in self.children)
        use_spans = [(m.start(), m.end()) for m in re.finditer(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", self.code)]
        for m in re.finditer(r"(?<![\w:])((?:%s)(?:::\w+)+)" % starts, self.code):
            if any(a <= m.start() < b for a, b in use_spans):
                continue
            self.inline.append(m.group(1).split("::"))

    @property
    def top(self):
        if self.crate == "bin":
            return "cli"
        return self.modpath[0] if self.modpath else "crate"


def discover():
    files = {}
    for dirpath, _, names in os.walk(SRC):
        for name in names:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, SRC).split(os.sep)
            if rel == ["lib.rs"]:
                crate, mp = "lib", ()
            elif rel == ["main.rs"]:
                crate, mp = "bin", ()
            else:
                parts = rel[:-1] + ([] if name == "mod.rs" else [name[:-3]])
                crate = "bin" if parts[0] == "cli" else "lib"
                mp = tuple(parts)
            files[(crate, mp)] = File(path, crate, mp)
    # Drop test module files (`#[cfg(test)] mod tests;`) and what they declare.
    tests = set()
    for (crate, mp), f in files.items():
        for t in f.test_mods:
            tests.add((crate, mp + (t,)))
    return {k: f for k, f in files.items() if not any(k[0] == t[0] and k[1][: len(t[1])] == t[1] for t in tests)}


def absolute(f, segs):
    """A path as written in file `f` -> (crate, segments from that crate's root), or None."""
    if not segs:
        return None
    head = segs[0]
    if head == "crate":
        return f.crate, list(segs[1:])
    if head == "sahel_watch":
        return "lib", list(segs[1:])
    base = list(f.modpath)
    i = 0
    if head == "self":
        i = 1
    elif head == "super":
        while i < len(segs) and segs[i] == "super":
            base = base[:-1]
            i += 1
    elif head in f.children:
        pass
    else:
        return None
    return f.crate, base + list(segs[i:])


def resolve(files, crate, segs, depth=0):
    """The file that defines what `segs` (from `crate`'s root) names, and the item's name."""
    cur = ()
    i = 0
    while i < len(segs) and (crate, cur + (segs[i],)) in files:
        cur = cur + (segs[i],)
        i += 1
    f = files.get((crate, cur))
    if f is None:
        return None, None
    if i == len(segs) or segs[i] == "*":
        return f, None
    item = segs[i]
    if item in f.defs or depth > 8:
        return f, item
    for useg, alias, _ in f.uses:
        if alias == item and useg and useg[-1] != "*":
            a = absolute(f, useg)
            if a:
                g, it = resolve(files, a[0], a[1], depth + 1)
                if g is not None:
                    return g, it
    for useg, alias, _ in f.uses:
        if alias == "*":
            a = absolute(f, useg[:-1] + [item])
            if a:
                g, it = resolve(files, a[0], a[1], depth + 1)
                if g is not None and it in g.defs:
                    return g, it
    return f, item


def references(files, f):
    """(target file, item, what was written) for every use of another file (re-exports left out)."""
    out = []
    paths = [(s, False) for s, _, p in f.uses if not p] + [(s, True) for s, _, p in f.uses if p]
    paths += [(s, False) for s in f.inline]
    for segs, reexport in paths:
        a = absolute(f, segs)
        if not a:
            continue
        g, item = resolve(files, a[0], a[1])
        if g is None or g is f:
            continue
        out.append((g, item, "::".join(segs), reexport))
    return out


def long_functions(f):
    out = []
    code = f.code
    for m in re.finditer(r"\bfn\s+(\w+)", code):
        j = m.end()
        depth = 0
        while j < len(code):
            c = code[j]
            if c in "(<[":
                depth += 1
            elif c in ")>]":
                # `->` is not a closing angle bracket
                if not (c == ">" and code[j - 1] == "-"):
                    depth -= 1
            elif c == ";" and depth <= 0:
                j = -1
                break
            elif c == "{" and depth <= 0:
                break
            j += 1
        if j < 0 or j >= len(code):
            continue
        end = matching(code, j)
        first = code.count("\n", 0, m.start()) + 1
        last = code.count("\n", 0, end - 1) + 1
        if last - first + 1 > MAX_FN_LINES and (f.top, m.group(1)) not in ALLOWED_LONG:
            out.append((first, m.group(1), last - first + 1))
    return out


def main():
    files = discover()
    findings = []
    unknown = sorted({f.top for f in files.values() if f.top not in FLOORS})
    for u in unknown:
        findings.append(f"floors: module `{u}` is not in FLOORS")

    edges = {}
    for f in sorted(files.values(), key=lambda f: f.rel):
        for g, item, written, reexport in references(files, f):
            if f.top != g.top and f.top in FLOORS and g.top in FLOORS and FLOORS[f.top] < FLOORS[g.top]:
                findings.append(
                    f"upward: {f.rel} ({f.top}, floor {FLOORS[f.top]}) uses `{written}` "
                    f"from {g.rel} ({g.top}, floor {FLOORS[g.top]})"
                )
            if (
                not reexport
                and f.top == g.top
                and f.crate == g.crate
                and not f.rel.endswith(("mod.rs", "lib.rs", "main.rs"))
                and not g.rel.endswith(("mod.rs", "lib.rs", "main.rs"))
            ):
                edges.setdefault(f.rel, {}).setdefault(g.rel, set()).add(item or "(module)")

    # Circles: strongly connected components of more than one file.
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in sorted(comps):
        links = []
        for a in comp:
            for b in sorted(edges.get(a, {})):
                if b in comp:
                    links.append(f"{a} -> {b} ({', '.join(sorted(edges[a][b]))})")
        findings.append("circle: " + " <-> ".join(comp) + "\n    " + "\n    ".join(links))

    for f in sorted(files.values(), key=lambda f: f.rel):
        for line, name, length in long_functions(f):
            findings.append(f"long: {f.rel}:{line} fn {name} is {length} lines (max {MAX_FN_LINES})")

    for x in findings:
        print(x)
    if findings:
        print(f"architecture: {len(findings)} finding(s)")
        return 1
    print(f"architecture: ok ({len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
