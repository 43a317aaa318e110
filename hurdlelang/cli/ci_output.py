"""What `check`, `test` and `run` print for CI systems: GitHub annotations, the GitHub job summary,
and JUnit XML (GitLab, Jenkins, Azure and most others read it as test results). docs/ci.md.

Light on purpose: the run output reads only the decision record and the checked spec."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from hurdlelang.core.github import workflow_command
from hurdlelang.core.source import Span
from hurdlelang.lang import ir
from hurdlelang.record.model import ConditionEntry, DecisionRecord, GuardEntry, TierEntry
from hurdlelang.report.summary import MARK, describe_judgement, judged_whole

# ---- GitHub ----


def decision_level(record: DecisionRecord) -> str:
    """notice: a tier that ships; warning: inconclusive; error: blocking (the fall-back or --fail-on)."""
    if record.outcome.status == "inconclusive":
        return "warning"
    return "error" if record.outcome.blocking else "notice"


def _decision_span(record: DecisionRecord, spec: ir.Spec) -> Span | None:
    """The line that explains the outcome: the tier reached, or the first guard that failed."""
    outcome = record.outcome
    tier = outcome.tier
    if outcome.status == "inconclusive":
        for guard, entry in zip(spec.guards, record.guards, strict=False):
            if entry.state != "held":
                return guard.span
        tier = next((t.name for t in record.tiers if t.state == "undefined"), None)
    for t in spec.tiers:
        if t.name == tier:
            return t.span
    return spec.otherwise.span if tier == spec.otherwise.name else None


def decision_message(record: DecisionRecord) -> str:
    o = record.outcome
    what = f"tier {o.tier}" if o.status == "decided" else "inconclusive"
    action = f" ({o.action})" if o.action else ""
    blocking = " [blocking]" if o.blocking and o.status == "decided" else ""
    return f"{record.spec.name}: {what}{action}{blocking}: {o.reason}"


def run_annotation(record: DecisionRecord, spec: ir.Spec) -> str:
    """The decision as one annotation on the spec's tier line (or failed guard's line)."""
    span = _decision_span(record, spec)
    return workflow_command(
        decision_level(record),
        decision_message(record),
        file=record.spec.path,
        line=span.line if span else None,
        endLine=span.end_line if span else None,
        title=f"hurdlec run: {record.outcome.tier or 'inconclusive'}",
    )


def example_annotation(result) -> str:
    """A failed example of `hurdlec test`, on the example's line."""
    span = result.example.span
    message = f"expected {result.example.expect}, got {result.got}\n" + "\n".join(result.explanation())
    return workflow_command(
        "error",
        message,
        file=result.spec.source.path,
        line=span.line,
        endLine=span.end_line,
        title=f"hurdlec test: {result.spec.name}: {result.example.name}",
    )


def write_step_summary(markdown: str, environ=os.environ) -> bool:
    """Append to the job summary when GitHub Actions says where it is ($GITHUB_STEP_SUMMARY)."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as out:
        out.write(markdown.rstrip("\n") + "\n\n")
    return True


def step_summary(record: DecisionRecord) -> str:
    """A short Markdown summary for the job page: the decision, then each tier's conditions."""
    o = record.outcome
    icon = {"notice": "✅", "warning": "⚠️", "error": "⛔"}[decision_level(record)]
    head = f"tier **{o.tier}**" if o.status == "decided" else "**inconclusive**"
    lines = [f"### {icon} {record.spec.name}: {head}", ""]
    if o.action:
        lines += [f"{o.action}", ""]
    lines += [f"{o.reason}.", ""]
    if record.guards:
        lines += ["| guard | state | value |", "|---|---|---|"]
        lines += [f"| `{_cell(g.text)}` | {MARK[g.state]} {g.state} | {_guard_value(g)} |" for g in record.guards]
        lines.append("")
    lines += ["| tier | condition | state | judgement |", "|---|---|---|---|"]
    for tier in record.tiers:
        for c in tier.conditions:
            judged = _judgement(c)
            lines.append(f"| {tier.name} | `{_cell(c.text)}` | {MARK[c.state]} {c.state} | {_cell(judged)} |")
    files = ", ".join(f"`{f.path}` ({f.rows:,} rows)" for f in record.data.files)
    lines += ["", f"spec `{record.spec.path}` (sha256 `{record.spec.sha256[:12]}`), data {files}"]
    return "\n".join(lines) + "\n"


def _guard_value(g: GuardEntry) -> str:
    if g.slices:
        return ", ".join(f"{name} {_value(s.value)}" for name, s in g.slices.items())
    return _value(g.value)


