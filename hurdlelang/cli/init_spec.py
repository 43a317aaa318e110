"""`hurdlec init --data FILE`: a starting spec guessed from a predictions file.

The guesses go by column names and contents: the label (a 0/1 or few-valued column named like a
target), the candidate's score or prediction, an as-is rule to beat (a column named like a rule or
baseline), slices (text columns with a few values), an id. Today's baseline is measured on the data
and written into the spec's comments, and the starting hurdles are set from it, so the team starts
the discussion from numbers rather than from a blank page. The result always checks clean: a test
runs `hurdlec check` on what it writes for every bundled data set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.data.read import Table

LABEL_WORDS = re.compile(
    r"(^y$|label|target|actual|truth|outcome|^is_|bought|churn|convert|click|fraud|sold|team)", re.I
)
SCORE_WORDS = re.compile(r"(^p_|^p$|prob|score|proba|pred|forecast|estimate)", re.I)
BASELINE_WORDS = re.compile(r"(rule|baseline|as_is|asis|current|heuristic|legacy|naive|last_year|manual)", re.I)
ID_WORDS = re.compile(r"(^id$|_id$|^id_|uuid|key$)", re.I)
GROUP_WORDS = re.compile(r"(session|query|group|basket|search)", re.I)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Guess:
    task: str
    label: str
    score: list[str] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    predict: str | None = None
    baseline: str | None = None
    baseline_is_score: bool = False
    slices: list[str] = field(default_factory=list)
    id: str | None = None
    group: str | None = None
    notes: list[str] = field(default_factory=list)


def _col(name: str) -> str:
    return name if NAME.match(name) else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is01(s: pd.Series) -> bool:
    values = pd.to_numeric(s, errors="coerce")
    return bool(values.notna().all() and values.isin([0, 1]).all())


def _is_probability(s: pd.Series) -> bool:
    values = pd.to_numeric(s, errors="coerce")
    return bool(values.notna().all() and values.between(0, 1).all() and not values.isin([0, 1]).all())


def _numeric(s: pd.Series) -> bool:
    return bool(pd.to_numeric(s, errors="coerce").notna().all())


def _pick(columns: list[str], words: re.Pattern, test) -> str | None:
    named = [c for c in columns if words.search(c) and test(c)]
    return named[0] if named else None


def guess(table: Table) -> Guess:
    frame = table.frame
    cols = list(frame.columns)
    n = len(frame)
    label = _pick(cols, LABEL_WORDS, lambda c: True)
    if label is None:
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MISSING_COLUMN,
                    "no column looks like the label",
                    table.path,
                    hint="name the ground-truth column e.g. 'label' or 'target', or write the spec by hand",
                )
            ]
        )
    rest = [c for c in cols if c != label]
    ident = _pick(rest, ID_WORDS, lambda c: frame[c].is_unique)
    group = _pick(rest, GROUP_WORDS, lambda c: not frame[c].is_unique and frame[c].nunique() < n)
    rest = [c for c in rest if c not in (ident, group)]
    y = frame[label]
    text_label = not _numeric(y)
    if group is not None and _numeric(y):
        g = Guess("ranking", label, group=group, id=ident)
        scores = [c for c in rest if SCORE_WORDS.search(c) and _numeric(frame[c])]
        g.score = scores[:1]
        g.baseline = next(
            (c for c in rest if BASELINE_WORDS.search(c) and _numeric(frame[c]) and c not in g.score), None
        )
        g.baseline_is_score = True
    elif _is01(y):
        g = Guess("binary", label, id=ident)
        g.score = [c for c in rest if SCORE_WORDS.search(c) and _is_probability(frame[c])][:1]
        if not g.score:
            g.score = [c for c in rest if _is_probability(frame[c])][:1]
        g.baseline = next((c for c in rest if BASELINE_WORDS.search(c) and _is01(frame[c])), None)
    elif text_label or y.nunique() <= 20:
        g = Guess("multiclass", label, id=ident)
        g.classes = sorted(str(v) for v in y.dropna().unique())
        for cls in g.classes:
            match = next((c for c in rest if c.lower().endswith(cls.lower()) and _numeric(frame[c])), None)
            if match:
                g.score.append(match)
        if len(g.score) != len(g.classes):
            g.score, g.notes = [], ["no probability column per class found: decisions come from the predict column"]
            g.predict = _pick(rest, SCORE_WORDS, lambda c: set(frame[c].astype(str)) <= set(g.classes))
        g.baseline = next(
            (c for c in rest if BASELINE_WORDS.search(c) and set(frame[c].astype(str)) <= set(g.classes)), None
        )
    else:
        g = Guess("regression", label, id=ident)
        g.predict = _pick(rest, SCORE_WORDS, lambda c: _numeric(frame[c]))
        g.baseline = next((c for c in rest if BASELINE_WORDS.search(c) and _numeric(frame[c]) and c != g.predict), None)
    used = {label, ident, group, g.predict, g.baseline, *g.score}
    g.slices = [c for c in rest if c not in used and not _numeric(frame[c]) and 2 <= frame[c].nunique() <= 20]
    return g


def _missing_piece(g: Guess, path: str) -> None:
    needs = {"binary": g.score, "ranking": g.score, "regression": g.predict, "multiclass": g.score or g.predict}
    if not needs[g.task]:
        what = "a prediction column" if g.task == "regression" else "a score (probability) column"
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MISSING_COLUMN,
                    f"no column looks like the candidate's {what} for a {g.task} task",
                    path,
                    hint="name it e.g. 'p_...', 'score' or 'prediction', or write the spec by hand",
                )
            ]
        )


def _round_down(value: float, step: float = 0.05) -> float:
    return max(step, np.floor(value / step) * step)


def _binary_today(frame: pd.DataFrame, g: Guess) -> dict[str, float]:
    y = pd.to_numeric(frame[g.label]).to_numpy()
    today = {"positive_rate": float(y.mean())}
    if g.baseline:
        d = pd.to_numeric(frame[g.baseline]).to_numpy()
        tp, fp, fn = (
            int(((d == 1) & (y == 1)).sum()),
            int(((d == 1) & (y == 0)).sum()),
            int(((d == 0) & (y == 1)).sum()),
        )
        today["precision"] = tp / (tp + fp) if tp + fp else 0.0
        today["recall"] = tp / (tp + fn) if tp + fn else 0.0
    return today


def render(table: Table, g: Guess, name: str) -> str:
    frame = table.frame
    n = len(frame)
    lines = [
        f"# A starting spec written by `hurdlec init` from {table.path} ({n:,} rows).",
        "# Every choice below is a guess from column names and contents: read it, fix what is wrong,",
        "# and agree the hurdles with the people who own the decision before anyone runs a model.",
    ]
    lines += [f"# Note: {note}" for note in g.notes]
    body: list[str] = []
    data = [f"    label {_col(g.label)}"]
    if g.task == "multiclass" and g.score:
        data.append(
            "    score " + ", ".join(f'{_col(c)} for "{cls}"' for c, cls in zip(g.score, g.classes, strict=True))
        )
    elif g.score:
        data.append(f"    score {_col(g.score[0])}")
    if g.task == "binary":
        data.append(
            f"    predict {_col(g.score[0])} >= 0.5          # the decision threshold: set it to the one you deploy"
        )
    elif g.predict:
        data.append(f"    predict {_col(g.predict)}")
    if g.group:
        data.append(f"    group {_col(g.group)}")
    if g.slices:
        data.append("    slice " + ", ".join(_col(s) for s in g.slices))
    if g.id:
        data.append(f"    id {_col(g.id)}")
    body += ["  data {", *data, "  }", ""]
    if g.baseline:
        item = "score" if g.baseline_is_score else "predict"
        body += [
            f'  baseline as_is "The process running today ({g.baseline})" {{',
            f"    {item} {_col(g.baseline)}",
            "  }",
        ]
    elif g.task == "regression":
        body += ['  baseline history_mean "The mean of the history"  {', "    strategy mean", "  }"]
    elif g.task != "ranking":
        body += ['  baseline majority "Always decide the most frequent class" {', "    strategy most_frequent", "  }"]
    base = "as_is" if g.baseline else ("history_mean" if g.task == "regression" else "majority")
    guard = max(1, int(float(f"{n / 2:.2g}")))
    hurdles = ["", "  hurdles at 95% confidence {", f"    require rows >= {guard:_}"]
    comments: list[str] = []
    if g.task == "binary":
        today = _binary_today(frame, g)
        rate = today["positive_rate"]
        comments.append(f"  # On this data {rate:.1%} of rows are positive.")
        hurdles.append(f"    require positive_rate between {max(rate / 2, 0.0001):.2%} and {min(rate * 2, 1):.2%}")
        if "precision" in today:
            comments.append(
                f"  # Today's rule has precision {today['precision']:.3f} and recall {today['recall']:.3f} here."
            )
        floor = _round_down(today.get("precision", rate))
        tiers = [
            ("rollout", "Use the model everywhere", [f"f1 beats {base} by 5 points", f"precision >= {floor:.2f}"]),
            ("pilot", "Pilot the model on a part of the traffic", [f"f1 beats {base}"]),
        ]
    elif g.task == "multiclass":
        tiers = [
            (
                "rollout",
                "Use the model for every case",
                [f"f1_macro beats {base} by 5 points", f"accuracy beats {base}"],
            ),
            ("pilot", "Suggest the model's answer to people", [f"accuracy beats {base}"]),
        ]
    elif g.task == "regression":
        tiers = [
            ("rollout", "Use the forecast everywhere", [f"mae beats {base} by 15%"]),
            ("pilot", "Show the forecast beside today's", [f"mae beats {base} by 5%"]),
        ]
    else:
        ranked = [f"ndcg@5 beats {base} by 3 points"] if g.baseline else ["ndcg@5 >= 0.2"]
        tiers = [
            ("rollout", "Rank with the model everywhere", [*ranked, "hit_rate@5 >= 0.3"]),
            ("pilot", "Rank with the model for part of the traffic", ["hit_rate@5 >= 0.2"]),
        ]
        hurdles[2] = f"    require queries >= {max(1, int(float(f'{frame[g.group].nunique() / 2:.2g}'))):_}"
    for tier, action, conditions in tiers:
        hurdles += [f'    tier {tier} "{action}" {{', *[f"      {c}" for c in conditions], "    }"]
    hurdles += ['    otherwise keep_as_is "Keep the process running today"', "  }"]
    spec = [
        f'spec {name} "TODO: the decision this spec is about" {{',
        '  owner "TODO: the team that owns it"',
        f"  task {g.task}",
        "",
    ]
    return "\n".join(lines + ["", *spec, *body, *comments, *hurdles, "}"]) + "\n"


def spec_name(path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]", "_", path.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "spec"
    return stem if re.match(r"[A-Za-z_]", stem) else f"spec_{stem}"


def init_spec(table: Table) -> str:
    g = guess(table)
    _missing_piece(g, table.path)
    return render(table, g, spec_name(table.path))
