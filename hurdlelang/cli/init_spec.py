"""`hurdlec init --data FILE`: a starting spec guessed from a predictions file.

Which column is which is found from the contents (hurdlelang/cli/init_detect.py) and can be said
outright (`--label/--score/--baseline/--slice/--id`). Today's baseline is measured on the data and
written into the spec's comments, the decision threshold is proposed from the baseline's volume
(or the positive rate), and no level is set below what the baseline already achieves, so the team
starts the discussion from numbers rather than from a blank page. What it writes is in canonical
layout and checks clean with --strict: it is compiled and formatted before it is written, and a
test runs it on every bundled data set and on data sets it has never seen.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from hurdlelang.cli.init_detect import Guess, Overrides, guess
from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.source import Source
from hurdlelang.data.read import Table
from hurdlelang.lang.compiler import compile_source
from hurdlelang.lang.fmt.verify import format_text

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _col(name: str) -> str:
    return name if NAME.match(name) else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


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


def _up(value: float, step: float = 0.01) -> float:
    """A level rounded up to the step: a hurdle is never below what the baseline achieves."""
    return min(1.0, math.ceil(round(value / step, 9)) * step)


def _counts(y: np.ndarray, d: np.ndarray) -> dict[str, float]:
    tp, fp, fn = int(((d == 1) & (y == 1)).sum()), int(((d == 1) & (y == 0)).sum()), int(((d == 0) & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {"flagged": int(d.sum()), "precision": precision, "recall": recall, "f1": f1}


def _binary(frame: pd.DataFrame, g: Guess, base: str, comments: list[str]) -> tuple[list[str], list]:
    y = pd.to_numeric(frame[g.label]).to_numpy()
    rate = float(y.mean())
    guards = [f"require positive_rate between {max(rate / 2, 0.0001):.2%} and {min(rate * 2, 1):.2%}"]
    comments.append(f"On this data {rate:.1%} of the rows are positive.")
    candidate = _counts(y, (pd.to_numeric(frame[g.score[0]]).to_numpy() >= g.threshold).astype(int))
    comments.append(
        f"At the proposed threshold the model flags {candidate['flagged']:,} rows: precision "
        f"{candidate['precision']:.3f}, recall {candidate['recall']:.3f}."
    )
    if g.baseline:
        today = _counts(y, pd.to_numeric(frame[g.baseline]).to_numpy())
        comments.append(
            f"Today's rule ({g.baseline}) flags {today['flagged']:,} rows: precision {today['precision']:.3f}, "
            f"recall {today['recall']:.3f}, f1 {today['f1']:.3f}."
        )
        floor = _up(today["precision"])
        comments.append(f"The precision hurdle ({floor:.2f}) is at least what today's rule achieves.")
    else:
        floor = _up(rate)
        comments.append(f"The precision hurdle ({floor:.2f}) is the positive rate: what flagging at random achieves.")
    tiers = [
        ("rollout", "Use the model everywhere", [f"f1 beats {base} by 2 points", f"precision >= {floor:.2f}"]),
        ("pilot", "Pilot the model on a part of the traffic", [f"f1 beats {base}"]),
    ]
    return guards, tiers


def _multiclass(frame: pd.DataFrame, g: Guess, base: str, comments: list[str]) -> tuple[list[str], list]:
    if g.baseline:
        agree = (frame[g.baseline].astype(str) == frame[g.label].astype(str)).mean()
        comments.append(f"Today's routing ({g.baseline}) is right for {agree:.1%} of the rows.")
    tiers = [
        ("rollout", "Use the model for every case", [f"accuracy beats {base} by 2 points", f"f1_macro beats {base}"]),
        ("pilot", "Suggest the model's answer to people", [f"accuracy beats {base}"]),
    ]
    return [], tiers


def _regression(frame: pd.DataFrame, g: Guess, base: str, comments: list[str]) -> tuple[list[str], list]:
    y = pd.to_numeric(frame[g.label])
    mae = (pd.to_numeric(frame[g.predict]) - y).abs().mean()
    comments.append(f"The model's mean absolute error here is {mae:.4g} (in the label's unit).")
    if g.baseline:
        naive = (pd.to_numeric(frame[g.baseline]) - y).abs().mean()
        comments.append(f"The naive forecast ({g.baseline}) has a mean absolute error of {naive:.4g}.")
    comments.append('Name the label\'s unit to see it in reports: label COLUMN in "UNIT".')
    tiers = [
        ("rollout", "Use the forecast everywhere", [f"mae beats {base} by 10%", f"rmse no worse than {base}"]),
        ("pilot", "Show the forecast beside today's", [f"mae beats {base}"]),
    ]
    return [], tiers


def _ranking(frame: pd.DataFrame, g: Guess, base: str | None, comments: list[str]) -> tuple[list[str], list]:
    queries = max(1, int(float(f"{frame[g.group].nunique() / 2:.2g}")))
    ranked = [f"ndcg@5 beats {base} by 3 points"] if base else ["ndcg@5 >= 0.2"]
    tiers = [
        ("rollout", "Rank with the model everywhere", [*ranked, "hit_rate@5 >= 0.3"]),
        ("pilot", "Rank with the model for part of the traffic", ["hit_rate@5 >= 0.2"]),
    ]
    return [f"require queries >= {queries:_}"], tiers


_DUMMY = {
    "binary": ("chance", "Flag rows at random, at the positive rate", "stratified"),
    "multiclass": ("majority", "Always choose the most frequent class", "most_frequent"),
    "regression": ("history_mean", "The mean of the history", "mean"),
}


def render(table: Table, g: Guess, name: str) -> str:
    frame = table.frame
    n = len(frame)
    lines = [
        f"# A starting spec written by `hurdlec init` from {table.path} ({n:,} rows).",
        "# Every choice below is a guess from the columns' contents and names: read it, fix what is",
        "# wrong, and agree the hurdles with the people who own the decision before anyone runs a model.",
    ]
    lines += [f"# Note: {note}." for note in g.notes]
    data = [f"label {_col(g.label)}"]
    if g.task == "multiclass" and g.score:
        data.append("score " + ", ".join(f'{_col(c)} for "{cls}"' for c, cls in zip(g.score, g.classes, strict=True)))
    elif g.score:
        data.append(f"score {_col(g.score[0])}")
    if g.task == "binary":
        data.append(f"predict {_col(g.score[0])} >= {g.threshold:g}  # {g.threshold_why}")
    elif g.predict:
        data.append(f"predict {_col(g.predict)}")
    if g.group:
        data.append(f"group {_col(g.group)}")
    if g.slices:
        data.append("slice " + ", ".join(_col(s) for s in g.slices))
    if g.id:
        data.append(f"id {_col(g.id)}")
    body = ["data {", *data, "}", ""]
    if g.baseline:
        item = "score" if g.baseline_is_score else "predict"
        body += [f'baseline as_is "The process running today ({g.baseline})" {{', f"{item} {_col(g.baseline)}", "}"]
        base: str | None = "as_is"
    elif g.task in _DUMMY:
        base, title, strategy = _DUMMY[g.task]
        body += [f'baseline {base} "{title}" {{', f"strategy {strategy}", "}"]
    else:
        base = None
    comments: list[str] = []
    make = {"binary": _binary, "multiclass": _multiclass, "regression": _regression, "ranking": _ranking}[g.task]
    guards, tiers = make(frame, g, base, comments)
    rows = max(1, int(float(f"{n / 2:.2g}")))
    hurdles = ["", *[f"# {c}" for c in comments], "hurdles at 95% confidence {"]
    hurdles += [f"require rows >= {rows:_}"] if g.task != "ranking" else []
    hurdles += guards
    for tier, action, conditions in tiers:
        hurdles += [f'tier {tier} "{action}" {{', *conditions, "}"]
    hurdles += ['otherwise keep_as_is "Keep the process running today"', "}"]
    spec = [f'spec {name} "TODO: the decision this spec is about" {{', 'owner "TODO: the team that owns it"']
    spec += [f"task {g.task}", ""]
    return "\n".join(lines + ["", *spec, *body, *hurdles, "}"]) + "\n"


def spec_name(path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]", "_", path.rsplit("/", 1)[-1].rsplit(".", 1)[0]) or "spec"
    return stem if re.match(r"[A-Za-z_]", stem) else f"spec_{stem}"


def init_spec(table: Table, over: Overrides | None = None) -> str:
    """The starting spec, in canonical layout; it compiles without a warning, or nothing is written."""
    g = guess(table, over)
    _missing_piece(g, table.path)
    text = format_text(render(table, g, spec_name(table.path)), "init.hurdle")
    compiled = compile_source(Source("init.hurdle", text))
    if compiled.diagnostics:
        first = compiled.diagnostics[0]
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MISSING_COLUMN,
                    f"the spec guessed from this data does not check ({first.code} {first.message})",
                    table.path,
                    hint="say which column is which with --label, --score, --baseline, --slice and --id",
                )
            ]
        )
    return text
