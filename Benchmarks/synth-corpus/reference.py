#!/usr/bin/env python3
"""Independent reference reader + solver for the synth corpus.

Serves both corpora: `--dir Benchmarks/synth-corpus-heldout` for the held-out
one. The forms added for the held-out corpus are marked "HELD-OUT EXTENSION"
(listed in that corpus's README.md); with them the development corpus's answers
are unchanged (checked: all 65 equal).

Reads every `models/<id>.txt` (plain algebraic models in the style chat LLMs
write), turns each into a MILP and solves it with HiGHS (highspy).  Writes
`answers.jsonl`, one JSON object per model, in id order.

This reader was written from scratch for this corpus and shares no code with
the Swift reader of the project (it is meant as an independent check).

Semantics (also documented in README.md):

* Only the contents of Markdown code fences are read when a file has fences;
  otherwise the whole file is read.  `#` (unless followed by a digit) and `//`
  start comments.  Lines of prose (two or more consecutive words, no relation)
  are ignored.
* Integrality: a variable declared integer / binary / continuous keeps that
  type; else a name starting with `bi_` is binary; else a file-wide
  declaration ("all variables are continuous") applies; else the variable is
  integer.  Binary means integer in [0, 1].
* Bounds: every variable is >= 0 unless it is declared free or single-variable
  rows give it a lower bound (then the largest such bound is used, which may be
  negative).  Single-variable rows become column bounds.
* Big-M: the bare symbol `M` means "a sufficiently large constant".  A row
  containing M is written as  L(x) + c + M*G(y)  (op) 0.  G must be
  integer-valued (integer/binary variables, integral coefficients), so G = 0
  enforces L(x) + c (op) 0 and |G| >= 1 makes the M term dominate.  M is chosen
  per row from finite bounds on L(x) (declared bounds, single-variable rows and
  activity-based bound propagation over the rows without M):
      M_row = max(Lmax + c, -(Lmin + c), 0) + 1
  which makes the row redundant whenever M*G relaxes it and infeasible whenever
  M*G would push it the other way.  If no finite bound can be derived, or G is
  not integer-valued, the model is refused (its optimum would depend on the
  value of M).  Rows like `x <= M` (G constant) are dropped.  As a check, every
  model with M is solved a second time with all M values multiplied by 10; the
  optima must agree.
"""
import argparse
import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Refused(Exception):
    pass


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

UNICODE_MAP = {
    "≤": "<=", "⩽": "<=", "≦": "<=", "≥": ">=", "⩾": ">=", "≧": ">=",
    "≠": "!=", "×": "*", "·": "*", "⋅": "*", "∙": "*", "−": "-", "–": "-",
    "—": "-", "÷": "/", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\t": " ", "’": "'", "“": '"', "”": '"',
}
for _i, _c in enumerate("₀₁₂₃₄₅₆₇₈₉"):
    UNICODE_MAP[_c] = str(_i)

LATEX_SUBS = [
    (re.compile(r"\\leq?(?![A-Za-z])"), "<="),
    (re.compile(r"\\geq?(?![A-Za-z])"), ">="),
    (re.compile(r"\\neq?(?![A-Za-z])"), "!="),
    (re.compile(r"\\(cdot|times)(?![A-Za-z])"), "*"),
    (re.compile(r"\\in(?![A-Za-z])"), "∈"),
    (re.compile(r"\\[{}]"), lambda m: m.group(0)[1]),
    (re.compile(r"\\(?:qquad|quad|;|,|!|:)"), " "),
    (re.compile(r"\\(min|max)(?![A-Za-z])"), r"\1"),
    (re.compile(r"\\(?:text|mathrm|mathbf|operatorname)\{([^{}]*)\}"), r"\1"),
    (re.compile(r"_\{([A-Za-z0-9_,]+)\}"), lambda m: "_" + m.group(1).replace(",", "_")),
    (re.compile(r"\\\\"), "\n"),
]


# HELD-OUT EXTENSION (A): LaTeX forms used by GPT-4o-style answers.
LATEX_PRE = [
    (re.compile(r"\\\\"), "\n"),                                   # '\\' line break
    (re.compile(r"\\(?:begin|end)\{[A-Za-z*]+\}"), " "),               # \begin{aligned} ... \end{aligned}
    (re.compile(r"&&"), "  "),                                        # column before a remark
    (re.compile(r"&"), ""),                                           # alignment point
    (re.compile(r"\\left(?=[(\[|.])|\\right(?=[)\]|.])"), ""),          # \left( \right)
    (re.compile(r"\\mathbb\{([ZRN])\}(?:_\{[^{}]*\}|\^\{?\+\}?|_\+)?"),
     lambda m: {"Z": "ℤ", "R": "ℝ", "N": "ℕ"}[m.group(1)]),        # \mathbb{Z}_{\geq 0} -> ℤ
    (re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}"), r"((\1)/(\2))"),  # \frac{1}{3}
    (re.compile(r"\{,\}"), ","),                                      # 10{,}000
    (re.compile(r"\\[()\[\]]"), " "),                                 # \( \) \[ \] math delimiters
    (re.compile(r"\\q?quad(?![A-Za-z])"), ";"),                       # \quad separates statements
]


def normalise(text):
    for rx, rep in LATEX_PRE:
        text = rx.sub(rep, text)
    for k, v in UNICODE_MAP.items():
        text = text.replace(k, v)
    for rx, rep in LATEX_SUBS:
        text = rx.sub(rep, text)
    return text


def fenced_or_all(lines):
    """Lines inside ``` fences if the file has any, else all lines."""
    if not any(l.strip().startswith("```") for l in lines):
        return list(enumerate(lines, 1))
    out, inside = [], False
    for n, l in enumerate(lines, 1):
        if l.strip().startswith("```"):
            inside = not inside
            continue
        if inside:
            out.append((n, l))
    return out


BULLET_RE = re.compile(r"^(?:[-*•]\s+|\d{1,2}[.)]\s+|\(\d{1,2}\)\s+)")


def clean_line(line):
    # comments: '//' and '#' (but not '#1' as in "Constraint #1")
    line = re.split(r"//|#(?!\d)", line, maxsplit=1)[0]
    line = re.split(r"\s--\s", line, maxsplit=1)[0]   # HELD-OUT EXTENSION (B): '  -- remark'
    line = re.sub(r"\*\*([^*]+?)\*\*", r"\1", line)  # Markdown bold
    line = line.replace("`", "")
    line = re.sub(r"[$€£]", "", line)
    line = line.strip()
    for _ in range(2):
        line = BULLET_RE.sub("", line).strip()
    line = re.sub(r"[.,;]+$", "", line).strip()
    return line


