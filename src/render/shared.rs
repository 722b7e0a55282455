//! Rows as template values, made once and shared by every page that
//! lists them. A postmortem row appears on its own page, on up to six
//! related pages, in the full list, on its quarter, area and tag pages:
//! turning it into a Tera value each time was a tenth of a build. A Tera
//! value is reference-counted, so a list that shows a row only clones a
//! pointer.

use serde::Serialize;
use std::sync::OnceLock;

/// Template values of rows `0..len`, each made from its row when first
/// asked for: rendering one page after an edit makes only the ones that
/// page shows.
pub(crate) struct Shared<'a, T> {
    row: Box<dyn Fn(usize) -> &'a T + Sync + 'a>,
    keep: fn(&T) -> bool,
    values: Vec<OnceLock<tera::Value>>,
}

impl<'a, T: Serialize + Sync + 'a> Shared<'a, T> {
    /// The rows `row(0)`… `row(len - 1)`; every value is kept once made.
    pub(crate) fn new(len: usize, row: impl Fn(usize) -> &'a T + Sync + 'a) -> Self {
        Self::keeping(len, row, |_| true)
    }

    /// Keeps only the values of rows for which `keep` holds; the value of
    /// another is made for each list that shows it. Of the action items
    /// only the open ones are listed many times (tracker, four grouped
    /// views, quarter pages, home page); a closed one is on its
    /// postmortem's page and one archive page, and keeping the values of
    /// all items would hold tens of megabytes at 10,000 postmortems.
    pub(crate) fn keeping(len: usize, row: impl Fn(usize) -> &'a T + Sync + 'a, keep: fn(&T) -> bool) -> Self {
        Shared { row: Box::new(row), keep, values: (0..len).map(|_| OnceLock::new()).collect() }
    }

    /// Row `i` as a template value.
    pub(crate) fn value(&self, i: usize) -> tera::Value {
        let row = (self.row)(i);
        // our rows are structs of strings, numbers, options and lists,
        // which always serialize
        let make = || tera::Value::from_serializable(row);
        if (self.keep)(row) {
            self.values[i].get_or_init(make).clone()
        } else {
            make()
        }
    }

    /// The rows `idx`, in that order, as a template list.
    pub(crate) fn list(&self, idx: impl IntoIterator<Item = usize>) -> tera::Value {
        tera::Value::from(idx.into_iter().map(|i| self.value(i)).collect::<Vec<_>>())
    }

    /// How many rows there are.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        n: u32,
    }

    #[test]
    fn a_list_holds_the_rows_asked_for_in_that_order() {
        let rows = [Row { name: "a", n: 1 }, Row { name: "b", n: 2 }, Row { name: "c", n: 3 }];
        let s = Shared::new(rows.len(), |i| &rows[i]);
        let mut ctx = tera::Context::new();
        ctx.insert_value("rows", s.list([2, 0]));
        let out = tera::Tera::one_off("{% for r in rows %}{{ r.name }}{{ r.n }};{% endfor %}", &ctx, false).unwrap();
        assert_eq!(out, "c3;a1;");
    }

    #[test]
    fn a_row_is_made_once_and_shared() {
        let rows = [Row { name: "a", n: 1 }];
        let s = Shared::new(rows.len(), |i| &rows[i]);
        let (x, y) = (s.value(0), s.value(0));
        assert!(x.is_map());
        assert_eq!(x, y);
        assert!(s.values[0].get().is_some());
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn rows_not_kept_are_made_each_time() {
        let rows = [Row { name: "a", n: 1 }, Row { name: "b", n: 2 }];
        let s = Shared::keeping(rows.len(), |i| &rows[i], |r| r.n == 2);
        assert_eq!(s.value(0), s.value(0));
        assert!(s.values[0].get().is_none());
        s.value(1);
        assert!(s.values[1].get().is_some());
    }
}
