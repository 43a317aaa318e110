// Starts the user's own `hurdlec lsp` (setting hurdle.server.command) as the language server of .hurdle
// files. Everything the editor shows comes from that server (hurdlelang/lsp/); this file only connects.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("hurdle");
  const [command, ...args] = config.get("server.command", ["hurdlec", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ language: "hurdle" }],
    initializationOptions: { debounceSeconds: config.get("debounceSeconds", 0.3) },
  };
  client = new LanguageClient("hurdle", "Hurdle (hurdlec lsp)", serverOptions, clientOptions);
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `Cannot start '${command} ${args.join(" ")}': ${error.message}. ` +
        "Install it with pip install 'hurdlelang[lsp]', or set hurdle.server.command.",
    );
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