CONT_START = re.compile(r"^(\+|\*|/|<=|>=|=)")
CONT_END = re.compile(r"(\+|-|\*|/|\(|<=|>=|=|,)$")


def split_semicolons(line):
    """'x >= 0; y >= 0' -> two statements (only ';' outside parentheses)."""
    parts, depth, cur = [], 0, ""
    for ch in line:
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == ";" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    # HELD-OUT EXTENSION (J): strip spaces before the trailing punctuation ('integer, ; y ...')
    return [re.sub(r"[.,;]+$", "", p.strip()).strip() for p in parts if p.strip()]


def split_sentences(line):
    """HELD-OUT EXTENSION (D): 'Let t be ... swabs. Since x ...' -> sentences
    (split at '. ' before a capital letter, outside parentheses)."""
    parts, depth, cur = [], 0, ""
    for i, ch in enumerate(line):
        depth += ch in "(["
        depth -= ch in ")]"
        cur += ch
        if ch == "." and depth == 0 and re.match(r"\s+[A-Z]", line[i + 1:]) and \
                not re.search(r"(?:\b[a-z]\.[a-z]|\bs\.t|\be\.g|\bi\.e)\.$", cur):
            parts.append(cur)
            cur = ""
    parts.append(cur)
    # HELD-OUT EXTENSION (J): strip spaces before the trailing punctuation ('integer, ; y ...')
    return [re.sub(r"[.,;]+$", "", p.strip()).strip() for p in parts if p.strip()]


def logical_lines(raw):
    out = []
    for n, l in raw:
        for c in [c2 for c1 in split_sentences(clean_line(l)) for c2 in split_semicolons(c1)]:
            if out and (CONT_START.match(c) or CONT_END.search(out[-1][1])):
                out[-1] = (out[-1][0], out[-1][1] + " " + c)
            else:
                out.append((n, c))
    return out


# --------------------------------------------------------------------------
# Polynomials (at most linear in variables, at most linear in M)
# --------------------------------------------------------------------------

class Poly:
    """dict: key (tuple of symbol names, sorted; 'M' is a symbol) -> Fraction."""

    def __init__(self, terms=None):
        self.t = {}
        if terms:
            for k, v in terms.items():
                if v != 0:
                    self.t[k] = self.t.get(k, 0) + v
            self.t = {k: v for k, v in self.t.items() if v != 0}

    @staticmethod
    def const(c):
        return Poly({(): Fraction(c)})

    @staticmethod
    def sym(name):
        return Poly({(name,): Fraction(1)})

    def is_const(self):
        return all(k == () for k in self.t)

    def value(self):
        return self.t.get((), Fraction(0))

    def __add__(self, o):
        d = dict(self.t)
        for k, v in o.t.items():
            d[k] = d.get(k, 0) + v
        return Poly(d)

    def __neg__(self):
        return Poly({k: -v for k, v in self.t.items()})

    def __sub__(self, o):
        return self + (-o)

    def mul(self, o, text=""):
        d = {}
        for k1, v1 in self.t.items():
            for k2, v2 in o.t.items():
                k = tuple(sorted(k1 + k2))
                real = [s for s in k if s != "M"]
                if len(real) > 1:
                    raise Refused("nonlinear term: product of variables %s" % " * ".join(real))
                if k.count("M") > 1:
                    raise Refused("nonlinear term: M * M")
                d[k] = d.get(k, 0) + v1 * v2
        return Poly(d)

    def div(self, o):
        if not o.is_const():
            raise Refused("division by a variable expression (nonlinear)")
        c = o.value()
        if c == 0:
            raise Refused("division by zero")
        return Poly({k: v / c for k, v in self.t.items()})

    def symbols(self):
        return {s for k in self.t for s in k if s != "M"}


# --------------------------------------------------------------------------
# Tokenizer + recursive-descent expression parser
# --------------------------------------------------------------------------

TOKEN_RE = re.compile(r"""
  (?P<num>\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
 |(?P<id>[A-Za-z_][A-Za-z0-9_]*)
 |(?P<op><=|>=|==|=<|=>|!=|\*\*|[-+*/^()<>=%,\[\]{}])
 |(?P<ws>\s+)
""", re.X)

RELOPS = {"<=": "<=", "=<": "<=", ">=": ">=", "=>": ">=", "=": "=", "==": "=",
          "<": "<", ">": ">", "!=": "!="}


def tokenize(s):
    toks, pos = [], 0
    while pos < len(s):
        m = TOKEN_RE.match(s, pos)
        if not m:
            raise Refused("unexpected character %r" % s[pos])
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            continue
        val = m.group(kind)
        if kind == "op" and val in "[]":
            val = "(" if val == "[" else ")"
        if kind == "op" and val in "{}":
            raise Refused("unexpected brace in expression")
        toks.append((kind, val))
    return toks


def check_parens(toks, text):
    depth = 0
    for k, v in toks:
        if v == "(":
            depth += 1
        elif v == ")":
            depth -= 1
            if depth < 0:
                raise Refused("unbalanced parentheses: ')' without '(' in: %s" % text)
    if depth != 0:
        raise Refused("unbalanced parentheses: %d unclosed '(' in: %s" % (depth, text))


class ExprParser:
    def __init__(self, toks, text):
        self.toks, self.i, self.text = toks, 0, text

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def parse(self):
        if not self.toks:
            raise Refused("empty expression in: %s" % self.text)
        e = self.expr()
        if self.i != len(self.toks):
            raise Refused("unexpected %r in: %s" % (self.peek()[1], self.text))
        return e

    def expr(self):
        e = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            t = self.term()
            e = e + t if op == "+" else e - t
        return e

    def term(self):
        e = self.unary()
        while True:
            k, v = self.peek()
            if v in ("*", "/"):
                self.take()
                f = self.unary()
                e = e.mul(f) if v == "*" else e.div(f)
            elif k in ("num", "id") or v == "(":
                prev = self.toks[self.i - 1]
                if k == "num" and (prev[0] in ("id", "num") or prev[1] in (")", "%")):
                    raise Refused("number %s follows %r without an operator in: %s"
                                  % (v, prev[1], self.text))
                e = e.mul(self.unary())           # implicit multiplication
            else:
                return e

    def unary(self):
        v = self.peek()[1]
        if v == "-":
            self.take()
            return -self.unary()
        if v == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self):
        base = self.primary()
        if self.peek()[1] in ("^", "**"):
            self.take()
            ex = self.unary()
            if not ex.is_const() or ex.value().denominator != 1:
                raise Refused("non-integer or variable exponent in: %s" % self.text)
            n = int(ex.value())
            if base.is_const():
                return Poly.const(base.value() ** n)
            if n == 1:
                return base
            raise Refused("nonlinear power (exponent %d) in: %s" % (n, self.text))
        return base

    def primary(self):
        k, v = self.take()
        if k == "num":
            val = Fraction(v.replace(",", ""))
            if self.peek()[1] == "%":
                self.take()
                val /= 100
            return Poly.const(val)
        if k == "id":
            if self.peek()[1] == "(" and v != "M":
                raise Refused("unknown function %s(...) in: %s" % (v, self.text))
            return Poly.sym(v)
        if v == "(":
            e = self.expr()
            if self.take()[1] != ")":
                raise Refused("unbalanced parentheses in: %s" % self.text)
            return e
        if v is None:
            raise Refused("expression ends unexpectedly in: %s" % self.text)
        raise Refused("unexpected %r in: %s" % (v, self.text))


