"""Stage 2 of composition: choosing the breaks and placing the glyphs of each line.

Breaking is greedy first-fit (what a newspaper compositor does), one ``bisect`` per line
on the prefix sums of ``segment.Prepared``:

1. the longest prefix that fits, counting the R11 line-end trim of its last mark and the
   R12 line-start trim of its first (R17);
2. if a line may end there, end it and stretch it (R21);
3. else push in (R16): extend the line to the next legal break and shrink it in the R20
   order if the shrinkable space covers the overflow;
4. else push out: end the line at the last legal break before the overflow and stretch;
5. if the line has no legal break at all, relax 避头尾 at the last unit boundary, and if a
   single unit is wider than the measure, break inside it (R6) — both with a warning.

Then R29: a paragraph whose last line would hold a single Han character pulls units down
from the line before, else takes the orphan up by shrinking that line, else is flagged.

Placement turns a line into x positions with one list comprehension over the precomputed
natural positions: ``x = gx[c] + k0 + e * gaps_before(c) + glue stretch``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from .charclass import BLANK_RIGHT_CLASSES
from .punct import (SHRINK_HAN_LATIN, SHRINK_LINE_END, SHRINK_WORD_SPACE)
from .segment import Prepared

EPS = 1e-6  # points

# Line kinds
NORMAL = 0  # justified unless it is the last line
PUSHED_IN = 1  # shrunk to the measure (R16 push-in)
FORCED = 2  # ends at a forced break: set like a last line
FALLBACK = 3  # 避头尾 relaxed or a unit broken (R6); justified when possible
HANG = 4  # one 、，。 hangs past the measure (R15, off by default)


class LineSpec:
    __slots__ = ("s", "te", "nxt", "kind", "warn", "measure", "indent")

    def __init__(self, s: int, te: int, nxt: int, kind: int, warn: str | None, measure: float,
                 indent: float) -> None:
        self.s, self.te, self.nxt, self.kind, self.warn = s, te, nxt, kind, warn
        self.measure, self.indent = measure, indent


def _skip_spaces(k: str, c: int, n: int) -> int:
    while c < n and k[c] == "S":
        c += 1
    return c


def _rstrip(k: str, s: int, t: int) -> int:
    while t > s and k[t - 1] in "SN":
        t -= 1
    return t


def natural_width(P: Prepared, s: int, te: int, indent: float) -> float:
    if te <= s:
        return indent
    return (P.cum[te] - P.cum[s] - P.g.get(s, 0.0) - P.strim.get(s, 0.0)
            - P.etrim.get(te - 1, 0.0) + indent)


def shrink_plan(P: Prepared, s: int, te: int) -> list[tuple[int, int, float, str]]:
    """(level, char, amount, kind) of everything on line [s, te) that may shrink (R20).
    ``kind``: 'g' glue before the char, 'O' an opening mark, 'M' centred, 'L' left ink."""
    items: list[tuple[int, int, float, str]] = []
    last = te - 1
    k = P.k
    strim, etrim = P.strim, P.etrim
    if P.profile.shrink and k[last] in BLANK_RIGHT_CLASSES and last not in etrim:
        ps = P.pshrink.get(last)
        if ps is not None:
            items.append((SHRINK_LINE_END, last, ps[1], "L"))
    for c, (lvl, amt, cls) in P.pshrink.items():
        if s <= c < te and c != last and not (c == s and c in strim):
            items.append((lvl, c, amt, "O" if cls == "O" else ("M" if cls == "M" else "L")))
    for c, amt in P.ws_shrink.items():
        if s < c < te and amt > 0:
            items.append((SHRINK_WORD_SPACE, c, amt, "g"))
    for c, amt in P.hl_shrink.items():
        if s < c < te and amt > 0:
            items.append((SHRINK_HAN_LATIN, c, amt, "g"))
    return items


def shrink_capacity(P: Prepared, s: int, te: int) -> float:
    return sum(it[2] for it in shrink_plan(P, s, te))


def break_lines(P: Prepared, measure: Callable[[int], float], indent: float, *,
                hanging: bool = False) -> list[LineSpec]:
    n, k, cum, brk = P.n, P.k, P.cum, P.brk
    g, strim, etrim = P.g, P.strim, P.etrim
    forced = P.forced
    nf = len(forced)
    fi = 0
    lines: list[LineSpec] = []
    s = _skip_spaces(k, 0, n)
    i = 0
    while s < n:
        M = measure(i)
        ind = indent if i == 0 else 0.0
        while fi < nf and forced[fi][0] < s:
            fi += 1
        base = cum[s] + g.get(s, 0.0) + strim.get(s, 0.0)
        lim = M - ind + base + EPS
        t0 = bisect_right(cum, lim, s + 1) - 1
        if t0 < n and cum[t0 + 1] - etrim.get(t0, 0.0) <= lim:
            t0 += 1
        if fi < nf and forced[fi][0] <= t0:
            fs, fe = forced[fi]
            te = _rstrip(k, s, fs)
            if te > s:
                lines.append(LineSpec(s, te, fe, FORCED, None, M, ind))
                i += 1
            s = _skip_spaces(k, fe, n)
            continue
        if t0 >= n:
            lines.append(LineSpec(s, _rstrip(k, s, n), n, NORMAL, None, M, ind))
            break
        if t0 <= s:  # not even the first character fits
            t = s + 1
            u = P.ub.find(1, s + 1)
            lines.append(LineSpec(s, t, _skip_spaces(k, t, n), FALLBACK,
                                  "overfull: a character is wider than the measure" if u == t
                                  else "overfull: a unit wider than the measure is broken (R6)", M, ind))
            s = _skip_spaces(k, t, n)
            i += 1
            continue
        if brk[t0]:  # the usual case: inlined edge trimming when there is no space
            te = t0 if k[t0 - 1] not in "SN" else _rstrip(k, s, t0)
            nxt = t0 if k[t0] != "S" else _skip_spaces(k, t0, n)
            lines.append(LineSpec(s, te, nxt, NORMAL, None, M, ind))
            s = nxt
            i += 1
            continue
        # The first unit that does not fit may not start a line (or the last may not end it).
        if hanging and k[t0] in "PF" and P.text[t0] in "、，。" and brk[t0 + 1] and t0 > s:
            te = t0 + 1
            lines.append(LineSpec(s, te, _skip_spaces(k, te, n), HANG, None, M, ind))
            s = _skip_spaces(k, te, n)
            i += 1
            continue
        t2 = brk.find(1, t0 + 1)
        if fi < nf and forced[fi][0] < t2:
            t2 = -1  # never push in across a forced break
        if t2 > 0:
            te2 = _rstrip(k, s, t2)
            over = natural_width(P, s, te2, ind) - M
            if over <= shrink_capacity(P, s, te2) + EPS:
                lines.append(LineSpec(s, te2, _skip_spaces(k, t2, n), PUSHED_IN, None, M, ind))
                s = _skip_spaces(k, t2, n)
                i += 1
                continue
        t1 = brk.rfind(1, s + 1, t0 + 1)
        if t1 > 0 and _rstrip(k, s, t1) > s:
            te = _rstrip(k, s, t1)
            lines.append(LineSpec(s, te, _skip_spaces(k, t1, n), NORMAL, None, M, ind))
            s = _skip_spaces(k, t1, n)
            i += 1
            continue
        u = P.ub.rfind(1, s + 1, t0 + 1)
        if u > 0 and _rstrip(k, s, u) > s:
            warn = "避头尾 relaxed: no legal break fits the measure"
            t = u
        else:
            warn = "overfull: a unit wider than the measure is broken (R6)"
            t = t0
        lines.append(LineSpec(s, _rstrip(k, s, t), _skip_spaces(k, t, n), FALLBACK, warn, M, ind))
        s = _skip_spaces(k, t, n)
        i += 1
    return lines


# --------------------------------------------------------------------------- 孤字 (R29)


def _is_orphan(P: Prepared, line: LineSpec) -> bool:
    k = P.k
    s, te = line.s, line.te
    if k.count("H", s, te) != 1:
        return False
    for c in range(s, te):
        if k[c] not in "HPFQCOMTVDES":
            return False
    return True


def fix_orphan(P: Prepared, lines: list[LineSpec], measure: Callable[[int], float]) -> bool:
    """Repair a 孤字 last line in place (R29). Returns True when it is still an orphan."""
    if len(lines) < 2:
        return False
    last = lines[-1]
    prev = lines[-2]
    if last.kind != NORMAL or prev.kind not in (NORMAL, PUSHED_IN) or prev.nxt != last.s:
        return False
    if not _is_orphan(P, last):
        return False
    k, n, brk = P.k, P.n, P.brk
    end = last.te
    m_last = last.measure
    # 1. pull units down from the previous line
    c = prev.te
    while True:
        c = brk.rfind(1, prev.s + 1, c)
        if c <= prev.s:
            break
        te = _rstrip(k, prev.s, c)
        if te <= prev.s:
            break
        ns = _skip_spaces(k, c, n)
        cand = LineSpec(ns, end, n, NORMAL, None, m_last, 0.0)
        if natural_width(P, ns, end, 0.0) > m_last + EPS:
            break  # pulling more down only makes it wider
        if not _is_orphan(P, cand) and P.cgp[te - 1] > P.cgp[prev.s]:
            # (the shortened line must keep a gap to stretch)
            lines[-2] = LineSpec(prev.s, te, ns, NORMAL, None, prev.measure, prev.indent)
            lines[-1] = cand
            return False
    # 2. take the orphan up by shrinking the previous line
    over = natural_width(P, prev.s, end, prev.indent) - prev.measure
    if over <= shrink_capacity(P, prev.s, end) + EPS:
        kind = NORMAL if over <= EPS else PUSHED_IN
        lines[-2:] = [LineSpec(prev.s, end, n, kind, None, prev.measure, prev.indent)]
        return False
    return True


# --------------------------------------------------------------------------- placement


def place_line(P: Prepared, ln: LineSpec, justify: bool, align: str) -> tuple[list[float], float, float, bool]:
    """x positions of the characters of ``ln`` (from the line start), natural width, set
    width, loose flag."""
    s, te = ln.s, ln.te
    ind = ln.indent
    M = ln.measure
    cum, gx, cgp = P.cum, P.gx, P.cgp
    lead = P.g.get(s, 0.0) + P.strim.get(s, 0.0)  # (natural_width, inlined: once per line)
    W = cum[te] - cum[s] - lead - P.etrim.get(te - 1, 0.0) + ind if te > s else ind
    if ln.kind == PUSHED_IN:
        return _place_shrunk(P, ln, W)
    if ln.kind == HANG:
        return _place_hanging(P, ln, W)
    k0 = ind - lead - cum[s]
    loose = False
    width = W
    if justify and te - s > 0:
        E = M - W
        if E > EPS:
            f1 = f2 = 0.0
            cws, chl = P.cws, P.chl
            if cws is not None:
                WS = cws[te - 1] - cws[s]
                if WS > EPS:
                    f1 = min(1.0, E / WS)
                    E -= f1 * WS
            if chl is not None and E > EPS:
                HL = chl[te - 1] - chl[s]
                if HL > EPS:
                    f2 = min(1.0, E / HL)
                    E -= f2 * HL
            ngaps = cgp[te - 1] - cgp[s]
            e = E / ngaps if ngaps and E > 0 else 0.0
            loose = e > 0.25 * (P.size if P.sizes is None else P.sizes[s]) + EPS or (ngaps == 0 and E > EPS)
            width = M if (ngaps or E <= EPS) else M - E
            if f1 or f2:  # stretched word spaces / Han-Latin spacing, then the gaps
                k1 = k0 - e * cgp[s]
                if f1 and f2:
                    k1 -= f1 * cws[s] + f2 * chl[s]
                    xs = [x + e * q + f1 * a + f2 * b + k1
                          for x, q, a, b in zip(gx[s:te], cgp[s:te], cws[s:te], chl[s:te])]
                else:
                    f, cst = (f1, cws) if f1 else (f2, chl)
                    k1 -= f * cst[s]
                    xs = [x + e * q + f * a + k1 for x, q, a in zip(gx[s:te], cgp[s:te], cst[s:te])]
                return xs, W, width, loose
            if e:
                k1 = k0 - e * cgp[s]
                return [x + e * q + k1 for x, q in zip(gx[s:te], cgp[s:te])], W, width, loose
    if not justify:
        if align == "right":
            k0 += M - W
        elif align == "center":
            k0 += (M - W) * 0.5
    return [x + k0 for x in gx[s:te]], W, width, loose


def _place_shrunk(P: Prepared, ln: LineSpec, W: float) -> tuple[list[float], float, float, bool]:
    s, te, M = ln.s, ln.te, ln.measure
    over = W - M
    plan = shrink_plan(P, s, te)
    take: dict[tuple[int, str], float] = {}
    if over > 0:
        by_level: dict[int, list[tuple[int, float, str]]] = {}
        for lvl, c, amt, kind in plan:
            by_level.setdefault(lvl, []).append((c, amt, kind))
        rest = over
        for lvl in sorted(by_level):
            items = by_level[lvl]
            cap = sum(a for _, a, _ in items)
            if cap <= 0:
                continue
            f = min(1.0, rest / cap)
            for c, amt, kind in items:
                take[(c, kind)] = take.get((c, kind), 0.0) + amt * f
            rest -= cap * f
            if rest <= EPS:
                break
    w, g, goff = P.w, P.g, P.goff
    x = ln.indent - P.strim.get(s, 0.0)
    xs = []
    for c in range(s, te):
        if c > s:
            gc = g.get(c)
            if gc is not None:
                x += gc - take.get((c, "g"), 0.0)
        off = goff.get(c, 0.0)
        bw = w[c]
        for kind in ("O", "M", "L"):
            d = take.get((c, kind))
            if d:
                bw -= d
                if kind == "O":
                    off -= d
                elif kind == "M":
                    off -= d * 0.5
        xs.append(x + off)
        x += bw
    return xs, W, min(W, M) if over > 0 else W, False


def _place_hanging(P: Prepared, ln: LineSpec, W: float) -> tuple[list[float], float, float, bool]:
    inner = LineSpec(ln.s, ln.te - 1, ln.te, NORMAL, None, ln.measure, ln.indent)
    xs, W0, width, loose = place_line(P, inner, True, "justify")
    c = ln.te - 1
    xs.append(width + P.goff.get(c, 0.0))
    return xs, W, width, loose
