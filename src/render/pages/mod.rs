//! The HTML pages of docs/pages.md, one module per kind of page. Each
//! module renders the routes of its kind from the [`Site`] index with the
//! theme's templates, and says with `depends_on` which of its pages an
//! edit of one postmortem changes ([`Change`]).

mod factors;
mod feeds;
mod home;
mod lists;
mod periods;
mod postmortem;
mod quarter;
mod taxonomy;
mod tracker;
mod trends;

pub(crate) use trends::default_view as default_trends;

use super::change::Change;
use super::shared::Shared;
use super::site::Site;
use super::theme::{template_diagnostic, Theme};
use super::view::{self, ItemRow, Link, PmRow, Urls};
use super::{OutputFile, RenderError};
use crate::diagnostic::{Code, Diagnostic};
use crate::routes::Route;
use serde::Serialize;
use std::sync::OnceLock;

#[derive(Serialize)]
struct SevInfo {
    name: String,
    class: String,
}

/// `site` in every template.
#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    base: &'a str,
    today: String,
    timezone: &'a str,
    min_sample: usize,
    severities: Vec<SevInfo>,
    nav: Vec<Link>,
    /// The trends view the navigation leads to.
    trends: String,
}

/// `page` in every template: the page's title, path and section.
#[derive(Serialize)]
struct PageInfo<'a> {
    title: &'a str,
    path: &'a str,
    section: &'a str,
}

/// Renders pages of one site; safe to use from many threads.
pub(crate) struct Renderer<'r, 'a> {
    site: &'r Site<'a>,
    theme: &'r Theme,
    ctx: tera::Value,
    rows: Shared<'r, PmRow>,
    items: Shared<'r, ItemRow<'a>>,
    /// Shared by the home page and the trends page.
    sev1_chart: OnceLock<Result<String, Diagnostic>>,
    /// Shared by the quarter pages, the list of quarters and the trends.
    quarter_rows: OnceLock<Vec<periods::PeriodRow>>,
}

impl<'r, 'a> Renderer<'r, 'a> {
    pub(crate) fn new(site: &'r Site<'a>, theme: &'r Theme) -> Renderer<'r, 'a> {
        let (cfg, m) = (site.cfg, site.m);
        let urls = Urls { base: &cfg.base_url };
        let nav = [
            ("Overview", Route::Home),
            ("Postmortems", Route::PostmortemList(1)),
            ("Action items", Route::Tracker),
            ("Trends", site.trends()),
            ("Quarters", Route::QuarterList),
            ("Areas", Route::AreaList),
            ("Tags", Route::TagList),
        ]
        .into_iter()
        .map(|(name, route)| Link { name: name.into(), url: urls.page(&route) })
        .collect();
        let ctx = SiteCtx {
            title: &cfg.title,
            base: &cfg.base_url,
            today: m.today.format("%Y-%m-%d").to_string(),
            timezone: &m.timezone,
            min_sample: cfg.min_sample,
            severities: cfg
                .severities
                .iter()
                .map(|s| SevInfo { name: s.clone(), class: view::sev_class(cfg, Some(s)) })
                .collect(),
            nav,
            trends: urls.page(&site.trends()),
        };
        Renderer {
            site,
            theme,
            ctx: tera::Value::from_serializable(&ctx),
            rows: Shared::new(site.pms.len(), move |i| site.row(i)),
            // of the action items only the open ones are listed on many
            // pages (tracker, grouped views, quarters, home page)
            items: Shared::keeping(site.item_count(), move |k| site.item(k), |i| i.open),
            sev1_chart: OnceLock::new(),
            quarter_rows: OnceLock::new(),
        }
    }

    /// Renders the page at `route`; `None` for a route that is not a page
    /// (a data file).
    pub(crate) fn page(&self, route: &Route) -> Option<Result<OutputFile, RenderError>> {
        Some(match route {
            Route::Home => home::render(self),
            Route::PostmortemList(n) => lists::postmortems(self, *n),
            Route::NotFound => lists::not_found(self),
            Route::Postmortem(id) => postmortem::render(self, id),
            Route::Tracker
            | Route::TrackerView(_)
            | Route::ClosedItems(_)
            | Route::OpenItems(_)
            | Route::ItemsOf(..) => tracker::render(self, route),
            Route::OwnerJson(slug) => tracker::owner_json(self, slug),
            Route::Trends(per) => trends::render(self, *per),
            Route::QuarterList | Route::Quarter(_) => quarter::render(self, route),
            Route::AreaList | Route::Area(_) | Route::TagList | Route::Tag(_) => taxonomy::render(self, route),
            Route::Factors => factors::render(self),
            Route::Feed => feeds::feed(self),
            Route::Sitemap | Route::SearchIndex | Route::Search(_) | Route::Export(_) | Route::Static(_) => {
                return None
            }
        })
    }

