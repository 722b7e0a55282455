//! `retro report`: the follow-through digest a CI job posts to a chat or an
//! issue — action items overdue as of today by owner, postmortems awaiting
//! review, items closed in the last seven days — as Markdown, or as JSON
//! for scripts. The numbers are the site's: the same metrics make both.

use super::args::ReportFormat;
use super::{load_site, resolve_today, Format, Stop, EXIT_OK, EXIT_PROBLEMS};
use crate::config::Config;
use crate::diagnostic::{summary_line, tally, Kind};
use crate::metrics::Metrics;
use crate::model::{ActionItem, Postmortem};
use crate::routes::Route;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

pub(crate) struct ReportOptions {
    pub(crate) root: PathBuf,
    pub(crate) today: Option<NaiveDate>,
    pub(crate) format: ReportFormat,
}

/// Items closed this many days back, today included, count as recent.
pub(crate) const RECENT_DAYS: i64 = 7;

pub(crate) fn run(opts: &ReportOptions) -> Result<u8, Stop> {
    let cfg = load_site(&opts.root, Format::Human)?;
    let today = resolve_today(opts.today, &cfg)?;
    let analysis = crate::analyze(&cfg);
    if analysis.diags.iter().any(|d| d.kind() == Kind::Error) {
        let errors = analysis.diags.iter().filter(|d| d.kind() == Kind::Error).cloned().collect();
        return Err(Stop::Problems {
            diags: errors,
            texts: analysis.sources.clone(),
            format: Format::Human,
            notes: vec![
                summary_line(tally(&analysis.diags), analysis.file_count),
                format!("report failed: fix the errors first (`{}`)", super::command(&cfg.root, "check")),
            ],
            code: EXIT_PROBLEMS,
        });
    }
    let m = crate::metrics::compute(&analysis.postmortems, &cfg, today);
    let digest = Digest::of(&analysis.postmortems, &m, today);
    match opts.format {
        ReportFormat::Markdown => print!("{}", digest.markdown(&cfg)),
        ReportFormat::Json => println!("{}", serde_json::to_string_pretty(&digest.json(&cfg)).unwrap_or_default()),
    }
    Ok(EXIT_OK)
}

/// The digest as JSON: fields in this order in every build.
#[derive(Serialize)]
pub(crate) struct DigestJson<'a> {
    today: String,
    title: String,
    overdue: Vec<OwnerItems<'a>>,
    awaiting_review: Vec<Awaiting<'a>>,
    closed_recently: Vec<ItemJson<'a>>,
}

#[derive(Serialize)]
struct OwnerItems<'a> {
    owner: &'a str,
    items: Vec<ItemJson<'a>>,
}

#[derive(Serialize)]
struct ItemJson<'a> {
    postmortem: &'a str,
    id: &'a str,
    title: Option<&'a str>,
    owner: Option<&'a str>,
    due: Option<&'a str>,
    status: &'static str,
    closed: Option<&'a str>,
    days_overdue: Option<i64>,
}

#[derive(Serialize)]
struct Awaiting<'a> {
    id: &'a str,
    title: Option<&'a str>,
    severity: Option<&'a str>,
    status: &'static str,
    review_due: Option<String>,
    url: Option<String>,
}

/// An item and its postmortem, by index.
type At = (usize, usize);

/// What the digest says.
pub(crate) struct Digest<'a> {
    pms: &'a [Postmortem],
    m: &'a Metrics,
    today: NaiveDate,
    /// Overdue items by owner, each owner's most overdue first.
    overdue: BTreeMap<String, Vec<At>>,
    /// Postmortems past their review deadline, the longest late first.
    awaiting: Vec<usize>,
    /// Items closed in the last [`RECENT_DAYS`] days, most recent first.
    closed: Vec<At>,
}

