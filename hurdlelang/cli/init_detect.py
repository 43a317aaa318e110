"""`hurdlec init`: which column is which, told from the contents first and the names second.

Names alone found the label in 1 of 5 real files (`purchased`, `defaulted`, `ridership`, `queue`
were missed), so each role is found by what the values do:

- binary label: a 0/1 column that a [0, 1] score column ranks well (the highest AUC among the 0/1
  columns); another 0/1 column is the candidate's own decision when it is a threshold of the score,
  else today's rule (the baseline);
- regression label: the numeric column the others track (the highest total correlation): the
  candidate's forecast and a naive forecast both follow the label more closely than each other;
- multiclass label: a column of few values that the per-class probability columns (`p_<class>`)
  or another class column share; of several, the one the most probable class agrees with best,
  short of always (that is the candidate's own predicted-class column, skipped): a model is
  fit to the truth, not to today's process, whatever the names say (`lexicon_label` was today's
  answer, `sentiment` the truth);
- id: every value distinct and not a measurement (text, or whole numbers);
- slices: text columns with 2-20 values that are not a function of the candidate's score (a risk
  band cut from the score is the model's own output, not a segment of the business).

Names break ties and are always overridable (`--label/--score/--baseline/--slice/--id`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.data.read import Table

LABEL_WORDS = re.compile(
    r"(^y$|label|target|actual|truth|outcome|^is_|bought|purchas|churn|default|convert|click|fraud|sold|"
    r"team|queue|class|ridership|riders|demand|sales$)",
    re.I,
)
SCORE_WORDS = re.compile(r"(^p_|^p$|prob|score|proba|pred|forecast|estimate|model)", re.I)
BASELINE_WORDS = re.compile(
    r"(rule|baseline|as_is|asis|current|heuristic|legacy|naive|last_|manual|(^|_)old(_|$)|prev|(^|_)lag|today|policy)",
    re.I,
)
DECISION_WORDS = re.compile(r"(pred|decision|flag|model)", re.I)
ID_WORDS = re.compile(r"(^id$|_id$|^id_|uuid|key$|_no$|number$)", re.I)
GROUP_WORDS = re.compile(r"(session|query|group|basket|search)", re.I)


@dataclass
class Overrides:
    label: str | None = None
    score: list[str] = field(default_factory=list)
    baseline: str | None = None
    slices: list[str] = field(default_factory=list)
    id: str | None = None


@dataclass
class Guess:
    task: str
    label: str
    score: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    predict: str | None = None  # a column that holds the candidate's decisions or values
    threshold: float | None = None  # binary: predict SCORE >= threshold
    threshold_why: str = ""
    baseline: str | None = None
    baseline_is_score: bool = False
    slices: list[str] = field(default_factory=list)
    id: str | None = None
    group: str | None = None
    notes: list[str] = field(default_factory=list)


# ---- what each column holds ----


def _values(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def numeric(s: pd.Series) -> bool:
    return bool(len(s)) and bool(_values(s).notna().all())


def is01(s: pd.Series) -> bool:
    v = _values(s)
    return bool(v.notna().all() and v.isin([0, 1]).all() and v.nunique() == 2)


def is_probability(s: pd.Series) -> bool:
    v = _values(s)
    return bool(v.notna().all() and v.between(0, 1).all() and not v.isin([0, 1]).all())


def _whole(s: pd.Series) -> bool:
    v = _values(s)
    return bool(v.notna().all() and (v == v.round()).all())


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """The chance a random positive scores above a random negative (ties count half)."""
    ranks = pd.Series(score).rank().to_numpy()
    pos = y == 1
    n1, n0 = int(pos.sum()), int((~pos).sum())
    if n1 == 0 or n0 == 0:
        return 0.5
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _is_threshold_of(decision: np.ndarray, score: np.ndarray) -> float | None:
    """The t with decision == (score >= t), when the decisions are exactly a threshold of the score."""
    flagged, rest = score[decision == 1], score[decision == 0]
    if len(flagged) == 0 or len(rest) == 0:
        return None
    low, high = float(flagged.min()), float(rest.max())
    if low <= high:
        return None
    for digits in range(1, 7):  # the roundest threshold that splits them: 0.3, not 0.3022
        t = math.floor(low * 10**digits) / 10**digits
        if t > high:
            return t
    return low


def _cut_from(s: pd.Series, score: np.ndarray) -> bool:
    """A categorical column that is a function of intervals of the score (a band cut from it)."""
    order = np.argsort(score, kind="stable")
    values = s.astype(str).to_numpy()[order]
    changes = int((values[1:] != values[:-1]).sum())
    return changes <= s.nunique() - 1


def _unique_id(s: pd.Series) -> bool:
    if not s.is_unique or len(s) < 20:
        return False
    return not numeric(s) or _whole(s)


# ---- overrides ----


def _need(table: Table, column: str, option: str) -> str:
    if column not in table.frame.columns:
        cols = [str(c) for c in table.frame.columns]
        hint = did_you_mean(column, cols) or f"columns: {', '.join(cols)}"
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MISSING_COLUMN, f"{option} {column!r}: the data has no such column", table.path, hint=hint
                )
            ]
        )
    return column


def _fail(table: Table, message: str, hint: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(codes.MISSING_COLUMN, message, table.path, hint=hint)])


# ---- the label ----


def _label(table: Table, cols: list[str], group: str | None) -> str:
    frame = table.frame
    named = [c for c in cols if LABEL_WORDS.search(c) and not SCORE_WORDS.search(c) and not BASELINE_WORDS.search(c)]
    probabilities = [c for c in cols if is_probability(frame[c])]
    binaries = [c for c in cols if is01(frame[c])]
    if group is None and binaries and probabilities:
        # the 0/1 column the scores rank best (a rule's flags are ranked well too, so names first)
        def fit(c: str) -> float:
            y = _values(frame[c]).to_numpy()
            return max(abs(_auc(y, _values(frame[p]).to_numpy()) - 0.5) for p in probabilities)

        best = max(binaries, key=lambda c: (c in named, not BASELINE_WORDS.search(c), fit(c)))
        return best
    categorical = [c for c in cols if not numeric(frame[c]) and 2 <= frame[c].nunique() <= 50]
    found = []
    for c in sorted(
        categorical, key=lambda c: (c not in named, bool(SCORE_WORDS.search(c) or BASELINE_WORDS.search(c)))
    ):
        classes = {str(v).lower() for v in frame[c].dropna().unique()}
        per_class = [p for p in cols if any(p.lower().endswith(k) for k in classes) and numeric(frame[p])]
        shares = [o for o in categorical if o != c and {str(v).lower() for v in frame[o].unique()} <= classes]
        if len(per_class) >= 2 or shares:
            found.append((c, _agreement(frame, c, cols)))
    if found:
        # with per-class probabilities, the label is the class column their most probable class
        # agrees with best, short of agreeing always (that is the model's own predicted class): a
        # name such as `lexicon_label` may be another party's answer; names order the rest
        scored = [(c, a) for c, a in found if a is not None and a <= 0.99]
        return max(scored, key=lambda ca: ca[1])[0] if scored else found[0][0]
    if group is not None:
        return next((c for c in named if numeric(frame[c])), None) or _fail_label(table)
    measures = [c for c in cols if numeric(frame[c]) and not is_probability(frame[c]) and not _unique_id(frame[c])]
    if len(measures) >= 2:
        corr = frame[measures].apply(pd.to_numeric).corr().abs().fillna(0).to_numpy()
        total = corr.sum(axis=0) - 1
        ranked = sorted(
            range(len(measures)),
            key=lambda i: (measures[i] in named, not SCORE_WORDS.search(measures[i]), total[i]),
            reverse=True,
        )
        return measures[ranked[0]]
    if named:
        return named[0]
    return _fail_label(table)


def _agreement(frame: pd.DataFrame, column: str, cols: list[str]) -> float | None:
    """How often the most probable class of the per-class probability columns (`p_<class>`) is the
    column's value; None without a probability column for two of its classes."""
    values = frame[column].astype(str)
    classes = sorted(values.dropna().unique())
    by_class = {}
    for k in classes:
        match = next((p for p in cols if p.lower().endswith(k.lower()) and is_probability(frame[p])), None)
        if match is not None:
            by_class[k] = match
    if len(by_class) < 2:
        return None
    probs = frame[list(by_class.values())].apply(pd.to_numeric).to_numpy()
    top = np.array(list(by_class))[probs.argmax(axis=1)]
    return float((top == values.to_numpy()).mean())