def parse_expr(text):
    toks = tokenize(text)
    check_parens(toks, text)
    for k, v in toks:
        if k == "op" and v in RELOPS:
            raise Refused("relation inside an expression: %s" % text)
    return ExprParser(toks, text).parse()


def parse_relation_chain(text):
    """'a <= b <= c' -> [(Poly a, '<=', Poly b), (Poly b, '<=', Poly c)]."""
    toks = tokenize(text)
    check_parens(toks, text)
    segs, ops, cur, depth = [], [], [], 0
    for k, v in toks:
        if v == "(":
            depth += 1
        elif v == ")":
            depth -= 1
        if k == "op" and v in RELOPS and depth == 0:
            segs.append(cur)
            ops.append(RELOPS[v])
            cur = []
        else:
            cur.append((k, v))
    segs.append(cur)
    for op in ops:
        if op in ("<", ">"):
            raise Refused("strict inequality '%s' is not allowed in a MILP: %s" % (op, text))
        if op == "!=":
            raise Refused("'!=' is not a linear constraint: %s" % text)
    polys = [ExprParser(s, text).parse() for s in segs]
    return [(polys[i], ops[i], polys[i + 1]) for i in range(len(ops))]


# --------------------------------------------------------------------------
# Line classification
# --------------------------------------------------------------------------

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
IDLIST = r"%s(?:\s*(?:,|\band\b)\s*%s)*" % (IDENT, IDENT)
REL_RE = re.compile(r"<=|>=|==|=<|=>|!=|<|>|=")

OBJ_RE = re.compile(
    r"^(?:objective(?:\s+function)?\s*[:\-]?\s*)?(maximi[sz]e|minimi[sz]e|max|min)\b\.?\s*:?\s*(.*)$",
    re.I)
SECTION_RE = re.compile(
    r"^(subject\s+to|s\.\s*t\.?|such\s+that|constraints?|where|decision\s+variables?|variables?"
    r"|bounds?|non-?negativity(?:\s+constraints?)?|integrality(?:\s+constraints?)?"
    r"|variable\s+(?:types?|domains?)|domains?|integers?|general|binar(?:y|ies)|objective(?:\s+function)?)"
    r"(?![A-Za-z0-9_])\s*(?:\([^)]*\))?\s*:?\s*(.*)$", re.I)

TYPE_PATTERNS = [
    ("binary", re.compile(r"\{\s*0\s*,\s*1\s*\}|\bbinar(?:y|ies)\b|\b0\s*(?:or|/)\s*1\b|\b1 if\b", re.I)),
    ("integer", re.compile(r"\bintegers?\b|\bint\b|\binteger-valued\b|\bwhole\s+numbers?\b"
                           r"|∈\s*(?:ℤ|ℕ|Z|N)\+?|\bgeneral\b", re.I)),
    ("continuous", re.compile(r"\bcontinuous\b|\breals?\b|\breal\s+numbers?\b|∈\s*(?:ℝ|R)\+?", re.I)),
    ("free", re.compile(r"\bfree\b|\bunrestricted(?:\s+in\s+sign)?\b", re.I)),
]
FILLER_RE = re.compile(
    r"\b(?:are|is|be|must|should|all|variables?|decision|non-?\s?negative|nonnegative|and|the|numbers?"
    r"|values?|valued|take|only|in|of|both|each|for|where|let|with|domain|type|also|these|those|them|they)\b"
    r"|>=\s*0(?:\.0*)?(?![\d.])|∈|[:(),]", re.I)


def type_of(text):
    for name, rx in TYPE_PATTERNS:
        if rx.search(text):
            return name
    return None


def is_prose(s):
    return bool(re.search(r"[A-Za-z]{2,}[,']?\s+[A-Za-z]{2,}", s)) or s.endswith(":") or s.endswith("?")


def looks_like_sentence(s):
    """HELD-OUT EXTENSION (D): three or more consecutive English words outside a trailing remark."""
    if s.rstrip().endswith(":") and re.search(r"[A-Za-z]{2,}", s):
        return True   # a heading such as 'If y = 1, at least 8 large containers:'
    pm = TRAILING_PROSE_PAREN.search(s)
    if pm:
        s = s[:pm.start()]
    return bool(re.search(r"(?:\b[A-Za-z][a-z']+,?\s+){2,}[A-Za-z][a-z']+\b", s))


def no_math(s):
    return not re.search(r"[\d+*/^=<>()-]", s)


class Model:
    def __init__(self):
        self.sense = None
        self.obj = None
        self.rows = []          # (Poly lhs-rhs, op, text, lineno)
        self.decl = {}          # var -> type
        self.global_type = None
        self.list_bounds = []   # (var, op, value)
        self.notes = []
        self.mentioned = set()


