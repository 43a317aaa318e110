"""The MLflow names of a record's metrics, interval bounds and tags (docs/ci.md#mlflow).

MLflow takes only ASCII letters, digits, `_ - . /` and spaces in a metric name, at most 250 of them,
and no name may look like another once read as a file path (`a//b`, `./a`). A record's keys are
`party -> scope -> metric`, where the scope is `all` or `slice=value` with any text as the value, and
a metric may carry a parameter (`hit_rate@5`, `fbeta@0.5`), so they are mapped, one to one:

    candidate/precision                   party/metric                (scope all)
    candidate/precision/low               party/metric/low|high       (its two-sided interval)
    candidate/region/east/precision       party/slice/value/metric
    candidate/region/east/precision/high

Parties, slices and metrics are identifiers ([A-Za-z_][A-Za-z0-9_]*), so `/` separates the parts of
a name and how many there are says what each is. A metric's `@` is written `.at` (`hit_rate.at5`;
an identifier has no `.`, so the first `.at` is the `@`; a `+` of an exponent is dropped: `1e+06` ->
`1e06`, the same number), and the class of a per-class metric `.of` and the class, escaped as a
slice value is (`recall[sales]` -> `recall.ofsales`; an escape is `.` and two hex digits, never
`.of`). A slice value keeps its letters, digits, `_`, `-` and spaces; every other byte of its UTF-8
is `.` and two upper-case hex digits (`a/b` -> `a.2Fb`, `São` -> `S.C3.A3o`), and
an empty value is `.-`. Each part is thus read back unambiguously, so no two keys share a name.
A name longer than 250 characters keeps its first 200 and ends in `.h` and 16 hex digits of the
SHA-256 of the key (`.h` is no escape, so such a name is marked; two keys then share a name only if
their hashes' first 64 bits agree).

The decision's own numbers go beside them, so that a run's page shows how close each hurdle was:
for the N-th condition (1-based, as written) of tier T, `tier-T/N/observed` (the statistic: the metric,
or the improvement over the baseline), `tier-T/N/bound` (its one-sided bound at the level judged, what
was compared) and `tier-T/N/required` (the hurdle); for the N-th `require` guard, `require-N/value`.
A `-` never appears in a party's name, so these never meet a metric's name.

Only the standard library: this is the record layer, which never imports the numerical stack.
"""

from __future__ import annotations

import hashlib
import re

from hurdlelang.lang.ir import class_text

MAX_NAME = 250  # MLflow's MAX_ENTITY_KEY_LENGTH for metric, parameter and tag keys
KEPT = re.compile(r"[A-Za-z0-9_\- ]")
VALID = re.compile(r"^[A-Za-z0-9_\-. /]+$")
HASHED = re.compile(r"\.h[0-9a-f]{16}$")
TAG_PREFIX = "hurdle."


def escape_value(value: str) -> str:
    """A slice value as one part of a name: no `/`, no `.` except as the escape."""
    if value == "":
        return ".-"
    return "".join(ch if KEPT.fullmatch(ch) else "".join(f".{b:02X}" for b in ch.encode()) for ch in value)


def unescape_value(part: str) -> str:
    if part == ".-":
        return ""
    out, i = bytearray(), 0
    while i < len(part):
        if part[i] == ".":
            out.append(int(part[i + 1 : i + 3], 16))
            i += 3
        else:
            out.extend(part[i].encode())
            i += 1
    return out.decode()


def metric_part(metric: str) -> str:
    base, bracket, of = metric.partition("[")
    name, at, param = base.partition("@")
    part = name if not at else f"{name}.at{param.replace('+', '')}"
    return part if not bracket else f"{part}.of{escape_value(_class_of(of[:-1]))}"


def metric_key(part: str) -> str:
    base, of, escaped = part.partition(".of")
    name, at, param = base.partition(".at")
    key = name if not at else f"{name}@{float(param):g}"
    return key if not of else f"{key}[{class_text(unescape_value(escaped))}]"


def _class_of(text: str) -> str:
    """The class of a per-class key's brackets, as ir.class_text wrote it (quoted when not a name)."""
    if text.startswith('"'):
        return re.sub(r'\\(["\\])', r"\1", text[1:-1])
    return text


