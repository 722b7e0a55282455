// Starts `retro lsp` for the Markdown files of a workspace that holds a
// site.toml; the server does the rest (docs/editors.md).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("retro").get("path") || "retro";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "retro",
    "retro",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "markdown" }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
