//! `retro lsp`: a language server over stdio (JSON-RPC), synchronous. For
//! each postmortem open in the editor it publishes the problems `retro
//! check` reports, as the writer types; it completes the words and values
//! of fields, shows the timeline's durations on hover, and offers the
//! "did you mean" fixes.
//!
//! The site is read once at start; an open file is checked from the
//! editor's text, the others from disk (read again when the editor closes
//! them). A change of site.toml needs a restart of the server.

mod complete;
mod context;
mod hover;
mod position;
mod problems;
mod workspace;

use crate::config::Config;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, Request as _};
use lsp_types::{
    CodeActionParams, CodeActionProviderCapability, CompletionOptions, CompletionParams, CompletionResponse,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, HoverParams,
    HoverProviderCapability, InitializeParams, MessageType, PublishDiagnosticsParams, ServerCapabilities,
    ShowMessageParams, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use std::collections::BTreeMap;
use std::path::PathBuf;
use workspace::Workspace;

/// Why the server stopped before the editor asked it to.
pub(crate) type Failed = String;

/// Serves one editor on stdin and stdout until it shuts the server down.
/// `root` is the site folder given on the command line; without it, the
/// editor's workspace folder when it holds a site.toml, else the working
/// folder.
pub(crate) fn serve(root: Option<PathBuf>, today: impl Fn(&Config) -> chrono::NaiveDate) -> Result<(), Failed> {
    let (conn, io) = Connection::stdio();
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let init: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([":", " ", "[", ",", "-"].map(String::from).to_vec()),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "retro", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result).map_err(|e| e.to_string())?;

    let root = root.or_else(|| workspace_root(&init)).unwrap_or_else(|| PathBuf::from("."));
    let ws = match Config::load(&root) {
        Ok(cfg) => {
            let today = today(&cfg);
            Some(Workspace::load(cfg, today))
        }
        Err(diags) => {
            let first = diags.first().map_or(String::new(), |d| format!(": {}", d.message));
            let message = format!(
                "retro: no site in {} ({}{first}); postmortems are not checked until site.toml is fixed and the server restarted",
                root.display(),
                crate::config::FILE_NAME
            );
            notify::<ShowMessage>(&conn, ShowMessageParams { typ: MessageType::ERROR, message });
            None
        }
    };
    let mut server = Server { conn: &conn, ws, uris: BTreeMap::new(), published: BTreeMap::new() };
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    break;
                }
                server.request(req);
            }
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
    drop(server);
    drop(conn);
    io.join().map_err(|e| e.to_string())
}

/// The editor's workspace folder, when it is a site.
fn workspace_root(init: &InitializeParams) -> Option<PathBuf> {
    let folders = init.workspace_folders.iter().flatten().map(|f| &f.uri);
    #[allow(deprecated)]
    let uris = folders.chain(init.root_uri.as_ref());
    uris.filter_map(position::path_of).find(|p| p.join(crate::config::FILE_NAME).is_file())
}

fn notify<N: lsp_types::notification::Notification>(conn: &Connection, params: N::Params) {
    // the editor hung up: the loop ends when its messages do
    let _ = conn.sender.send(Message::Notification(Notification::new(N::METHOD.to_string(), params)));
}

struct Server<'c> {
    conn: &'c Connection,
    /// `None` when the site could not be read.
    ws: Option<Workspace>,
    /// The URI the editor names each open file by.
    uris: BTreeMap<String, Uri>,
    /// The open files' problems as last published.
    published: BTreeMap<String, Vec<lsp_types::Diagnostic>>,
}

impl Server<'_> {
    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            Completion::METHOD => self.answer(req, |ws, p: CompletionParams| {
                let at = p.text_document_position;
                let (rel, text) = ws.open_file(&at.text_document.uri)?;
                let ch = position::char_at(position::line(text, at.position.line as usize), at.position.character);
                Some(CompletionResponse::Array(complete::complete(ws, &rel, at.position.line as usize, ch)))
            }),
            HoverRequest::METHOD => self.answer(req, |ws, p: HoverParams| {
                let at = p.text_document_position_params;
                let (rel, _) = ws.open_file(&at.text_document.uri)?;
                hover::hover(ws, &rel, at.position.line as usize)
            }),
            CodeActionRequest::METHOD => self.answer(req, |ws, p: CodeActionParams| {
                let (_, text) = ws.open_file(&p.text_document.uri)?;
                Some(problems::quick_fixes(&p.text_document.uri, text, &p.context.diagnostics))
            }),
            _ => Err((lsp_server::ErrorCode::MethodNotFound, format!("retro does not answer {}", req.method))),
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        let _ = self.conn.sender.send(Message::Response(response));
    }

    /// Answers a request with `f`'s result, or `null` when it has none.
    fn answer<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &self,
        req: Request,
        f: impl FnOnce(&Workspace, P) -> Option<R>,
    ) -> Result<serde_json::Value, (lsp_server::ErrorCode, String)> {
        let params: P =
            serde_json::from_value(req.params).map_err(|e| (lsp_server::ErrorCode::InvalidParams, e.to_string()))?;
        let answer = self.ws.as_ref().and_then(|ws| f(ws, params));
        Ok(serde_json::to_value(answer).unwrap_or(serde_json::Value::Null))
    }

    fn notification(&mut self, n: Notification) {
        let Some(ws) = self.ws.as_mut() else {
            return;
        };
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) else { return };
                let Some(rel) = ws.rel_of(&p.text_document.uri) else { return };
                ws.set(&rel, p.text_document.text);
                self.uris.insert(rel, p.text_document.uri);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) else { return };
                let Some(rel) = ws.rel_of(&p.text_document.uri) else { return };
                // full sync: the last change is the whole text
                let Some(change) = p.content_changes.into_iter().next_back() else { return };
                ws.set(&rel, change.text);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) else { return };
                let Some(rel) = ws.rel_of(&p.text_document.uri) else { return };
                ws.close(&rel);
                // a closed file's problems are check's to report again
                notify::<PublishDiagnostics>(
                    self.conn,
                    PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None),
                );
                self.uris.remove(&rel);
                self.published.remove(&rel);
            }
            _ => return,
        }
        self.publish();
    }

    /// Publishes the problems of every open file whose problems changed.
    fn publish(&mut self) {
        let Some(ws) = self.ws.as_ref() else {
            return;
        };
        for (rel, diags) in ws.diagnostics() {
            let Some(text) = ws.text(rel) else { continue };
            let lsp: Vec<lsp_types::Diagnostic> = diags.iter().map(|d| problems::to_lsp(d, text)).collect();
            if self.published.get(rel) == Some(&lsp) {
                continue;
            }
            if let Some(uri) = self.uris.get(rel) {
                notify::<PublishDiagnostics>(self.conn, PublishDiagnosticsParams::new(uri.clone(), lsp.clone(), None));
            }
            self.published.insert(rel.to_string(), lsp);
        }
    }
}

impl Workspace {
    /// The site-relative path of the file a URI names, when it is a
    /// postmortem of the site.
    fn rel_of(&self, uri: &Uri) -> Option<String> {
        self.rel(&position::path_of(uri)?)
    }

    /// An open postmortem by its URI: its site-relative path and text.
    fn open_file(&self, uri: &Uri) -> Option<(String, &str)> {
        let rel = self.rel_of(uri)?;
        let text = self.text(&rel)?;
        Some((rel, text))
    }
}