def _fail_label(table: Table):
    raise _fail(
        table,
        "no column looks like the label",
        "say which column holds the ground truth: hurdlec init --label COLUMN",
    )


# ---- every role ----


def guess(table: Table, over: Overrides | None = None) -> Guess:
    over = over or Overrides()
    frame = table.frame
    cols = [str(c) for c in frame.columns]
    for option, column in (("--label", over.label), ("--baseline", over.baseline), ("--id", over.id)):
        if column is not None:
            _need(table, column, option)
    for column in over.score:
        _need(table, column, "--score")
    for column in over.slices:
        _need(table, column, "--slice")
    n = len(frame)
    ident = over.id or next(
        (c for c in sorted(cols, key=lambda c: not ID_WORDS.search(c)) if _unique_id(frame[c])), None
    )
    rest = [c for c in cols if c != ident]
    group = next(
        (c for c in rest if GROUP_WORDS.search(c) and not frame[c].is_unique and 1 < frame[c].nunique() < n), None
    )
    rest = [c for c in rest if c != group]
    label = over.label or _label(table, [c for c in rest if c not in over.score and c != over.baseline], group)
    rest = [c for c in rest if c != label]
    y = frame[label]
    if group is not None and numeric(y):
        g = _ranking(frame, label, rest, over)
        g.group = group
    elif is01(y):
        g = _binary(table, label, rest, over)
    elif not numeric(y) or (y.nunique() <= 20 and _whole(y)):
        g = _multiclass(table, label, rest, over)
    else:
        g = _regression(table, label, rest, over)
    g.id = ident
    used = {label, ident, group, g.predict, g.baseline, *g.score}
    if over.slices:
        g.slices = list(over.slices)
    else:
        score = _values(frame[g.score[0]]).to_numpy() if g.task == "binary" and g.score else None
        classes = {str(v) for v in y.unique()}
        g.slices = [
            c
            for c in rest
            if c not in used
            and not numeric(frame[c])
            and 2 <= frame[c].nunique() <= 20
            and not ({str(v) for v in frame[c].unique()} <= classes and g.task == "multiclass")
            and not (score is not None and _cut_from(frame[c], score))
        ]
    return g


