//! Rows as template values, made once and shared by every page that
//! lists them. A postmortem row appears on its own page, on up to six
//! related pages, in the full list, on its quarter, area and tag pages:
//! turning it into a Tera value each time was a tenth of a build. A Tera
//! value is reference-counted, so a list that shows a row only clones a
//! pointer.

use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Shared<'a, T> {
    rows: &'a [T],
    values: Vec<Option<OnceLock<tera::Value>>>,
    /// Rows not kept: the value made for the first list that shows the
    /// row, held for the second and then dropped (a closed action item is
    /// on its postmortem's page and on one archive page, rendered as soon
    /// as all its items have been shown). At most [`HELD`] at once.
    handoff: Vec<Mutex<Handoff>>,
    held: AtomicUsize,
}

enum Handoff {
    Fresh,
    Held(tera::Value),
    Done,
}

/// How many values of rows not kept may wait for their second list: a
/// bound for items closed long after their postmortem, whose archive page
/// comes late (at 10,000 postmortems there are about 30,000 closed items).
const HELD: usize = 4096;

impl<'a, T: Serialize + Sync> Shared<'a, T> {
    /// Values are made when first asked for: rendering one page after an
    /// edit makes only the ones that page shows.
    pub fn new(rows: &'a [T]) -> Self {
        Self::keeping(rows, |_| true)
    }

    /// Keeps only the values of rows for which `keep` holds; the value of
    /// another is handed from the first list that shows it to the second,
    /// and made again for any later one. Of the action items only the open
    /// ones are listed many times (tracker, four grouped views, quarter
    /// pages, home page); keeping every item's value cost 70 MB at 10,000
    /// postmortems, handing closed ones on costs about 10 MB.
    pub fn keeping(rows: &'a [T], keep: impl Fn(&T) -> bool) -> Self {
        let values: Vec<_> = rows.iter().map(|r| keep(r).then(OnceLock::new)).collect();
        let handoff = values.iter().map(|_| Mutex::new(Handoff::Fresh)).collect();
        Shared { rows, values, handoff, held: AtomicUsize::new(0) }
    }

    /// Row `i` as a template value.
    pub fn value(&self, i: usize) -> tera::Value {
        // our rows are structs of strings, numbers, options and lists,
        // which always serialize
        let make = || tera::Value::from_serializable(&self.rows[i]);
        match &self.values[i] {
            Some(v) => v.get_or_init(make).clone(),
            None => {
                let Ok(mut slot) = self.handoff[i].lock() else { return make() };
                match std::mem::replace(&mut *slot, Handoff::Done) {
                    Handoff::Held(v) => {
                        self.held.fetch_sub(1, Ordering::Relaxed);
                        v
                    }
                    Handoff::Done => make(),
                    Handoff::Fresh => {
                        let v = make();
                        if self.held.fetch_add(1, Ordering::Relaxed) < HELD {
                            *slot = Handoff::Held(v.clone());
                        } else {
                            self.held.fetch_sub(1, Ordering::Relaxed);
                        }
                        v
                    }
                }
            }
        }
    }

    /// The rows `idx`, in that order, as a template list.
    pub fn list(&self, idx: impl IntoIterator<Item = usize>) -> tera::Value {
        tera::Value::from(idx.into_iter().map(|i| self.value(i)).collect::<Vec<_>>())
    }
}

impl<T> std::ops::Deref for Shared<'_, T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.rows
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
        let s = Shared::new(&rows);
        let mut ctx = tera::Context::new();
        ctx.insert_value("rows", s.list([2, 0]));
        let out = tera::Tera::one_off("{% for r in rows %}{{ r.name }}{{ r.n }};{% endfor %}", &ctx, false).unwrap();
        assert_eq!(out, "c3;a1;");
    }

    #[test]
    fn a_row_is_made_once_and_shared() {
        let rows = [Row { name: "a", n: 1 }];
        let s = Shared::new(&rows);
        let (x, y) = (s.value(0), s.value(0));
        assert!(x.is_map());
        assert_eq!(x, y);
        assert!(s.values[0].as_ref().is_some_and(|v| v.get().is_some()));
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn a_row_not_kept_is_handed_from_its_first_list_to_its_second() {
        let rows = [Row { name: "a", n: 1 }];
        let s = Shared::keeping(&rows, |_| false);
        let first = s.value(0);
        assert!(matches!(*s.handoff[0].lock().unwrap(), Handoff::Held(_)));
        assert_eq!(s.held.load(Ordering::Relaxed), 1);
        assert_eq!(s.value(0), first);
        assert!(matches!(*s.handoff[0].lock().unwrap(), Handoff::Done), "dropped after the second list");
        assert_eq!(s.held.load(Ordering::Relaxed), 0);
        assert_eq!(s.value(0), first, "a third list makes it again");
        assert!(matches!(*s.handoff[0].lock().unwrap(), Handoff::Done));
    }

    #[test]
    fn at_most_so_many_rows_not_kept_are_held() {
        let rows: Vec<Row> = (0..HELD as u32 + 10).map(|n| Row { name: "x", n }).collect();
        let s = Shared::keeping(&rows, |_| false);
        for i in 0..rows.len() {
            s.value(i);
        }
        assert_eq!(s.held.load(Ordering::Relaxed), HELD);
        assert!(matches!(*s.handoff[HELD + 5].lock().unwrap(), Handoff::Done), "past the bound: not held");
        assert_eq!(s.value(HELD + 5), s.value(HELD + 5));
    }

    #[test]
    fn rows_not_kept_are_made_each_time() {
        let rows = [Row { name: "a", n: 1 }, Row { name: "b", n: 2 }];
        let s = Shared::keeping(&rows, |r| r.n == 2);
        assert_eq!(s.value(0), s.value(0));
        assert!(s.values[0].is_none());
        s.value(1);
        assert!(s.values[1].as_ref().is_some_and(|v| v.get().is_some()));
    }
}
