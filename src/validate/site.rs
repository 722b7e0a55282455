//! Rules across files: unique ids, unique action-item ids, existing
//! `related` ids.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::Postmortem;
use crate::text::closest;
use std::collections::{BTreeMap, HashSet};

pub fn check(pms: &[&Postmortem]) -> Vec<Diagnostic> {
    let mut out = Vec::new();

    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
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

    let mut items: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for pm in pms {
        for item in &pm.action_items {
            items.entry(&item.id).or_default().push((&pm.file, item.line));
        }
    }
    for (id, places) in &items {
        if places.len() < 2 {
            continue;
        }
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

    let ids: HashSet<&str> = pms.iter().map(|p| p.id.as_str()).collect();
    let all: Vec<&str> = {
        let mut v: Vec<&str> = ids.iter().copied().collect();
        v.sort_unstable();
        v
    };
    for pm in pms {
        for (r, line) in pm.related.iter().zip(&pm.related_lines) {
            let r = r.trim();
            if ids.contains(r) {
                continue;
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
