"""`hurdlec plan --assume`: planning at inception, from values a team assumes instead of a pilot.

Before any model exists a team can still say what it hopes for: "the model's precision will be
about 0.35 where the rule's is 0.30, and one customer in ten buys again". Those values, taken as
the truth, fix everything a plan needs. They are turned into a synthetic pilot whose point
estimates are the assumed values (up to the rounding of PILOT_ROWS rows into counts), and that
pilot is planned exactly as a real one (judging/plan.py: the same bootstrap, decision and joint
power), so derived metrics, figure and dummy baselines, `in every` slices and row guards all work
as they do with `--data`. The sizes the plan gives do not depend on PILOT_ROWS: its standard errors
are scaled to each size.

What the values must say, per task (the *defining* metrics):

- binary: the label's base rate `positive_rate` (shared by every party), and for the candidate and
  each column baseline a condition compares, two of recall, precision, specificity,
  predicted_positive_rate, accuracy and f1 (each is linear in the shares of true and false
  positives, so two fix the party's confusion table; a third must agree with them);
- regression: for each such party its mae and its rmse (or mse): rmse^2 = mae^2 + the variance of
  the absolute errors, so the pair fixes the errors' spread as well as their size (the synthetic
  absolute errors are lognormal, skewed as forecast errors are).

The candidate's and a baseline's predictions are drawn independently given the label (regression:
their errors are independent). Real models of the same rows usually agree more than that, which
makes a paired comparison need fewer rows: a plan from assumptions is on the safe side there.

Slices: `--slice region=north,south` (equal shares) or `region=north:30%,south:70%`; a value may be
assumed per slice value with `recall[region=north]=0.5` (the others keep the whole's value).
Metrics computed from scores (roc_auc, pr_auc, brier, log_loss), other regression metrics, and the
multiclass and ranking tasks cannot be planned from assumptions yet: plan them from a pilot.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.names import CANDIDATE
from hurdlelang.core.source import Span
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.data.bands import rules_of as band_rules
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import lookup, names_for

PILOT_ROWS = 40_000
ASSUME, SLICE = "--assume", "--slice"
BINARY_RATES = ("recall", "precision", "specificity", "predicted_positive_rate", "accuracy", "f1")
BASE_RATE = "positive_rate"
REGRESSION_SIZES = ("mae", "rmse", "mse")
PLANNABLE = {"binary": (BASE_RATE, *BINARY_RATES), "regression": REGRESSION_SIZES}
# what the synthetic pilot fixes, beyond the assumed values themselves: every metric of the
# confusion table (binary), the size of the errors (regression); a metric outside these would be
# computed from a choice the team did not make (the label's spread, the scores) and is not planned
COMPUTED = {
    "binary": frozenset(
        {*PLANNABLE["binary"], "balanced_accuracy", "mcc", "fbeta", "tp", "fp", "tn", "fn", "rows", "n"}
    ),
    "regression": frozenset({*REGRESSION_SIZES, "rows", "n"}),
}
_ITEM = re.compile(
    r"(?:(?P<party>[A-Za-z_]\w*)\.)?(?P<metric>[A-Za-z_]\w*)"
    r"(?:\[(?P<column>[A-Za-z_]\w*)\s*=\s*(?P<value>[^\]]+?)\s*\])?\s*=\s*(?P<number>[^=]+?)\s*"
)


@dataclass(frozen=True)
class Assumption:
    party: str  # the candidate, or a column baseline's name
    metric: str
    scope: tuple[str, str] | None  # (slice column, value), or None for the whole data
    value: float
    text: str  # as written
    span: Span  # its place in the --assume text


@dataclass(frozen=True)
class Assumed:
    """What a plan from assumptions starts from: the values, the slices, the flag texts (to show)."""

    values: list[Assumption]
    slices: dict[str, dict[str, float]]  # column -> value -> share of the rows
    text: str  # every --assume joined, as the diagnostics quote it
    slice_text: str


def _items(text: str) -> list[tuple[str, int]]:
    """Comma-separated items with their 0-based start (commas inside [...] do not split)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text + ","):
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "," and depth <= 0:
            piece = text[start:i]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append((piece.strip(), start + lead))
            start = i + 1
    return out


