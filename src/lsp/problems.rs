//! retro's diagnostics as an editor shows them, and the quick fixes of
//! the "did you mean" ones.

use super::position::{line, range};
use crate::diagnostic::{Diagnostic, Level};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticSeverity, NumberOrString, TextEdit, Uri, WorkspaceEdit,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a published diagnostic carries for its quick fix.
#[derive(Serialize, Deserialize)]
struct Fix {
    replace: String,
    with: String,
}

/// `d` in the editor's terms, located in `text` (the file as the editor
/// has it). The message is check's, followed by its hint.
pub(crate) fn to_lsp(d: &Diagnostic, text: &str) -> lsp_types::Diagnostic {
    let severity = match d.level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Info => DiagnosticSeverity::INFORMATION,
    };
    let message = if d.hint.is_empty() { d.message.clone() } else { format!("{}\nhelp: {}", d.message, d.hint) };
    lsp_types::Diagnostic {
        range: range(text, d.line - 1, d.column - 1, d.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("retro".to_string()),
        message,
        data: d
            .suggestion
            .as_ref()
            .and_then(|s| serde_json::to_value(Fix { replace: s.replace.clone(), with: s.with.clone() }).ok()),
        ..lsp_types::Diagnostic::default()
    }
}

/// The quick fixes for the diagnostics the editor asks about in `text`:
/// the text as written replaced by the one meant.
pub(crate) fn quick_fixes(uri: &Uri, text: &str, diags: &[lsp_types::Diagnostic]) -> Vec<CodeActionOrCommand> {
    let mut out = Vec::new();
    for d in diags {
        let Some(fix) = d.data.clone().and_then(|v| serde_json::from_value::<Fix>(v).ok()) else {
            continue;
        };
        let n = d.range.start.line as usize;
        let l = line(text, n);
        let start = super::position::char_at(l, d.range.start.character);
        let from_byte = l.char_indices().nth(start).map_or(l.len(), |(i, _)| i);
        let Some(at) = l[from_byte..].find(&fix.replace).map(|b| start + l[from_byte..from_byte + b].chars().count())
        else {
            continue;
        };
        let edit = TextEdit { range: range(text, n, at, fix.replace.chars().count()), new_text: fix.with.clone() };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Replace `{}` with `{}`", fix.replace, fix.with),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![d.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            is_preferred: Some(true),
            ..CodeAction::default()
        }));
    }
    out
}
