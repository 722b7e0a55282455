//! The data files beside the pages: feed, search index, JSON and CSV. A
//! build makes them straight from the model; `retro serve` keeps every
//! postmortem's share of them, so that after an edit of one postmortem
//! only its share is made again and the files are joined from the shares
//! (at 10,000 postmortems about 15 ms instead of 150).

use super::site::Site;
use super::{api, csv, search, Emit};
use rayon::prelude::*;

/// Every postmortem's share of the exports, in site order; empty until
/// first needed.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    by_pm: Vec<PmParts>,
}

#[derive(Debug)]
struct PmParts {
    json: Vec<u8>,
    items_json: Vec<u8>,
    csv: String,
    items_csv: String,
    search: Vec<u8>,
}

fn pm_parts(site: &Site, i: usize) -> PmParts {
    let (pms, m, cfg) = (site.pms, site.m, site.cfg);
    let (json, items_json) = api::parts(pms, site.reports, m, cfg, api::Learned::of(site, i), i);
    let (csv, items_csv) = csv::parts(pms, site.reports, m, cfg, i);
    PmParts { json, items_json, csv, items_csv, search: search::list::part(site.row(i)) }
}

/// Hands every export to `emit`. With `kept`, from the kept shares: all
/// made first when there are none yet, else only the shares of the
/// postmortems `changed` again (the others must not have changed since).
pub(crate) fn write(site: &Site, kept: Option<(&mut Parts, &[usize])>, emit: Emit) -> std::io::Result<()> {
    let (pms, m, cfg) = (site.pms, site.m, site.cfg);
    let Some((parts, changed)) = kept else {
        emit(search::list::index(&site.all_rows()))?;
        api::exports_of(site, emit)?;
        return csv::exports(pms, site.reports, m, cfg, emit);
    };
    if parts.by_pm.len() != pms.len() {
        parts.by_pm = (0..pms.len()).into_par_iter().map(|i| pm_parts(site, i)).collect();
    } else {
        for &i in changed {
            parts.by_pm[i] = pm_parts(site, i);
        }
    }
    let by_pm = &parts.by_pm;
    emit(search::list::from_parts(by_pm.iter().map(|p| p.search.as_slice())))?;
    api::from_parts(pms, m, by_pm.iter().map(|p| (p.json.as_slice(), p.items_json.as_slice())), emit)?;
    csv::from_parts(pms, by_pm.iter().map(|p| (p.csv.as_str(), p.items_csv.as_str())), emit)
}