def _span(start: int, length: int) -> Span:
    return Span(1, start + 1, 1, start + 1 + max(length, 1))


def _number(text: str) -> float | None:
    body = text.strip()
    percent = body.endswith("%")
    try:
        number = float(body.removesuffix("%").replace("_", ""))
    except ValueError:
        return None
    return number / 100 if percent else number if math.isfinite(number) else None


def parse_slices(texts: tuple[str, ...]) -> tuple[dict[str, dict[str, float]], str]:
    """`--slice region=north,south` (equal shares) or `region=north:30%,south:70%`, repeatable."""
    slices: dict[str, dict[str, float]] = {}
    problems = []
    joined = " ".join(texts)
    offset = 0
    for text in texts:
        column, eq, rest = text.partition("=")
        where = _span(offset, len(text))
        values = [v.strip() for v in rest.split(",")] if eq else []
        if not column.strip() or not values or not all(values):
            problems.append(
                Diagnostic(
                    codes.BAD_ASSUMPTION,
                    f"'{text}' is not a slice with its values",
                    SLICE,
                    where,
                    "write --slice COLUMN=VALUE,VALUE,... (equal shares) or COLUMN=VALUE:30%,VALUE:70%",
                )
            )
            offset += len(text) + 1
            continue
        shares: dict[str, float] = {}
        for v in values:
            name, colon, share = v.partition(":")
            number = _number(share) if colon else None
            if (colon and (number is None or not 0 < number <= 1)) or name.strip() in shares:
                problems.append(
                    Diagnostic(
                        codes.BAD_ASSUMPTION,
                        f"'{v}' in '{text}' is not a slice value with a share in (0%, 100%], or is given twice",
                        SLICE,
                        where,
                        "write VALUE:30%, each value once",
                    )
                )
                continue
            shares[name.strip()] = number if colon else math.nan
        if shares and all(math.isnan(s) for s in shares.values()):
            shares = {k: 1 / len(shares) for k in shares}
        elif shares and (any(math.isnan(s) for s in shares.values()) or abs(sum(shares.values()) - 1) > 1e-6):
            problems.append(
                Diagnostic(
                    codes.BAD_ASSUMPTION,
                    f"the shares of '{column.strip()}' do not add up to 100%",
                    SLICE,
                    where,
                    "give every value a share, adding up to 100%, or none (equal shares)",
                )
            )
        if column.strip() in slices:
            problems.append(
                Diagnostic(codes.BAD_ASSUMPTION, f"slice '{column.strip()}' given twice", SLICE, where, "give it once")
            )
        slices[column.strip()] = shares
        offset += len(text) + 1
    if problems:
        raise DiagnosticError(problems)
    return slices, joined


def parse_assumptions(spec: ir.Spec, texts: tuple[str, ...], slice_texts: tuple[str, ...] = ()) -> Assumed:
    """Read and check every --assume item against the spec; raises DiagnosticError with every problem."""
    slices, slice_text = parse_slices(slice_texts)
    text = ",".join(texts)
    problems: list[Diagnostic] = []
    values: list[Assumption] = []
    seen: dict[tuple, str] = {}
    for item, start in _items(text):
        where = _span(start, len(item))
        match = _ITEM.fullmatch(item)
        number = _number(match["number"]) if match else None
        if match is None or number is None:
            problems.append(
                Diagnostic(
                    codes.BAD_ASSUMPTION,
                    f"'{item}' is not an assumed value",
                    ASSUME,
                    where,
                    "write METRIC=VALUE for the candidate, BASELINE.METRIC=VALUE for a baseline, "
                    "METRIC[SLICE=VALUE]=VALUE for one slice value; values as 0.35 or 35%",
                )
            )
            continue
        problem = _check(spec, match, number, slices, where)
        if problem is not None:
            problems.append(problem)
            continue
        party = match["party"] or CANDIDATE
        scope = (match["column"], match["value"]) if match["column"] else None
        key = (party, match["metric"], scope)
        if key in seen:
            problems.append(
                Diagnostic(
                    codes.BAD_ASSUMPTION,
                    f"'{item}' assumes a value given before ('{seen[key]}')",
                    ASSUME,
                    where,
                    "give each value once",
                )
            )
            continue
        seen[key] = item
        values.append(Assumption(party, match["metric"], scope, number, item, where))
    if problems:
        raise DiagnosticError(problems)
    return Assumed(values, slices, text, slice_text)


