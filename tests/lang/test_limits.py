"""The limits of a spec (E005-E009), for every command, and the bounded cost of 'did you mean'.

Before them, 500 nested `not`s or 1,000 unary minus signs ended in `internal error: RecursionError`
(exit 70) in check, compile, fmt and test, and 1,000 parentheses crashed fmt."""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from hurdlelang.cli.main import cli, main
from hurdlelang.core import suggest
from hurdlelang.core.limits import MAX_NESTING, MAX_TIERS
from hurdlelang.core.source import Source
from hurdlelang.lang import input_limits
from hurdlelang.lang.fmt import verify
from tests.conftest import CORPUS, invoke

DATA = "y,p,r\n1,0.9,1\n0,0.2,0\n1,0.7,0\n0,0.6,1\n"


def _spec(condition: str, formula: str = "tp", examples: str = "") -> str:
    return (
        'spec s "t" {\n  owner "o"\n  task binary\n  data {\n    label y\n    score p\n    predict p >= 0.5\n  }\n'
        '  baseline as_is "b" {\n    predict r\n  }\n'
        f"  metric m higher is better = {formula}\n"
        f'  hurdles {{\n    tier go "g" {{\n      {condition}\n      m >= 0\n    }}\n'
        f'    otherwise stay "s"\n  }}\n{examples}}}\n'
    )


def _chains(levels: int) -> dict[str, tuple[str, str]]:
    """One condition or formula per way of nesting, each `levels` deep."""
    half = levels // 2
    return {
        "not": ("not " * levels + "precision >= 0.5", "tp"),
        "parentheses": ("(" * levels + "precision >= 0.5" + ")" * levels, "tp"),
        "not and parentheses": ("not (" * half + "precision >= 0.5" + ")" * half, "tp"),
        "or": (" or ".join(["recall >= 0.1"] * (levels + 1)), "tp"),
        "unary minus": ("precision >= 0.5", "-" * levels + "tp"),
        "sums": ("precision >= 0.5", " + ".join(["tp"] * (levels + 1))),
        "formula parentheses": ("precision >= 0.5", "(" * levels + "tp" + ")" * levels),
    }


COMMANDS = {"check": 1, "compile": 1, "test": 1, "fmt": 1, "run": 4}


def _invoke(command: str, path, tmp_path):
    extra = ["--data", tmp_path / "d.csv", "--out", tmp_path / "r.json"] if command == "run" else []
    return invoke(command, path, *extra)


@pytest.mark.parametrize("shape", list(_chains(2)))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_one_level_too_deep_is_e008_in_every_command(tmp_path, shape, command):
    condition, formula = _chains(MAX_NESTING + 2)[shape]  # + 2: the halves of "not and parentheses"
    path = tmp_path / "deep.hurdle"
    path.write_text(_spec(condition, formula))
    (tmp_path / "d.csv").write_text(DATA)
    result = _invoke(command, path, tmp_path)
    assert result.exit_code == COMMANDS[command], result.stdout + result.stderr
    assert "E008" in result.stdout + result.stderr
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("shape", list(_chains(2)))
def test_at_the_limit_every_command_works(tmp_path, shape):
    condition, formula = _chains(MAX_NESTING)[shape]
    path = tmp_path / "deep.hurdle"
    path.write_text(_spec(condition, formula))
    (tmp_path / "d.csv").write_text(DATA)
    for command in ("check", "compile", "fmt"):
        assert _invoke(command, path, tmp_path).exit_code == 0, command
    assert _invoke("run", path, tmp_path).exit_code in (0, 1, 3)


def test_every_command_handles_three_times_the_limit(tmp_path, monkeypatch):
    """The margin the limit keeps below Python's recursion limit, as docs/security.md promises."""
    monkeypatch.setattr(input_limits, "MAX_NESTING", 100 * MAX_NESTING)
    (tmp_path / "d.csv").write_text(DATA)
    example = '  example "e" {\n    given precision 0.6, recall 0.5, m 1\n    expect go\n  }\n'
    for shape, (condition, formula) in _chains(3 * MAX_NESTING).items():
        path = tmp_path / "deep.hurdle"
        path.write_text(_spec(condition, formula, example))
        for command in ("check", "compile", "test", "fmt", "run"):
            result = _invoke(command, path, tmp_path)
            assert result.exit_code in (0, 1, 3), (shape, command, result.stdout[-300:])
        for fmt in ("md", "html"):
            assert invoke("report", tmp_path / "r.json", "--format", fmt).exit_code == 0, (shape, fmt)