def try_declaration(line, model, section):
    """Type declarations and non-negativity lists.  Returns True if consumed."""
    t = type_of(line)
    if "∈" in line and t is None:
        t = "continuous" if re.search(r"∈\s*\[", line) else None
    body = re.sub(r"\([^)]*\)", " ", line)
    dm = re.match(r"^\s*(%s)\s*∈" % IDLIST, line)
    if dm and t is not None:   # HELD-OUT EXTENSION (F): only the names before '∈'
        body = dm.group(1)
    for _, rx in TYPE_PATTERNS:
        body = rx.sub(" ", body)
    body = FILLER_RE.sub(" ", body)
    names = body.split()
    if any(not re.fullmatch(IDENT, n) for n in names):
        return False
    if t is None and section in ("integer", "binary") and names and not REL_RE.search(line):
        t = section
    if t is None:
        if not names and re.search(r"\ball\b", line, re.I) and re.search(
                r">=\s*0|non-?\s?negative|nonnegative", line, re.I):
            return True   # "All variables >= 0" (the default anyway)
        # pure non-negativity list such as "x, y, z >= 0"
        if not re.search(r">=\s*0(?:\.0*)?\s*$", line) or len(names) < 1:
            return False
        if not re.fullmatch(r"\s*%s\s*>=\s*0(?:\.0*)?\s*" % IDLIST, line):
            return False
        for n in names:
            model.mentioned.add(n)
        return True
    if REL_RE.search(re.sub(r">=\s*0(?:\.0*)?(?![\d.])", "", line)):
        return False
    if not names:
        if re.search(r"\ball\b", line, re.I):
            model.global_type = t
            return True
        return False
    for n in names:
        if n == "M":
            continue
        model.decl[n] = t
        model.mentioned.add(n)
    return True


DEF_RE = re.compile(
    r"^(?:let\s+)?(%s)\s*(?:=|:|-|\bbe\b|\bdenotes?\b|\brepresents?\b|\bis\b|\bare\b)\s*(.+)$" % IDLIST,
    re.I)


MULTI_DECL = re.compile(
    r"(%s(?:\s*(?:,|\band\b)\s*%s)*)\s+(?:is|are|must\s+be|should\s+be)\s+(?:all\s+|both\s+)?"
    r"(?:non-?negative\s+)?(integers?|integer-valued|binary|continuous|real)\b" % (IDENT, IDENT), re.I)
DECL_STOP = {"where", "here", "let", "since", "then", "so", "and", "the", "all", "both", "we", "note",
             "variables", "variable", "while"}


def try_multi_declaration(line, model):
    """HELD-OUT EXTENSION (E): 'where p and c are integers, y is binary, and M is ...'
    declares each group with its own type (the original gave every name the first type)."""
    if REL_RE.search(re.sub(r">=\s*0(?:\.0*)?(?![\d.])", "", line)):
        return False
    found = MULTI_DECL.findall(line)
    kinds = {type_of(t) for _, t in found}
    if len(kinds) < 2:
        return False
    for names, t in found:
        for n in re.split(r"\s*(?:,|\band\b)\s*", names):
            if n and n.lower() not in DECL_STOP and n != "M":
                model.decl[n] = type_of(t)
                model.mentioned.add(n)
    return True


def try_definition(line, model):
    # HELD-OUT EXTENSION (F): a piece may also be a domain declaration 'y ∈ {0,1} ...'
    pieces = re.split(r"(?:,\s*(?:and\s+)?|\s+and\s+)(?=%s\s*(?:=|:|∈)\s*[A-Za-z0-9{])" % IDENT, line)
    if len(pieces) > 1:
        trial = Model()
        if all(try_single_definition(pc, trial) or try_declaration(pc, trial, None) for pc in pieces):
            for pc in pieces:
                try_single_definition(pc, model) or try_declaration(pc, model, None)
            return True
    return try_single_definition(line, model)


def try_single_definition(line, model):
    m = DEF_RE.match(line)
    if not m:
        return False
    rhs = m.group(2)
    outside = re.sub(r"\([^)]*\)", "", rhs)
    if REL_RE.search(outside) or not is_prose(rhs):
        return False
    names = [n for n in re.split(r"\s*(?:,|\band\b)\s*", m.group(1).strip()) if n]
    if names and names[0].lower() == "let":
        names = names[1:]
    t = type_of(rhs)
    for n in names:
        if n == "M":
            model.notes.append("M described as a large constant")
            continue
        if t in ("integer", "binary", "continuous", "free"):
            model.decl[n] = t
    return True


TRAILING_PROSE_PAREN = re.compile(r"\s\(([A-Za-z0-9.][A-Za-z0-9 ,'/&=:;%.-]*)\)\s*$")
TRAILING_PROSE_WORDS = re.compile(r"^(.*?[\w)%])\s{2,}([A-Za-z][A-Za-z0-9 %,'/-]*)$")


def annotation_paren(content):
    """Text of a trailing '( ... )' that is a remark, not a factor: words only
    ('labor hours', 'vitamin A', 'budget', 'k = kayak trips'), never M."""
    c = content.strip()
    if re.search(r"\s-\s", c) or c == "M":
        return False
    if re.match(r"[0-9.]", c):   # HELD-OUT EXTENSION (G): '(4 per ream of graph paper, ...)'
        return is_prose(c)
    return bool(" " in c or re.fullmatch(IDENT, c) or type_of(c))


def strip_trailing_words(line):
    """'5f + 3a >= 200     tons transported' -> '5f + 3a >= 200'."""
    m = TRAILING_PROSE_WORDS.match(line)
    if m and not re.search(r"\s-\s", m.group(2)) and (
            is_prose(m.group(2)) or re.fullmatch(r"[A-Za-z]{2,}", m.group(2).strip())):
        return m.group(1)
    return line


def add_constraint(line, lineno, model):
    line = strip_trailing_words(line)
    # label "c1:", "Labor constraint:", "Demand (region 1):"
    m = re.match(r"^([^:<>=]*):\s*(.*)$", line)
    if m and REL_RE.search(m.group(2)):
        line = m.group(2)
    pm = TRAILING_PROSE_PAREN.search(line)
    if pm and annotation_paren(pm.group(1)) and REL_RE.search(line[:pm.start()]):
        # "(labor hours)", "(budget)", "(integer)": an annotation, not a factor
        t = type_of(pm.group(1))
        line = line[:pm.start()]
        if t:
            for n in re.findall(IDENT, line):
                if n != "M":
                    model.decl[n] = t
    # list bounds "x, y <= 10"
    lm = re.fullmatch(r"\s*(%s(?:\s*,\s*%s)+)\s*(<=|>=|=<|=>)\s*(-?[\d.]+)\s*" % (IDENT, IDENT), line)
    if lm:
        for n in re.split(r"\s*,\s*", lm.group(1)):
            model.list_bounds.append((n, RELOPS[lm.group(2)], Fraction(lm.group(3))))
            model.mentioned.add(n)
        return
    pieces = split_top_level_commas(line)
    if len(pieces) > 1 and all(REL_RE.search(pc) for pc in pieces):
        for pc in pieces:
            add_constraint(pc, lineno, model)
        return
    for lhs, op, rhs in parse_relation_chain(line):
        model.rows.append((lhs - rhs, op, line, lineno))