def used_by_spec(spec: ir.Spec) -> tuple[set[str], set[str]]:
    """The metrics the spec's comparisons read (derived ones through their parts), and the column
    baselines they compare the candidate with."""
    metrics, parties = set(), set()

    def add(metric: ir.MetricKey) -> None:
        derived = spec.derived(metric.name)
        if derived is None:
            metrics.add(metric.name)
            return
        metrics.add(metric.name)
        stack = [derived.expr]
        while stack:
            e = stack.pop()
            if isinstance(e, ir.RefExpr):
                add(e.metric)
            elif isinstance(e, ir.BinaryExpr):
                stack += [e.left, e.right]
            elif isinstance(e, ir.NegExpr):
                stack.append(e.operand)

    columns = {b.name for b in spec.baselines if isinstance(b, ir.ColumnBaseline)}
    for c in spec.comparisons():
        add(c.metric)
        against = c.baseline if isinstance(c, ir.BeatsCondition) else c.against
        if against in columns:
            parties.add(against)
        if isinstance(c, ir.CompareCondition) and c.against_metric is not None:
            add(c.against_metric)
    return metrics, parties


def _check(spec: ir.Spec, match, number: float, slices, where: Span) -> Diagnostic | None:
    item, metric, party = match.group(0), match["metric"], match["party"]
    baselines = {b.name: b for b in spec.baselines}
    used_metrics, used_parties = used_by_spec(spec)
    if party is not None and party != CANDIDATE:
        if party not in baselines:
            names = [CANDIDATE, *baselines]
            hint = did_you_mean(party, names) or f"parties: {', '.join(names)}"
            return Diagnostic(
                codes.UNKNOWN_ASSUMPTION, f"'{item}': no baseline named '{party}'", ASSUME, where, hint, subject=party
            )
        if not isinstance(baselines[party], ir.ColumnBaseline):
            kind = "a figure" if isinstance(baselines[party], ir.FigureBaseline) else "computed, not predicted"
            return Diagnostic(
                codes.UNUSED_ASSUMPTION,
                f"'{item}': baseline '{party}' is {kind}: its values come from the spec, not from assumptions",
                ASSUME,
                where,
                "assume values for the candidate and for baselines that predict (`predict` or `score` columns)",
                subject=party,
            )
        if party not in used_parties:
            return Diagnostic(
                codes.UNUSED_ASSUMPTION,
                f"'{item}': no condition of the spec compares the candidate with '{party}'",
                ASSUME,
                where,
                "leave it out; assume values only for the parties the hurdles compare",
                subject=party,
            )
    info = lookup(metric, spec.task)
    derived = spec.derived(metric)
    if info is None and derived is None:
        names = names_for(spec.task) + [m.name for m in spec.metrics]
        hint = did_you_mean(metric, names) or f"the plan is made from {', '.join(PLANNABLE.get(spec.task, ()))}"
        return Diagnostic(
            codes.UNKNOWN_ASSUMPTION,
            f"'{item}': no metric named '{metric}' for a {spec.task} spec",
            ASSUME,
            where,
            hint,
            subject=metric,
        )
    plannable = PLANNABLE.get(spec.task)
    if plannable is None:
        return Diagnostic(
            codes.CANNOT_ASSUME,
            f"a {spec.task} spec cannot be planned from assumed values yet",
            ASSUME,
            where,
            "plan it from a pilot's predictions: hurdlec plan SPEC --data PILOT",
        )
    if derived is not None:
        return Diagnostic(
            codes.CANNOT_ASSUME,
            f"'{item}': '{metric}' is computed by the spec from other metrics",
            ASSUME,
            where,
            f"assume the values it is computed from ({', '.join(plannable)}); the plan computes '{metric}'",
            subject=metric,
        )
    if metric not in plannable:
        if metric in used_metrics:
            return Diagnostic(
                codes.CANNOT_ASSUME,
                f"'{item}': a {spec.task} plan cannot be made from an assumed {metric} yet",
                ASSUME,
                where,
                f"assume {', '.join(plannable)}, or plan from a pilot's predictions with --data",
                subject=metric,
            )
        return Diagnostic(
            codes.UNUSED_ASSUMPTION,
            f"'{item}': the spec does not use {metric}",
            ASSUME,
            where,
            f"the plan is made from {', '.join(plannable)}",
            subject=metric,
        )
    if metric == BASE_RATE and party is not None:
        return Diagnostic(
            codes.BAD_ASSUMPTION,
            f"'{item}': positive_rate is the label's base rate, the same for every party",
            ASSUME,
            where,
            f"write positive_rate={match['number']}",
        )
    if not info.low <= number <= info.high or (metric == BASE_RATE and not 0 < number < 1):
        return Diagnostic(
            codes.BAD_ASSUMPTION,
            f"'{item}': {metric} lies between {info.low:g} and {info.high:g}, not {number:g}",
            ASSUME,
            where,
            "a share is written 0.35 or 35%",
        )
    if match["column"]:
        column, value = match["column"], match["value"]
        if column not in spec.data.slices:
            hint = did_you_mean(column, list(spec.data.slices)) or f"slices: {', '.join(spec.data.slices) or 'none'}"
            return Diagnostic(
                codes.UNKNOWN_ASSUMPTION,
                f"'{item}': the spec has no slice '{column}'",
                ASSUME,
                where,
                hint,
                subject=column,
            )
        if value not in slices.get(column, {}):
            known = list(slices.get(column, {}))
            hint = did_you_mean(value, known) or f"list it with --slice {column}={','.join(known + [value])}"
            return Diagnostic(
                codes.UNKNOWN_ASSUMPTION,
                f"'{item}': '{value}' is not a value given with --slice {column}",
                ASSUME,
                where,
                hint,
                subject=value,
            )
    return None