def test_a_name_one_over_the_limit_is_e006_and_stops_there(tmp_path):
    name = "b" * 257
    path = tmp_path / "long.hurdle"
    path.write_text(_spec(f"f1 beats {name}"))
    result = invoke("check", path)
    assert result.exit_code == 1
    assert [line.split()[1] for line in result.stdout.splitlines() if ": E" in line] == ["E006"]
    assert "this name has 257 characters; at most 256 are allowed" in result.stdout


def test_too_many_tiers_is_e009(tmp_path):
    tiers = "".join(f'    tier t{i} "t" {{\n      precision >= 0.5\n    }}\n' for i in range(MAX_TIERS + 1))
    text = _spec("precision >= 0.5").replace('    otherwise stay "s"\n', tiers + '    otherwise stay "s"\n')
    path = tmp_path / "tiers.hurdle"
    path.write_text(text)
    result = invoke("check", path)
    assert result.exit_code == 1
    assert f"E009 this spec has {MAX_TIERS + 2} tiers; at most {MAX_TIERS} are allowed" in result.stdout


def test_fmt_reports_a_compiler_exception_as_an_internal_error(tmp_path, monkeypatch, capsys):
    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(verify, "_same_meaning", broken)
    path = tmp_path / "s.hurdle"
    path.write_text(_spec("precision >= 0.5"))
    with pytest.raises(RuntimeError):
        verify.format_source(Source.read(path))  # not a refusal ("cannot be checked")
    monkeypatch.setattr("sys.argv", ["hurdlec", "fmt", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 70
    assert "internal error: RuntimeError: a bug" in capsys.readouterr().err


# ---- did you mean: the same answers as the plain edit distance, at a bounded cost ----


def _plain_closest(word: str, candidates: list[str]) -> str | None:
    limit = min(suggest.MAX_EDITS, max(1, len(word) // 3))
    scored = sorted((suggest.edit_distance(word.lower(), c.lower()), c) for c in set(candidates))
    return scored[0][1] if scored and scored[0][0] <= limit else None


def test_banded_distance_agrees_with_the_full_table():
    rng = random.Random(12)
    for _ in range(3000):
        a = "".join(rng.choice("abc_") for _ in range(rng.randint(0, 12)))
        b = "".join(rng.choice("abc_") for _ in range(rng.randint(0, 12)))
        full = suggest.edit_distance(a, b)
        for limit in range(0, 6):
            assert suggest.edit_distance(a, b, limit) == min(full, limit + 1), (a, b, limit)


def test_closest_agrees_with_the_plain_search():
    rng = random.Random(7)
    words = ["precision", "recall", "roc_auc", "as_is", "net_value", "keep_as_is", "f1", "mae", "rows"]
    for _ in range(2000):
        word = list(rng.choice(words))
        for _ in range(rng.randint(0, 4)):
            at = rng.randrange(len(word) + 1)
            word.insert(at, rng.choice("aeiou_")) if rng.random() < 0.5 else word[at : at + 1].clear()
        word = "".join(word) or "x"
        assert suggest.closest(word, words) == _plain_closest(word, words), word


def test_long_misspelt_names_cost_a_band_not_a_square():
    spent = [0]
    long = "b" * 4000
    assert suggest.edit_distance(long, long[:-1] + "c", 8, spent) == 1
    assert spent[0] <= 4000 * 17  # 2k+1 cells a row, not 4,000
    with suggest.suggestion_budget(0):
        assert suggest.closest("as_iss", ["as_is"]) == "as_is"


def test_an_exhausted_budget_gives_no_suggestion_rather_than_a_long_search(monkeypatch):
    monkeypatch.setattr(suggest, "BASE_BUDGET", 0)
    with suggest.suggestion_budget(0):
        assert suggest.closest("as_iss", ["as_is"]) is None


def test_check_still_suggests_in_a_normal_spec():
    result = CliRunner().invoke(cli, ["check", str(CORPUS / "check" / "E102_unknown_baseline.hurdle")])
    assert "did you mean 'as_is'?" in result.stdout