impl<'a> Digest<'a> {
    pub(crate) fn of(pms: &'a [Postmortem], m: &'a Metrics, today: NaiveDate) -> Digest<'a> {
        let all = || (0..pms.len()).flat_map(|i| (0..pms[i].action_items.len()).map(move |j| (i, j)));
        let mut overdue: BTreeMap<String, Vec<At>> = BTreeMap::new();
        for (i, j) in all().filter(|&(i, j)| m.items[i][j].overdue) {
            let owner = pms[i].action_items[j].owner.clone().unwrap_or_else(|| "(no owner)".into());
            overdue.entry(owner).or_default().push((i, j));
        }
        for list in overdue.values_mut() {
            list.sort_by_key(|&(i, j)| (std::cmp::Reverse(m.items[i][j].days_overdue), i, j));
        }
        let awaiting = crate::metrics::awaiting_review(m);
        let closed_day = |(i, j): At| pms[i].action_items[j].closed.as_ref().map(|c| c.date);
        let mut closed: Vec<At> = all()
            .filter(|&at| closed_day(at).is_some_and(|d| d <= today && (today - d).num_days() < RECENT_DAYS))
            .collect();
        closed.sort_by_key(|&at| (std::cmp::Reverse(closed_day(at)), at));
        Digest { pms, m, today, overdue, awaiting, closed }
    }

    fn item(&self, (i, j): At) -> &ActionItem {
        &self.pms[i].action_items[j]
    }

    /// A link to postmortem `i` where the site has a full address.
    fn link(&self, cfg: &Config, i: usize) -> Option<String> {
        cfg.base_url.starts_with("http").then(|| Route::Postmortem(self.pms[i].id.clone()).url(&cfg.base_url))
    }

    pub(crate) fn markdown(&self, cfg: &Config) -> String {
        let mut s = String::new();
        let count: usize = self.overdue.values().map(Vec::len).sum();
        let _ = writeln!(s, "# Follow-through, {}: {}\n", self.today, cfg.title);
        let _ = writeln!(s, "## Overdue action items: {count}\n");
        if count == 0 {
            s.push_str("None: every open action item is within its due date.\n\n");
        }
        for (owner, items) in &self.overdue {
            let _ = writeln!(s, "### {owner}: {}\n", items.len());
            for &at in items {
                let it = self.item(at);
                let days = self.m.items[at.0][at.1].days_overdue.unwrap_or(0);
                let due = it.due.as_ref().map_or("", |d| d.raw.as_str());
                let _ = writeln!(
                    s,
                    "- **{} days overdue** (due {due}) {}{} — {}",
                    days,
                    it.title.as_deref().unwrap_or("(untitled)"),
                    self.given_id(at),
                    self.pm_ref(cfg, at.0)
                );
            }
            s.push('\n');
        }
        let _ = writeln!(s, "## Postmortems awaiting review: {}\n", self.awaiting.len());
        if self.awaiting.is_empty() {
            s.push_str("None past its deadline.\n\n");
        }
        for &i in &self.awaiting {
            let due = self.m.reviews[i].due.unwrap_or(self.today);
            let late = (self.today - due).num_days();
            let _ = writeln!(
                s,
                "- {} — still `{}`, due final {due}, {late} day{} ago",
                self.pm_ref(cfg, i),
                self.pms[i].status.as_str(),
                if late == 1 { "" } else { "s" }
            );
        }
        if !self.awaiting.is_empty() {
            s.push('\n');
        }
        let _ = writeln!(s, "## Closed in the last {RECENT_DAYS} days: {}\n", self.closed.len());
        if self.closed.is_empty() {
            s.push_str("None.\n");
        }
        for &at in &self.closed {
            let it = self.item(at);
            let _ = writeln!(
                s,
                "- {}{} — {} on {} by {} — {}",
                it.title.as_deref().unwrap_or("(untitled)"),
                self.given_id(at),
                it.status.label(),
                it.closed.as_ref().map_or("", |c| c.raw.as_str()),
                it.owner.as_deref().unwrap_or("(no owner)"),
                self.pm_ref(cfg, at.0)
            );
        }
        s
    }

    /// " `PAY-12`" for an id the writer gave; nothing for one retro made up.
    fn given_id(&self, at: At) -> String {
        let id = &self.item(at).id;
        if crate::render::view::is_generated_id(id, &self.pms[at.0].id) {
            String::new()
        } else {
            format!(" `{id}`")
        }
    }

    /// "SEV1 Card payments declined…", linked where the site has an address.
    fn pm_ref(&self, cfg: &Config, i: usize) -> String {
        let pm = &self.pms[i];
        let title = pm.display_title();
        let sev = pm.severity.as_deref().unwrap_or("—");
        match self.link(cfg, i) {
            Some(url) => format!("{sev} [{title}]({url})"),
            None => format!("{sev} {title}"),
        }
    }

    pub(crate) fn json(&self, cfg: &Config) -> DigestJson<'_> {
        let item = |at: At| -> ItemJson<'_> {
            let (i, j) = at;
            let it = self.item(at);
            ItemJson {
                postmortem: &self.pms[i].id,
                id: &it.id,
                title: it.title.as_deref(),
                owner: it.owner.as_deref(),
                due: it.due.as_ref().map(|d| d.raw.as_str()),
                status: it.status.as_str(),
                closed: it.closed.as_ref().map(|c| c.raw.as_str()),
                days_overdue: self.m.items[i][j].days_overdue,
            }
        };
        DigestJson {
            today: self.today.to_string(),
            title: cfg.title.clone(),
            overdue: self
                .overdue
                .iter()
                .map(|(owner, items)| OwnerItems { owner, items: items.iter().map(|&at| item(at)).collect() })
                .collect(),
            awaiting_review: self
                .awaiting
                .iter()
                .map(|&i| Awaiting {
                    id: &self.pms[i].id,
                    title: self.pms[i].title.as_deref(),
                    severity: self.pms[i].severity.as_deref(),
                    status: self.pms[i].status.as_str(),
                    review_due: self.m.reviews[i].due.map(|d| d.to_string()),
                    url: self.link(cfg, i),
                })
                .collect(),
            closed_recently: self.closed.iter().map(|&at| item(at)).collect(),
        }
    }
}