def unplannable(spec: ir.Spec, tier: ir.Tier) -> str | None:
    """Why a tier cannot be planned from assumed values (None: it can): a condition reads a metric
    the assumed values do not fix, or (regression) a dummy baseline fit to the label's spread."""
    computed = COMPUTED.get(spec.task, frozenset())
    dummies = {b.name for b in spec.baselines if isinstance(b, ir.DummyBaseline)}
    bands = set(band_rules(spec))
    stack = list(tier.conditions)
    while stack:
        c = stack.pop(0)
        if isinstance(c, ir.AllOf | ir.AnyOf):
            stack[:0] = c.parts
            continue
        if isinstance(c, ir.Not):
            stack.insert(0, c.part)
            continue
        metrics = _leaves(spec, c.metric) | (
            _leaves(spec, c.against_metric) if getattr(c, "against_metric", None) else set()
        )
        outside = sorted(m for m in metrics if m not in computed)
        if outside:
            return f"'{c.text}' reads {', '.join(outside)}, which assumed values do not fix"
        against = c.baseline if isinstance(c, ir.BeatsCondition) else c.against
        banded = [p for p in (CANDIDATE, against) if p in bands and metrics - _LABEL_ONLY]
        if banded:
            # a party with abstain bands decides only some rows, and the power rests on how many
            who = "the candidate" if banded[0] == CANDIDATE else f"baseline '{banded[0]}'"
            return (
                f"'{c.text}' reads the rows {who} decides by abstain bands, and assumed values do not fix "
                "how many rows that is"
            )
        if spec.task == "regression" and against in dummies:
            return f"'{c.text}' compares with '{against}', fit to the label's spread, which assumed values do not fix"
    return None


# what a party's decisions do not enter: the same for a party with abstain bands as for any other
_LABEL_ONLY = frozenset({"rows", "n", "positive_rate"})


def _leaves(spec: ir.Spec, metric: ir.MetricKey) -> set[str]:
    derived = spec.derived(metric.name)
    if derived is None:
        return {metric.name}
    out, stack = set(), [derived.expr]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.RefExpr):
            out |= _leaves(spec, e.metric)
        elif isinstance(e, ir.BinaryExpr):
            stack += [e.left, e.right]
        elif isinstance(e, ir.NegExpr):
            stack.append(e.operand)
    return out