def split_top_level_commas(line):
    out, depth, cur = [], 0, ""
    for i, ch in enumerate(line):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        # a comma between digits ("1,000") is a thousands separator, not a list comma
        if ch == "," and depth == 0 and not (i > 0 and line[i - 1].isdigit() and line[i + 1:i + 2].isdigit()):
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [o.strip() for o in out if o.strip()]


def parse_model(text):
    text = normalise(text)
    lines = logical_lines(fenced_or_all(text.splitlines()))
    model = Model()
    pending_obj = False
    section = None

    def handle(line, lineno):
        nonlocal pending_obj, section
        m = OBJ_RE.match(line)
        if m:
            # HELD-OUT EXTENSION (I): "Minimize the total daily cost:" followed by the display
            # "Minimize C = x + 3y" is one objective (a header line, then the formula).
            if model.sense is not None and not (pending_obj and model.obj is None):
                raise Refused("more than one objective")
            model.sense = "max" if m.group(1).lower().startswith("max") else "min"
            rest = m.group(2).strip()
            if ":" in rest:
                rest = rest.rsplit(":", 1)[1].strip()
            nm = re.match(r"^[A-Za-z_][\w ]*?\s*=(?![=<>])\s*(.*)$", rest)
            if nm:
                rest = nm.group(1).strip()
            if not rest or (no_math(rest) and not re.fullmatch(IDENT, rest)) or \
                    (re.fullmatch(IDENT, rest) and rest.lower() in ("z", "profit", "cost", "revenue")):
                pending_obj = True
            else:
                model.obj = parse_objective(rest)
                pending_obj = False   # HELD-OUT EXTENSION (I)
            section = "objective"
            return
        if pending_obj:
            if REL_RE.search(line) and not re.match(r"^[A-Za-z_][\w ]*?\s*=(?![=<>])", line):
                raise Refused("objective header is not followed by an objective expression")
            if is_prose(line) and not re.search(r"[\d+*/=-]", line):
                return  # e.g. "total profit"
            rest = line
            if ":" in rest:
                rest = rest.rsplit(":", 1)[1].strip()
            nm = re.match(r"^[A-Za-z_][\w ]*?\s*=(?![=<>])\s*(.*)$", rest)
            if nm:
                rest = nm.group(1).strip()
            model.obj = parse_objective(rest)
            pending_obj = False
            return
        sm = SECTION_RE.match(line)
        if sm and not REL_RE.search(line.split(":", 1)[0] if ":" in line else sm.group(1)):
            head = sm.group(1).lower()
            rest = sm.group(2).strip()
            if head.startswith("integer") or head == "general":
                section = "integer"
            elif head.startswith("binar"):
                section = "binary"
            elif head.startswith("objective"):
                section = "objective"
                if rest and not OBJ_RE.match(rest):
                    raise Refused("objective without maximize/minimize: %s" % line)
            else:
                section = head
            if head.startswith(("integer", "general", "binar")) and rest:
                if try_declaration(head + " " + rest, model, section):
                    return
            if rest:
                handle(rest, lineno)
            return
        if re.match(r"^M\s*(?:=|:|\bis\b)", line):
            model.notes.append("M defined in the file (%s); treated as a sufficiently large constant" % line)
            return
        # HELD-OUT EXTENSION (C): 'y = 0 -> turnip rule applies, y = 1 -> ...' describes a binary;
        # 'p + c <= 50   → only 50 acres' and 'f >= 0, integer   : number of ...' end with a remark.
        bm = re.match(r"^(%s)\s*:\s*(%s)\s*=\s*1\s*(?:if|when)\b" % (IDENT, IDENT), line)
        if bm and bm.group(1) == bm.group(2):   # 'y : y = 1 if more than 60 ..., y = 0 otherwise'
            model.decl[bm.group(1)] = "binary"
            model.mentioned.add(bm.group(1))
            return
        if re.match(r"^%s\s*=\s*[01]\s*(?:->|→|⇒|=>)\s*[A-Za-z]" % IDENT, line):
            for n in re.findall(r"(%s)\s*=\s*[01]\s*(?:->|→|⇒|=>)" % IDENT, line):
                model.decl[n] = "binary"
                model.mentioned.add(n)
            return
        cm = re.match(r"^(.*?\S)\s+:\s+(.+)$", line)
        if cm and is_prose(cm.group(2)) and (REL_RE.search(cm.group(1)) or "∈" in cm.group(1)
                                              or type_of(cm.group(1))):
            line = cm.group(1)
        am = re.match(r"^(.*?\S)\s+(?:->|→|⇒|=>)\s+(.+)$", line)
        if am and is_prose(am.group(2)):
            line = am.group(1)
        if re.fullmatch(r"\(([^()]*)\)", line) and is_prose(line[1:-1]):
            return   # HELD-OUT EXTENSION (H): a remark on its own, '(land)'
        if try_multi_declaration(line, model):
            return
        if try_definition(line, model):
            return
        if try_declaration(line, model, section):
            return
        if REL_RE.search(line) or "∈" in line:
            if "∈" in line:
                raise Refused("unrecognised domain declaration: %s" % line)
            try:
                add_constraint(line, lineno, model)
            except Refused:
                # HELD-OUT EXTENSION (D): a sentence that mentions a relation ("We also need x >= 0 and
                # y >= 0, and since we can't ...", "When z = 0 the ... limit is enforced") is prose.
                if looks_like_sentence(line):
                    model.notes.append("skipped sentence with a relation: %s" % line)
                    return
                raise
            return
        if is_prose(line) or no_math(line):
            return  # prose / label line
        raise Refused("line is neither objective, constraint nor declaration: %s" % line)

    for lineno, line in lines:
        if re.search(r"[∑Σ∀]|\\sum|\\forall|\bfor\s+(?:all|each|every)\b", line):
            raise Refused("unexpanded sum or quantifier (line %d): %s" % (lineno, line))
        handle(line, lineno)
    if pending_obj:
        raise Refused("objective header is not followed by an objective expression")
    if model.sense is None or model.obj is None:
        raise Refused("no objective: the model has no Maximize/Minimize line")
    return model


def parse_objective(text):
    text = strip_trailing_words(text)
    pm = TRAILING_PROSE_PAREN.search(text)
    if pm and annotation_paren(pm.group(1)):
        text = text[:pm.start()]
    p = parse_expr(text)
    if any("M" in k for k in p.t):
        raise Refused("big-M symbol in the objective: the optimum would depend on M")
    return p