def _pick_score(frame: pd.DataFrame, cols: list[str], label_values: np.ndarray) -> list[str]:
    probabilities = [c for c in cols if is_probability(frame[c])]
    if not probabilities:
        return []
    candidates = [c for c in probabilities if not BASELINE_WORDS.search(c)] or probabilities

    def fit(c: str) -> tuple[bool, float]:
        return bool(SCORE_WORDS.search(c)), _auc(label_values, _values(frame[c]).to_numpy())

    return [max(candidates, key=fit)]


def _binary(table: Table, label: str, rest: list[str], over: Overrides) -> Guess:
    frame = table.frame
    y = _values(frame[label]).to_numpy()
    g = Guess("binary", label)
    g.score = list(over.score[:1]) or _pick_score(frame, [c for c in rest if c != over.baseline], y)
    if not g.score:
        raise _fail(
            table,
            "no column looks like the candidate's score (probabilities between 0 and 1) for a binary task",
            "say which column holds the model's probability: hurdlec init --score COLUMN",
        )
    score = _values(frame[g.score[0]]).to_numpy()
    decisions = [c for c in rest if c not in g.score and is01(frame[c])]
    own = None
    for c in decisions:
        t = _is_threshold_of(_values(frame[c]).to_numpy(), score)
        if t is not None and c != over.baseline:
            own, g.threshold = c, t
            g.threshold_why = f"the threshold the decisions in {c} were made at"
            break
    g.baseline = over.baseline or next(
        (c for c in sorted(decisions, key=lambda c: not BASELINE_WORDS.search(c)) if c != own), None
    )
    if own is not None:
        g.notes.append(f"{own} holds the candidate's own decisions (a threshold of {g.score[0]}): not a baseline")
    if g.threshold is None:
        volume = int(_values(frame[g.baseline]).sum()) if g.baseline else int(round(y.mean() * len(y)))
        g.threshold = _threshold_for_volume(score, max(volume, 1))
        flagged = int((score >= g.threshold).sum())
        whose = f"as many as {g.baseline} flags ({volume:,})" if g.baseline else f"the positive rate ({y.mean():.1%})"
        g.threshold_why = f"flags {flagged:,} of {len(y):,} rows, {whose}: set it to the threshold you deploy"
    return g


