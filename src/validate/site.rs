//! Rules across files: unique ids, unique action-item ids, existing
//! `related` ids.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Postmortem;
use crate::text::closest;
use std::collections::HashMap;

pub fn check(pms: &[&Postmortem]) -> Vec<Diagnostic> {
    let mut out = Vec::new();

    // hash maps: at 100,000 postmortems ordered maps cost a tenth of a second
    let mut by_id: HashMap<&str, Vec<&str>> = HashMap::with_capacity(pms.len());
    for pm in pms {
        by_id.entry(&pm.id).or_default().push(&pm.file);
    }
    for pm in pms {
        let files = &by_id[pm.id.as_str()];
        if files.len() > 1 {
            let others: Vec<&str> = files.iter().copied().filter(|f| *f != pm.file).collect();
            out.push(
                Diagnostic::new(
                    Code::E017,
                    &pm.file,
                    pm.id_line,
                    1,
                    format!("duplicate postmortem id `{}`: also used by {}", pm.id, others.join(", ")),
                )
                .hint("ids must be unique: set a distinct `id:` in one of the files, or rename it"),
            );
        }
    }

    let mut items: HashMap<&str, Vec<(&str, usize)>> = HashMap::with_capacity(pms.len() * 4);
    for pm in pms {
        for item in &pm.action_items {
            items.entry(&item.id).or_default().push((&pm.file, item.line));
        }
    }
    let mut shared: Vec<(&&str, &Vec<(&str, usize)>)> = items.iter().filter(|(_, places)| places.len() > 1).collect();
    shared.sort_unstable();
    for (id, places) in shared {
        for (i, (file, line)) in places.iter().enumerate() {
            let others: Vec<String> =
                places.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, (f, l))| format!("{f}:{l}")).collect();
            out.push(
                Diagnostic::new(
                    Code::E018,
                    file,
                    *line,
                    1,
                    format!("duplicate action item id `{id}`: also used at {}", others.join(", ")),
                )
                .hint("give each action item its own id, or leave `id` out to get `<postmortem id>#<n>`"),
            );
        }
    }

    // every id, sorted, for suggestions: made only when one is needed
    let mut all: Vec<&str> = Vec::new();
    for pm in pms {
        for (r, line) in pm.related.iter().zip(&pm.related_lines) {
            let r = r.trim();
            if by_id.contains_key(r) {
                continue;
            }
            if all.is_empty() {
                all = by_id.keys().copied().collect();
                all.sort_unstable();
            }
            let hint = match closest(r, &all) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "use the id of another postmortem: its `id:` or its file name without .md".to_string(),
            };
            out.push(
                Diagnostic::new(Code::E019, &pm.file, *line, 1, format!("related postmortem `{r}` does not exist"))
                    .hint(hint),
            );
        }
    }
    out
}