def _bounded(name: str, key: str) -> str:
    if len(name) <= MAX_NAME:
        return name
    return name[:200].rstrip("/") + ".h" + hashlib.sha256(key.encode()).hexdigest()[:16]


def is_hashed(name: str) -> bool:
    """A name cut to fit MLflow's length, which record_key cannot read back (metric_names.json can)."""
    return HASHED.search(name) is not None


def metric_name(party: str, scope: str, metric: str, bound: str | None = None) -> str:
    """The MLflow name of one record metric (`bound`: None, "low" or "high")."""
    parts = [party]
    if scope != "all":
        slice_name, _, value = scope.partition("=")
        parts += [slice_name, escape_value(value)]
    parts.append(metric_part(metric))
    if bound is not None:
        parts.append(bound)
    return _bounded("/".join(parts), f"{party}\0{scope}\0{metric}\0{bound}")


def record_key(name: str) -> tuple[str, str, str, str | None]:
    """The (party, scope, metric, bound) a name stands for: metric_name read backwards (not hashed names)."""
    parts = name.split("/")
    bound = parts.pop() if len(parts) in (3, 5) else None
    if len(parts) == 2:
        return parts[0], "all", metric_key(parts[1]), bound
    party, slice_name, value, metric = parts
    return party, f"{slice_name}={unescape_value(value)}", metric_key(metric), bound


def record_entries(record) -> list[tuple[str, str, str, str, str | None, float]]:
    """(MLflow name, party, scope, metric, bound, value) for every defined metric of a record and each
    finite bound of its interval."""
    found = []
    for party, scopes in record.metrics.items():
        for scope, metrics in scopes.items():
            for metric, entry in metrics.items():
                if entry.value is not None:
                    found.append((metric_name(party, scope, metric), party, scope, metric, None, float(entry.value)))
                if entry.interval is not None:
                    for bound, value in (("low", entry.interval.low), ("high", entry.interval.high)):
                        if value is not None:
                            name = metric_name(party, scope, metric, bound)
                            found.append((name, party, scope, metric, bound, float(value)))
    return found


def decision_entries(record) -> list[tuple[str, dict, float]]:
    """(MLflow name, what it stands for, value) of each tier condition's observed statistic, bound and
    hurdle, and each guard's value, where defined."""
    found = []
    for tier in record.tiers:
        for number, condition in enumerate(tier.conditions, start=1):
            for field in ("observed", "bound", "required"):
                value = getattr(condition, field)
                if value is not None:
                    name = _bounded(f"tier-{tier.name}/{number}/{field}", f"{tier.name}\0{number}\0{field}")
                    meaning = {"tier": tier.name, "condition": number, "text": condition.text, "field": field}
                    found.append((name, meaning, float(value)))
    for number, guard in enumerate(record.guards, start=1):
        if guard.value is not None:
            meaning = {"guard": number, "text": guard.text, "field": "value"}
            found.append((f"require-{number}/value", meaning, float(guard.value)))
    return found


def record_metrics(record) -> dict[str, float]:
    """Every defined metric of a record, each finite bound of its interval, and the decision's own
    numbers (decision_entries), by MLflow name."""
    found = {name: value for name, *_, value in record_entries(record)}
    found.update({name: value for name, _, value in decision_entries(record)})
    return found


def _tag(key: str) -> str:
    return _bounded(TAG_PREFIX + key, key)


def record_tags(record, artifact: str) -> dict[str, str]:
    """The decision as run tags: what was decided, on which spec, and each tier's state."""
    outcome = record.outcome
    tags = {
        "spec": record.spec.name,
        "spec_sha256": record.spec.sha256,
        "status": outcome.status,
        "tier": outcome.tier or "",
        "blocking": "true" if outcome.blocking else "false",
        "exit_code": str(record.run.exit_code),
        "reason": outcome.reason,
        "record": artifact,
        "schema_version": record.schema_version,
        "hurdlec_version": record.tool.version,
    }
    if record.model_id is not None:
        tags["model_id"] = record.model_id
    if outcome.override is not None:
        tags["computed_tier"] = outcome.computed_tier or ""
        tags["override_by"] = outcome.override.by
        tags["override_reason"] = outcome.override.reason
    for tier in record.tiers:
        tags[f"tier.{tier.name}"] = tier.state
    return {_tag(k): v[:5000] for k, v in tags.items()}
