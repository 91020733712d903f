#!/usr/bin/env python3
"""Lists the C++ functions longer than N lines.

Usage: scripts/function_lengths.py [--max N] [--all] [PATH ...]

PATH is a file or a folder (searched for .cpp/.cc/.h/.hpp); the default is the
folders the project holds to the limit: src solver formulations policy.
A function's length counts its lines from the line naming it to its closing
brace. Prints one line per function over N (default 80), longest first,
`lines  file:line  name`, then a count. A function that only builds a static
constant and returns it is a data table: listed, marked, not counted. Exit
code 0 always (a report, not a gate); --all lists every function.

It is a brace-matching scan, not a parser: comments, string and character
literals and preprocessor lines are blanked, then every `{` at namespace or
class scope whose head (the text since the last `;`, `{` or `}`) holds a
parenthesis and is not a class, namespace, enum or `= {` initialiser opens a
function body. Lambdas and local classes count towards the function holding
them. A constructor's member initialisers (`a_{x}`) are not taken for bodies.
"""
import argparse
import os
import re
import sys

DEFAULT_ROOTS = ["src", "solver", "formulations", "policy"]
EXTENSIONS = (".cpp", ".cc", ".cxx", ".h", ".hpp")
SCOPE_KEYWORDS = re.compile(r"^\s*(template\s*<.*>\s*)?(namespace|class|struct|union|enum)\b|\bextern\s*$")


def blank_non_code(text):
    """Returns text with comments, literals and preprocessor lines replaced by
    spaces (newlines kept, so line numbers stay)."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            # Preprocessor line, with backslash continuations.
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    out.append(" \n")
                    i += 2
                    continue
                out.append(" ")
                i += 1
            continue
        if c == "\n":
            out.append(c)
            at_line_start = True
            i += 1
            continue
        if c in " \t\r":
            out.append(c)
            i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        raw = re.match(r'R"([^()\\ ]{0,16})\(', text[i:i + 20])
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            end = text.find(close, i + raw.end())
            end = n if end < 0 else end + len(close)
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
            continue
        if c in "\"'":
            # A digit separator (1'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else " " * (j - i))
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def function_name(head):
    """The (qualified) name before the first top-level parenthesis of head."""
    depth = 0
    for k, ch in enumerate(head):
        if ch == "<":
            depth += 1
        elif ch == ">" and depth > 0:
            depth -= 1
        elif ch == "(" and depth == 0:
            m = re.search(r"((?:[A-Za-z_~][\w]*\s*(?:<[^()<>]*>)?\s*::\s*)*(?:operator\s*[^\s(]+|operator\s*\(\s*\)|~?[A-Za-z_]\w*))\s*$",
                          head[:k])
            if m:
                return re.sub(r"\s+", "", m.group(1))
            return "?"
    return "?"


def is_function_head(head):
    h = head.strip()
    if "(" not in h:
        return False
    if SCOPE_KEYWORDS.search(h) and not re.search(r"\)\s*(const\b|noexcept\b|override\b|final\b|->|$)", h):
        return False
    if re.match(r"^(namespace|class|struct|union|enum)\b", h):
        return False
    if h.endswith("=") or h.endswith(","):
        return False
    # `Type name[] = ...(` and other initialisers with `=` before the first '('.
    first_paren = h.find("(")
    before = h[:first_paren]
    if re.search(r"(?<![=!<>])=(?!=)", before) and "operator" not in before:
        return False
    if re.match(r"^(if|for|while|switch|catch|do)\b", h):
        return False
    return True


def has_init_list(head):
    """True where head is a constructor signature followed by `:` initialisers."""
    depth = 0
    k = 0
    while k < len(head):
        ch = head[k]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ":" and depth == 0:
            if head.startswith("::", k):
                k += 2
                continue
            if head[:k].rstrip().endswith(")"):
                return True
        k += 1
    return False


def is_data_table(body):
    """True where a function body only builds a static constant and returns it:
    `static const T table = {...}; return table;` (a data table, exempt)."""
    flat, depth = [], 0
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            flat.append(ch)
    statements = [s.strip() for s in "".join(flat).split(";") if s.strip()]
    return (1 <= len(statements) <= 2 and re.match(r"^static\s+const(expr)?\b", statements[0]) is not None
            and (len(statements) == 1 or statements[1].startswith("return")))


def scan(path):
    """Yields (name, first_line, length_in_lines, is_data_table) for every
    function of path."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code = blank_non_code(f.read())
    stack = []  # kinds: "scope", "function", "init", "other"
    head_start = 0
    line = 1
    line_of = []  # line number at each offset is computed lazily via prefix counts
    newlines = [i for i, ch in enumerate(code) if ch == "\n"]

    def line_at(offset):
        lo, hi = 0, len(newlines)
        while lo < hi:
            mid = (lo + hi) // 2
            if newlines[mid] < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo + 1

    function_start = None
    function_name_ = None
    body_open = None
    i = 0
    while i < len(code):
        ch = code[i]
        in_function = any(k == "function" for k in stack)
        if ch == "{":
            if in_function:
                stack.append("other")
            else:
                head = code[head_start:i]
                prev = head.rstrip()[-1:] if head.strip() else ""
                if has_init_list(head) and (prev.isalnum() or prev in "_>"):
                    stack.append("init")
                elif is_function_head(head):
                    stack.append("function")
                    name = function_name(" ".join(head.split()))
                    # The line naming the function: the first non-blank line of its head.
                    stripped = len(head) - len(head.lstrip())
                    function_start = line_at(head_start + stripped)
                    function_name_ = name
                    body_open = i
                else:
                    stack.append("scope" if re.search(r"\b(namespace|class|struct|union)\b|extern\s*$", head) else "other")
                    head_start = i + 1
        elif ch == "}":
            kind = stack.pop() if stack else "scope"
            if kind == "function":
                yield (function_name_, function_start, line_at(i) - function_start + 1,
                       is_data_table(code[body_open + 1:i]))
                head_start = i + 1
            elif kind == "init":
                pass  # the head goes on: more initialisers or the body
            elif not in_function:
                head_start = i + 1
        elif ch == ";" and not in_function:
            # `;` inside parentheses (for headers) does not occur at namespace scope.
            if not (stack and stack[-1] == "init"):
                head_start = i + 1
        elif ch == ":" and not in_function and re.search(r"\b(public|private|protected)\s*$", code[head_start:i]):
            head_start = i + 1
        i += 1


def files_under(paths):
    for p in paths:
        if os.path.isfile(p):
            yield p
            continue
        for root, dirs, names in os.walk(p):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(EXTENSIONS):
                    yield os.path.join(root, name)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", type=int, default=80, help="list functions over this many lines (80)")
    parser.add_argument("--all", action="store_true", help="list every function")
    parser.add_argument("paths", nargs="*", help="files or folders (default: %s)" % " ".join(DEFAULT_ROOTS))
    args = parser.parse_args(argv)
    paths = args.paths or [p for p in DEFAULT_ROOTS if os.path.exists(p)]
    rows = []
    for path in files_under(paths):
        for name, first, length, table in scan(path):
            if args.all or length > args.max:
                rows.append((length, path, first, name, table))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    for length, path, first, name, table in rows:
        print("%5d  %s:%d  %s%s" % (length, path, first, name, "  (data table, exempt)" if table else ""))
    if not args.all:
        counted = sum(1 for r in rows if not r[4])
        print("%d functions over %d lines (data tables not counted)" % (counted, args.max))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