    /// The sitemap of the pages among `routes`.
    pub(crate) fn sitemap(&self, routes: &[Route]) -> Result<OutputFile, RenderError> {
        feeds::sitemap(self, routes)
    }

    /// Renders one template into the file of `route`.
    fn render(
        &self,
        template: &str,
        route: &Route,
        title: &str,
        section: &str,
        mut ctx: tera::Context,
    ) -> Result<OutputFile, RenderError> {
        let path = route.path();
        // no page's own variables are called `site` or `page`
        ctx.insert_value("site", self.ctx.clone());
        ctx.insert("page", &PageInfo { title, path: &path, section });
        // most pages are tens of kilobytes: grow the buffer rarely
        let mut html = Vec::with_capacity(48 * 1024);
        self.theme.tera.render_to(template, &ctx, &mut html).map_err(|e| {
            template_diagnostic(&self.site.cfg.theme, &e).hint(
                "a template refers to a variable or filter that does not exist; docs/themes.md lists the variables",
            )
        })?;
        // with the default base_url, links are relative to the page
        if self.site.cfg.base_url == "/" {
            if let Some(prefix) = crate::render::relative::prefix(route) {
                html = crate::render::relative::relative(&html, &prefix);
            }
        }
        Ok(OutputFile { path, bytes: html })
    }

    /// The postmortems awaiting review past their deadline: each one's row,
    /// due day and days since.
    fn awaiting_review(&self) -> Vec<serde_json::Value> {
        let site = self.site;
        site.awaiting_review()
            .into_iter()
            .filter_map(|i| {
                let due = site.m.reviews[i].due?;
                Some(serde_json::json!({
                    "row": site.row(i),
                    "due": due.format("%Y-%m-%d").to_string(),
                    "days_late": (site.m.today - due).num_days(),
                }))
            })
            .collect()
    }

    fn urls(&self) -> Urls<'r> {
        Urls { base: &self.site.cfg.base_url }
    }

    fn sev1_chart(&self) -> Result<&str, RenderError> {
        match self.sev1_chart.get_or_init(|| trends::sev1_chart(self.site)) {
            Ok(svg) => Ok(svg),
            Err(d) => Err(RenderError::from(d.clone())),
        }
    }

    fn quarter_rows(&self) -> &[periods::PeriodRow] {
        self.quarter_rows.get_or_init(|| {
            let urls = self.urls();
            periods::rows(self.site, &self.site.m.quarters, |q| Some(urls.quarter(q)))
        })
    }
}

/// Whether the page at `route` of the site after an edit differs from the
/// page before it: a page may be rendered again needlessly, never left
/// stale.
pub(crate) fn depends_on(site: &Site, route: &Route, change: &Change) -> bool {
    if change.nav && (route.is_page() || *route == Route::NotFound) {
        return true;
    }
    match route {
        Route::Home => home::depends_on(change),
        Route::PostmortemList(n) => lists::postmortems_depend_on(site, *n, change),
        Route::NotFound => false,
        Route::Postmortem(id) => postmortem::depends_on(id, change),
        Route::Tracker
        | Route::TrackerView(_)
        | Route::ClosedItems(_)
        | Route::OpenItems(_)
        | Route::ItemsOf(..)
        | Route::OwnerJson(_) => tracker::depends_on(site, route, change),
        Route::Trends(_) => trends::depends_on(change),
        Route::QuarterList | Route::Quarter(_) => quarter::depends_on(site, route, change),
        Route::AreaList | Route::Area(_) | Route::TagList | Route::Tag(_) => taxonomy::depends_on(route, change),
        Route::Factors => factors::depends_on(change),
        // the data files show every field but the body
        Route::Feed | Route::SearchIndex | Route::Export(_) => change.front_matter,
        // the search index holds the body's words too
        Route::Search(_) => true,
        Route::Sitemap => change.routes,
        // the theme is the same before and after
        Route::Static(_) => false,
    }
}

fn chart_err(e: String) -> Diagnostic {
    Diagnostic::new(Code::T001, "charts", 1, 1, e).hint("this is a bug in retro; please report it")
}