# --------------------------------------------------------------------------
# Build + solve
# --------------------------------------------------------------------------

INF = float("inf")


def build(model):
    names = set(model.obj.symbols()) | set(model.mentioned)
    for p, _, _, _ in model.rows:
        names |= p.symbols()
    names.discard("M")
    names = sorted(names)
    vtype = {}
    for n in names:
        if n in model.decl:
            vtype[n] = model.decl[n]
        elif n.startswith("bi_"):
            vtype[n] = "binary"
        elif model.global_type:
            vtype[n] = model.global_type
        else:
            vtype[n] = "integer"
    lb_rows = {n: [] for n in names}
    ub = {n: INF for n in names}
    plain, mrows = [], []
    for p, op, text, lineno in model.rows:
        has_m = any("M" in k for k in p.t)
        c = float(p.t.get((), 0))
        if not has_m:
            lin = {k[0]: v for k, v in p.t.items() if k != ()}
            if not lin:
                ok = (c <= 1e-9 if op == "<=" else c >= -1e-9 if op == ">=" else abs(c) <= 1e-9)
                if not ok:
                    raise Refused("constant row is always false: %s" % text)
                continue
            if len(lin) == 1:
                (n, a), = lin.items()
                val = -p.t.get((), Fraction(0)) / a
                ops = [op] if op != "=" else ["<=", ">="]
                for o in ops:
                    eff = o if a > 0 else {"<=": ">=", ">=": "<="}[o]
                    if eff == "<=":
                        ub[n] = min(ub[n], float(val))
                    else:
                        lb_rows[n].append(float(val))
                continue
            plain.append(({n: float(v) for n, v in lin.items()}, op, -c, text))
        else:
            L = {k[0]: float(v) for k, v in p.t.items() if "M" not in k and k != ()}
            G = {(k[0] if k[0] != "M" else k[1]): v for k, v in p.t.items() if "M" in k and len(k) == 2}
            g0 = p.t.get(("M",), Fraction(0))
            mrows.append((L, c, G, g0, op, text))
    for n, op, v in model.list_bounds:
        if op in ("<=",):
            ub[n] = min(ub[n], float(v))
        else:
            lb_rows[n].append(float(v))
    lb = {}
    for n in names:
        if vtype[n] == "free":
            lb[n] = max(lb_rows[n]) if lb_rows[n] else -INF
            vtype[n] = "continuous"
        else:
            lb[n] = max(lb_rows[n]) if lb_rows[n] else 0.0
        if vtype[n] == "binary":
            lb[n] = max(lb[n], 0.0)
            ub[n] = min(ub[n], 1.0)
    return names, vtype, lb, ub, plain, mrows


def propagate(names, vtype, lb, ub, plain):
    lo, hi = dict(lb), dict(ub)
    rows = []
    for coefs, op, rhs, _ in plain:
        rlo = rhs if op in (">=", "=") else -INF
        rhi = rhs if op in ("<=", "=") else INF
        rows.append((coefs, rlo, rhi))
    for _ in range(200):
        changed = False
        for coefs, rlo, rhi in rows:
            for i, a in coefs.items():
                mn = mx = 0.0
                for j, b in coefs.items():
                    if j == i:
                        continue
                    mn += b * (lo[j] if b > 0 else hi[j])
                    mx += b * (hi[j] if b > 0 else lo[j])
                new_lo, new_hi = lo[i], hi[i]
                if rhi < INF and not math.isnan(mn) and mn > -INF:
                    bnd = (rhi - mn) / a
                    if a > 0:
                        new_hi = min(new_hi, bnd)
                    else:
                        new_lo = max(new_lo, bnd)
                if rlo > -INF and not math.isnan(mx) and mx < INF:
                    bnd = (rlo - mx) / a
                    if a > 0:
                        new_lo = max(new_lo, bnd)
                    else:
                        new_hi = min(new_hi, bnd)
                if vtype[i] in ("integer", "binary"):
                    if new_hi < INF:
                        new_hi = math.floor(new_hi + 1e-9)
                    if new_lo > -INF:
                        new_lo = math.ceil(new_lo - 1e-9)
                if new_hi < hi[i] - 1e-9 * max(1, abs(hi[i]) if hi[i] < INF else 1):
                    hi[i] = new_hi
                    changed = True
                if new_lo > lo[i] + 1e-9 * max(1, abs(lo[i]) if lo[i] > -INF else 1):
                    lo[i] = new_lo
                    changed = True
        if not changed:
            break
    return lo, hi


def choose_big_m(mrows, vtype, lo, hi):
    """Returns list of (L, c, G dict float, g0 float, op, text, M) or raises Refused."""
    out = []
    for L, c, G, g0, op, text in mrows:
        if not G:
            # x <= M, x >= -M ...: M*g0 with constant g0
            if g0 == 0:
                raise Refused("internal: empty M term")
            relaxes = (op == "<=" and g0 < 0) or (op == ">=" and g0 > 0)
            if relaxes:
                continue  # row never binds
            raise Refused("row cannot hold for a large M: %s" % text)
        for y, g in G.items():
            if vtype[y] not in ("integer", "binary"):
                raise Refused("M multiplies continuous variable %s (the optimum would depend on the value of M): %s"
                              % (y, text))
            if g.denominator != 1:
                raise Refused("M term is not integer-valued (%s * %s): %s" % (g, y, text))
        if g0.denominator != 1:
            raise Refused("M term has a fractional constant: %s" % text)
        lmin = lmax = c
        for x, a in L.items():
            if (a > 0 and (hi[x] == INF or lo[x] == -INF)) or (a < 0 and (lo[x] == -INF or hi[x] == INF)):
                raise Refused("cannot derive finite bounds for %s to choose M safely: %s" % (x, text))
            lmin += a * (lo[x] if a > 0 else hi[x])
            lmax += a * (hi[x] if a > 0 else lo[x])
        M = max(lmax, -lmin, 0.0) + 1.0
        out.append((L, c, {y: float(g) for y, g in G.items()}, float(g0), op, text, M))
    return out


_HIGHS_STARTED = False


def new_highs():
    """highspy.Highs(), keeping the one-time HiGHS banner off stdout."""
    global _HIGHS_STARTED
    import highspy
    if _HIGHS_STARTED:
        return highspy.Highs()
    import os
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    _HIGHS_STARTED = True
    return h


