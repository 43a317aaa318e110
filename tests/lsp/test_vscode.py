"""The VS Code extension folder (editors/vscode/) is consistent: it ships the tested grammar, for the
language id and file extension the server and docs use, and starts `hurdlec lsp`. Building the .vsix
needs npm and is `make vsix`, outside `make test`."""

from __future__ import annotations

import json

from tests.conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
PACKAGE = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))


def test_the_extension_ships_the_tested_grammar():
    [grammar] = PACKAGE["contributes"]["grammars"]
    shipped = VSCODE / grammar["path"]
    assert shipped.read_bytes() == (ROOT / "editors" / "hurdle.tmLanguage.json").read_bytes()
    assert grammar["scopeName"] == json.loads(shipped.read_text(encoding="utf-8"))["scopeName"]
    assert grammar["language"] == "hurdle"


def test_the_language_is_hurdle_files_with_hash_comments():
    [language] = PACKAGE["contributes"]["languages"]
    assert language["id"] == "hurdle" and language["extensions"] == [".hurdle"]
    configuration = json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert configuration["comments"]["lineComment"] == "#"
    assert ["{", "}"] in configuration["brackets"]


def test_the_extension_starts_the_users_hurdlec_lsp():
    setting = PACKAGE["contributes"]["configuration"]["properties"]["hurdle.server.command"]
    assert setting["default"] == ["hurdlec", "lsp"]
    main = (VSCODE / PACKAGE["main"]).read_text(encoding="utf-8")
    assert 'config.get("server.command"' in main and "vscode-languageclient/node" in main
    assert "vscode-languageclient" in PACKAGE["dependencies"]
    assert "@vscode/vsce" in PACKAGE["devDependencies"]
    assert (VSCODE / "package-lock.json").exists()  # `make vsix` installs with npm ci, reproducibly
