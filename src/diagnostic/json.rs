//! Diagnostics as a JSON array, for other tools (FORMAT.md section 3).

use super::Diagnostic;

/// A pretty-printed array of `{code, level, file, line, column, message, hint}`.
pub(crate) fn render_json(diags: &[Diagnostic]) -> String {
    // Serializing plain strings and integers cannot fail.
    let mut s = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn has_exactly_the_fields_of_the_format() {
        let d = Diagnostic::new(Code::E012, "content/a.md", 13, 3, "m").hint("h");
        let v: serde_json::Value = serde_json::from_str(&render_json(&[d])).unwrap();
        let obj = v[0].as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
        assert_eq!(v[0]["code"], "E012");
        assert_eq!(v[0]["level"], "error");
        assert_eq!(v[0]["file"], "content/a.md");
        assert_eq!(v[0]["line"], 13);
        assert_eq!(v[0]["column"], 3);
        assert_eq!(v[0]["hint"], "h");
    }
}