def solve(names, vtype, lb, ub, obj, sense, plain, mrows_m, m_scale=1.0):
    import highspy
    import numpy as np
    h = new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("time_limit", 120.0)
    idx = {n: i for i, n in enumerate(names)}
    for n in names:
        cost = float(obj.t.get((n,), 0))
        h.addVar(lb[n], ub[n])
        h.changeColCost(idx[n], cost)
    ints = [idx[n] for n in names if vtype[n] in ("integer", "binary")]
    if ints:
        h.changeColsIntegrality(len(ints), np.array(ints, dtype=np.int32),
                                np.array([highspy.HighsVarType.kInteger] * len(ints)))

    def add(coefs, op, rhs):
        lo = rhs if op in (">=", "=") else -highspy.kHighsInf
        hi = rhs if op in ("<=", "=") else highspy.kHighsInf
        ii = np.array([idx[n] for n in coefs], dtype=np.int32)
        vv = np.array([coefs[n] for n in coefs], dtype=np.float64)
        h.addRow(lo, hi, len(ii), ii, vv)

    for coefs, op, rhs, _ in plain:
        add(coefs, op, rhs)
    for L, c, G, g0, op, text, M in mrows_m:
        M *= m_scale
        coefs = dict(L)
        for y, g in G.items():
            coefs[y] = coefs.get(y, 0.0) + M * g
        coefs = {k: v for k, v in coefs.items() if v != 0}
        add(coefs, op, -c - M * g0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize)
    h.run()
    st = h.getModelStatus()
    if st == highspy.HighsModelStatus.kOptimal:
        sol = list(h.getSolution().col_value)
        val = sum(float(obj.t.get((n,), 0)) * sol[idx[n]] for n in names) + float(obj.value())
        return "optimal", val, {n: sol[idx[n]] for n in names}
    return h.modelStatusToString(st), None, None


def exact_disjunctive(names, vtype, lb, ub, obj, sense, plain, mrows):
    """M-free check: enumerate the cases of the variables inside the M terms.

    Binary variables are fixed to 0 and 1.  A general integer variable y that
    only occurs in M terms of the form g*y is split into y = 0 and y >= 1.
    In each case every M term has a known value or sign, so each big-M row is
    either enforced exactly (term = 0), dropped (the term relaxes it) or makes
    the case infeasible.  Each case is solved as a MILP without M; the best
    case is the exact optimum.  Returns (value or None, explanation)."""
    rows = [r for r in mrows if r[2]]
    gvars = sorted({y for r in rows for y in r[2]})
    cases = {}
    for y in gvars:
        if vtype[y] == "binary" or (vtype[y] == "integer" and lb[y] >= 0 and ub[y] <= 1):
            cases[y] = [("fix", 0.0), ("fix", 1.0)]
        elif vtype[y] == "integer" and lb[y] >= 0 and all(
                set(r[2]) == {y} and r[3] == 0 for r in rows if y in r[2]):
            cases[y] = [("fix", 0.0), ("ge", 1.0)]
        else:
            return None, "not applicable (M term with a general integer expression)"
    if len(gvars) > 12:
        return None, "not applicable (too many cases)"
    best, best_sol, ncases, unbounded = None, None, 0, False
    import itertools
    for combo in itertools.product(*[cases[y] for y in gvars]):
        lb2, ub2 = dict(lb), dict(ub)
        fixed = {}
        for y, (kind, v) in zip(gvars, combo):
            if kind == "fix":
                if v < lb2[y] - 1e-9 or v > ub2[y] + 1e-9:
                    break
                lb2[y] = ub2[y] = v
                fixed[y] = v
            else:
                lb2[y] = max(lb2[y], v)
                if lb2[y] > ub2[y]:
                    break
        else:
            extra, feasible = [], True
            for L, c, G, g0, op, text in rows:
                free = [y for y in G if y not in fixed]
                if free:
                    sign = 1 if float(G[free[0]]) > 0 else -1     # |G| >= 1 with this sign
                else:
                    gv = float(g0) + sum(float(g) * fixed[y] for y, g in G.items())
                    sign = 0 if abs(gv) < 1e-9 else (1 if gv > 0 else -1)
                if sign == 0:
                    if L:
                        extra.append((L, op, -c, text))
                    elif not (c <= 1e-9 if op == "<=" else c >= -1e-9 if op == ">=" else abs(c) <= 1e-9):
                        feasible = False
                elif (op == "<=" and sign < 0) or (op == ">=" and sign > 0):
                    continue
                else:
                    feasible = False
            if not feasible:
                continue
            ncases += 1
            st, val, sol = solve(names, vtype, lb2, ub2, obj, sense, plain + extra, [])
            if st == "optimal" and (best is None or (val > best if sense == "max" else val < best)):
                best, best_sol = val, sol
            elif st not in ("optimal", "Infeasible"):
                unbounded = True
    how = "%d case(s) over %d variable(s) solved without M" % (ncases, len(gvars))
    if unbounded:
        return None, how + "; a case is unbounded or not solved"
    exact_disjunctive.last_solution = best_sol
    return best, how


def clean_number(v):
    r = round(v, 6)
    if abs(r - round(r)) < 1e-9:
        return int(round(r))
    return r


def run_model(path):
    text = path.read_text(encoding="utf-8")
    model = parse_model(text)
    names, vtype, lb, ub, plain, mrows = build(model)
    if not names:
        raise Refused("no variables")
    # a variable used in a single row and not in the objective is usually
    # misread prose ("<= 20000  budget"); report it so the corpus stays clean
    uses = {n: 0 for n in names}
    for p, _, _, _ in model.rows:
        for n in p.symbols():
            uses[n] += 1
    for n in names:
        if uses[n] == 1 and (n,) not in model.obj.t:
            model.notes.append("suspicious: variable %s occurs in one row only and not in the objective" % n)
    lo, hi = propagate(names, vtype, lb, ub, plain)
    try:
        mrows_m = choose_big_m(mrows, vtype, lo, hi)
    except Refused as e:
        if not str(e).startswith("cannot derive finite bounds"):
            raise
        # No safe M from the rows: the M-free case enumeration is exact, use it if it applies.
        ex, how = exact_disjunctive(names, vtype, lb, ub, model.obj, model.sense, plain, mrows)
        if ex is None:
            raise Refused("%s; M-free case enumeration: %s" % (e, how))
        return {"status": "optimal", "objective": ex, "solution": exact_disjunctive.last_solution,
                "vtype": vtype, "big_m_rows": len(mrows), "notes": model.notes,
                "exact_check": "used as the answer (no finite bound to choose M): " + how}
    status, val, sol = solve(names, vtype, lb, ub, model.obj, model.sense, plain, mrows_m)
    info = {"status": status, "objective": val, "solution": sol, "vtype": vtype,
            "big_m_rows": len(mrows), "notes": model.notes}
    if status == "optimal" and mrows:
        st2, val2, _ = solve(names, vtype, lb, ub, model.obj, model.sense, plain, mrows_m, m_scale=10.0)
        if st2 != "optimal" or abs(val2 - val) > 1e-6 * max(1.0, abs(val)):
            info["status"] = "M-sensitive"
            info["notes"].append("optimum changes when M is scaled by 10: %s vs %s" % (val, val2))
        ex, how = exact_disjunctive(names, vtype, lb, ub, model.obj, model.sense, plain, mrows)
        if ex is None and how.startswith("not applicable"):
            info["exact_check"] = how
        elif ex is not None and abs(ex - val) <= 1e-6 * max(1.0, abs(val)):
            info["exact_check"] = "agrees (%s)" % how
        else:
            info["status"] = "M-inconsistent"
            info["exact_check"] = "DISAGREES: exact %s vs big-M %s (%s)" % (ex, val, how)
            info["notes"].append(info["exact_check"])
    return info