def _judgement(c: ConditionEntry) -> str:
    if judged_whole(c):
        return describe_judgement(c)
    if c.slices:
        return (
            ", ".join(
                f"{s.value} {MARK[s.state]} {_value(s.observed)}"
                + (f" (bound {_value(s.bound)})" if s.bound is not None else "")
                for s in c.slices
            )
            + f" (needs {c.op} {c.required:g})"
        )
    if c.parts:
        return "; ".join(f"{MARK[p.state]} {p.text}" for p in c.parts)
    return c.reason or ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _value(value: float | None) -> str:
    if value is None:
        return "undefined"
    return f"{int(value):,}" if float(value).is_integer() and abs(value) < 1e15 else f"{value:.4g}"


# ---- JUnit XML ----


def _suite(parent: ET.Element, name: str, path: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name, file=path)


def _case(suite: ET.Element, classname: str, name: str, path: str, line: int | None) -> ET.Element:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, file=path)
    if line is not None:
        case.set("line", str(line))
    return case


def _mark(case: ET.Element, kind: str, message: str, text: str = "") -> None:
    """kind: failure (a check that went the wrong way), error (could not be judged), skipped."""
    element = ET.SubElement(case, kind, message=message.split("\n")[0])
    if kind != "skipped":
        element.set("type", kind)
    element.text = text or message


def _finish(root: ET.Element) -> str:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def junit_check(files: list[Path], results, strict: bool) -> str:
    """One test case per spec file: a failure lists its errors (and warnings, with --strict)."""
    root = ET.Element("testsuites", name="hurdlec check")
    suite = _suite(root, "hurdlec check", "")
    for path, result in zip(files, results, strict=True):
        case = _case(suite, "hurdlec.check", str(path), str(path), None)
        failing = [d for d in result.diagnostics if d.is_error or strict]
        if failing:
            text = "\n".join(
                f"{d.path}:{d.span.line}:{d.span.column}: {d.code} {d.message}" if d.span else f"{d.code} {d.message}"
                for d in result.diagnostics
            )
            _mark(case, "failure", f"{len(failing)} problem(s): {failing[0].code} {failing[0].message}", text)
    return _finish(root)


def junit_test(results, broken) -> str:
    """One suite per spec, one case per example; a spec that does not compile is an error case."""
    root = ET.Element("testsuites", name="hurdlec test")
    suites: dict[str, ET.Element] = {}
    for compiled in broken:
        suite = _suite(root, compiled.path, compiled.path)
        case = _case(suite, "hurdlec.test", "the spec compiles", compiled.path, None)
        errors = [d for d in compiled.diagnostics if d.is_error]
        text = "\n".join(f"{d.code} {d.message}" for d in errors)
        _mark(case, "error", f"the spec does not compile: {errors[0].code} {errors[0].message}", text)
    for r in results:
        name = r.spec.name
        if name not in suites:
            suites[name] = _suite(root, name, r.spec.source.path)
        case = _case(suites[name], f"{name}.examples", r.example.name, r.spec.source.path, r.example.span.line)
        if not r.passed:
            _mark(case, "failure", f"expected {r.example.expect}, got {r.got}", "\n".join(r.explanation()))
    return _finish(root)


def _guard_case(suite: ET.Element, record: DecisionRecord, guard: GuardEntry) -> None:
    case = _case(suite, f"{record.spec.name}.guards", guard.text, record.spec.path, guard.line)
    if guard.state == "failed":
        _mark(case, "failure", f"guard failed: {guard.text} (value {_value(guard.value)})")
    elif guard.state == "undefined":
        _mark(case, "error", f"guard undefined: {guard.reason or guard.text}")


def _tier_case(suite: ET.Element, record: DecisionRecord, tier: TierEntry) -> None:
    line = min((c.line for c in tier.conditions), default=None)
    case = _case(suite, f"{record.spec.name}.tiers", f"tier {tier.name}", record.spec.path, line)
    if tier.state != "held":
        # a tier not reached is information, not a failure: the decision case says what blocks
        detail = "\n".join(f"{MARK[c.state]} {c.text}: {c.state}" for c in tier.conditions)
        _mark(case, "skipped", f"tier {tier.name}: {tier.state}", detail)


def junit_run(record: DecisionRecord) -> str:
    """The gate as test results: each guard, each tier (not reached: skipped), and the decision,
    which fails when blocking and errs when inconclusive (as the exit code does)."""
    root = ET.Element("testsuites", name="hurdlec run")
    suite = _suite(root, record.spec.name, record.spec.path)
    for guard in record.guards:
        _guard_case(suite, record, guard)
    for tier in record.tiers:
        _tier_case(suite, record, tier)
    case = _case(suite, f"{record.spec.name}.decision", "decision", record.spec.path, None)
    level = decision_level(record)
    if level != "notice":
        _mark(case, "error" if level == "warning" else "failure", decision_message(record))
    ET.SubElement(case, "system-out").text = decision_message(record)
    return _finish(root)