def _threshold_for_volume(score: np.ndarray, k: int) -> float:
    """A round threshold that flags about k rows (the k-th highest score, rounded down to 3 digits)."""
    k = min(k, len(score))
    kth = float(np.sort(score)[::-1][k - 1])
    for digits in (2, 3, 4, 5):
        t = np.floor(kth * 10**digits) / 10**digits
        if abs(int((score >= t).sum()) - k) <= max(1, k // 20):
            return float(t)
    return float(np.floor(kth * 1e6) / 1e6)


def _multiclass(table: Table, label: str, rest: list[str], over: Overrides) -> Guess:
    frame = table.frame
    g = Guess("multiclass", label)
    g.classes = sorted(str(v) for v in frame[label].dropna().unique())
    if over.score:
        g.score = list(over.score)
    else:
        for cls in g.classes:
            match = next((c for c in rest if c.lower().endswith(cls.lower()) and numeric(frame[c])), None)
            if match:
                g.score.append(match)
    if len(g.score) != len(g.classes):
        g.score = []
    classes = set(g.classes)
    sharing = [c for c in rest if c not in g.score and set(frame[c].astype(str)) <= classes]
    if not g.score:
        named = sorted(sharing, key=lambda c: not DECISION_WORDS.search(c) or bool(BASELINE_WORDS.search(c)))
        g.predict = next((c for c in named if c != over.baseline), None)
        g.notes.append("no probability column per class found: decisions come from the predict column")
        if g.predict is None:
            raise _fail(
                table,
                "no column looks like the candidate's predictions for a multiclass task",
                "say which columns hold the model's class probabilities: hurdlec init --score p_a,p_b,...",
            )
    else:
        # the candidate's own predicted class agrees with the most probable class: it is not a baseline
        probs = frame[g.score].apply(pd.to_numeric).to_numpy()
        top = np.array(g.classes)[probs.argmax(axis=1)]
        own = [c for c in sharing if (frame[c].astype(str).to_numpy() == top).mean() > 0.99]
        if own:
            g.notes.append(f"{own[0]} is the most probable class of the score columns: not a baseline")
        sharing = [c for c in sharing if c not in own]
    g.baseline = over.baseline or next(
        (c for c in sorted(sharing, key=lambda c: not BASELINE_WORDS.search(c)) if c != g.predict), None
    )
    return g


def _regression(table: Table, label: str, rest: list[str], over: Overrides) -> Guess:
    frame = table.frame
    g = Guess("regression", label)
    y = _values(frame[label])
    measures = [c for c in rest if numeric(frame[c]) and not _unique_id(frame[c])]
    fit = {c: abs(float(np.nan_to_num(y.corr(_values(frame[c]))))) for c in measures}
    tracking = [c for c in measures if fit[c] > 0.3]
    if over.score:
        g.predict = over.score[0]
    else:
        ranked = sorted(
            [c for c in tracking if c != over.baseline],
            key=lambda c: (bool(SCORE_WORDS.search(c)), not BASELINE_WORDS.search(c), fit[c]),
            reverse=True,
        )
        g.predict = ranked[0] if ranked else None
    if g.predict is None:
        raise _fail(
            table,
            "no column looks like the candidate's forecast for a regression task",
            "say which column holds the model's predictions: hurdlec init --score COLUMN",
        )
    # a naive forecast: another numeric column that tracks the label (last week's value, a lag)
    g.baseline = over.baseline or next(
        (
            c
            for c in sorted(tracking, key=lambda c: (not BASELINE_WORDS.search(c), -fit[c]))
            if c != g.predict and c != label
        ),
        None,
    )
    return g


def _ranking(frame: pd.DataFrame, label: str, rest: list[str], over: Overrides) -> Guess:
    g = Guess("ranking", label)
    scores = [c for c in rest if SCORE_WORDS.search(c) and numeric(frame[c]) and c != over.baseline]
    g.score = list(over.score[:1]) or scores[:1]
    g.baseline = over.baseline or next(
        (c for c in rest if BASELINE_WORDS.search(c) and numeric(frame[c]) and c not in g.score), None
    )
    g.baseline_is_score = True
    return g