def check_sources(manifest, data_dir):
    """Compare the published values copied into manifest.json with the source data."""
    problems = []
    answers = {}
    ans_path = data_dir / "answers.jsonl"
    if ans_path.exists():
        for line in ans_path.open():
            a = json.loads(line)
            answers[a["nl4opt_hash"]] = a
    for e in manifest.values():
        src, pub = e["source"], e.get("published")
        if src.startswith("ComplexOR/"):
            sample = data_dir / "ComplexOR" / src.split("/", 1)[1] / "sample.json"
            if sample.exists():
                out = json.loads(sample.read_text())[0]["output"][0]
                if out != pub:
                    problems.append("%s: manifest %s != sample.json %s" % (e["id"], pub, out))
        elif src.startswith("NL4Opt test "):
            h = src.split()[-1]
            if answers and (h not in answers or answers[h]["optimum"] != pub):
                problems.append("%s: manifest %s != answers.jsonl %s" % (
                    e["id"], pub, answers.get(h, {}).get("optimum")))
    return problems


def close(a, b):
    return abs(a - b) <= 1e-5 * max(1.0, abs(a), abs(b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=str(HERE))
    ap.add_argument("--verbose", action="store_true", help="print solutions")
    ap.add_argument("--data", default="/work/shared/data/nl4opt",
                    help="NL4Opt/ComplexOR data folder; when present, the published values in "
                         "manifest.json are checked against it")
    ap.add_argument("ids", nargs="*", help="only these model ids (no answers.jsonl written)")
    args = ap.parse_args()
    base = Path(args.dir)
    manifest = {e["id"]: e for e in json.loads((base / "manifest.json").read_text())}
    data_dir = Path(args.data)
    if data_dir.is_dir():
        src_problems = check_sources(manifest, data_dir)
        print("published values checked against %s: %s" % (
            data_dir, "all equal" if not src_problems else "%d differ" % len(src_problems)))
    else:
        src_problems = []
        print("source data folder %s not found; published values not re-checked" % data_dir)
    files = sorted((base / "models").glob("*.txt"))
    if args.ids:
        files = [f for f in files if f.stem in args.ids]
    out, problems = [], list(src_problems)
    for f in files:
        mid = f.stem
        meta = manifest.get(mid)
        if meta is None:
            problems.append("%s: not in manifest.json" % mid)
            meta = {"source": "?", "expect": "optimal"}
        rec = {"id": mid, "file": "models/%s" % f.name}
        try:
            info = run_model(f)
        except Refused as e:
            rec["status"] = "refused"
            rec["source"] = meta["source"]
            rec["reason"] = str(e)
            want = meta.get("expect_reason", "")
            if meta.get("expect") == "refused" and want.lower() in str(e).lower():
                rec["check"] = "refused as intended"
            else:
                rec["check"] = "UNEXPECTED REFUSAL"
                problems.append("%s: refused: %s" % (mid, e))
            out.append(rec)
            print("%-28s refused   %s" % (mid, e))
            continue
        for note in info["notes"]:
            if note.startswith("suspicious"):
                problems.append("%s: %s" % (mid, note))
        rec["status"] = info["status"]
        if info["status"] == "optimal":
            rec["objective"] = clean_number(info["objective"])
        rec["source"] = meta["source"]
        pub = meta.get("published")
        if meta.get("expect") == "refused":
            rec["check"] = "NOT REFUSED (expected refusal: %s)" % meta.get("expect_reason")
            problems.append("%s: expected refusal" % mid)
        elif info["status"] != "optimal":
            rec["check"] = "NOT OPTIMAL"
            problems.append("%s: status %s %s" % (mid, info["status"], info["notes"]))
        elif pub is None or meta.get("modified"):
            rec["check"] = "reference solver only"
        else:
            what = meta.get("published_label", "published value")
            if close(info["objective"], pub):
                rec["check"] = "matches %s %s" % (what, pub)
            else:
                rec["check"] = "MISMATCH with %s %s (reference %s)" % (what, pub, rec["objective"])
                if meta.get("mismatch_note"):
                    rec["check"] += ": " + meta["mismatch_note"]
                else:
                    problems.append("%s: %s" % (mid, rec["check"]))
        rec["big_m_rows"] = info["big_m_rows"]
        if "exact_check" in info:
            rec["exact_check"] = info["exact_check"]
        out.append(rec)
        print("%-28s %-9s %-14s %s" % (mid, info["status"], rec.get("objective", ""), rec["check"]))
        if args.verbose and info["solution"]:
            nz = {k: clean_number(v) for k, v in info["solution"].items() if abs(v) > 1e-9}
            print("    ", nz, "types:", {k: v[0] for k, v in info["vtype"].items()}, info["notes"])
    if not args.ids:
        with open(base / "answers.jsonl", "w") as fh:
            for rec in out:
                fh.write(json.dumps(rec) + "\n")
        missing = set(manifest) - {f.stem for f in files}
        for m in sorted(missing):
            problems.append("%s: in manifest.json but no model file" % m)
    print("\n%d models: %d optimal, %d refused" % (
        len(out), sum(r["status"] == "optimal" for r in out), sum(r["status"] == "refused" for r in out)))
    if problems:
        print("PROBLEMS:")
        for p in problems:
            print("  " + p)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
