//! Open data, for anyone: the read-only JSON API under `/api/v1` (described
//! by the OpenAPI document generated from these handlers and the shared
//! types), CSV downloads of the public lists, the Atom feed of newly funded
//! initiatives and the sitemap. Only public initiatives and public fields.

use app::api::public::{
    BadParam, Browse, InitiativeList, ListedInitiative, MonthFigures, NeighbourhoodDetail,
    NeighbourhoodFund, NeighbourhoodSummary, OpenBudgetLine, OpenInitiative, OpenResult, OpenStep,
    OpenStrength, StatusCount, MAX_PAGE_SIZE, PAGE_SIZE,
};
use app::ssr::error::ServiceError;
use app::ssr::services::{initiatives, public};
use app::ssr::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::OpenApi;

/// Open data changes when coaches decide; a minute of caching is harmless.
const CACHE: &str = "public, max-age=60";
/// Rows fetched per round when writing a CSV download.
const CSV_BATCH: u64 = 1000;
/// Addresses per sitemap file (the protocol allows 50,000).
const SITEMAP_PAGE: u64 = 40_000;
/// Entries in the feed.
const FEED_ENTRIES: u64 = 50;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Buurtfonds open data",
        version = "1",
        description = "Every initiative a neighbourhood coach approved, and every neighbourhood's \
                       budget, live from the ledger. Amounts are in euro cents; dates are ISO 8601. \
                       Read-only, no key needed. Lists are newest first and paged with `after`: \
                       pass the `next` value of one page to get the next."
    ),
    paths(
        list_initiatives,
        one_initiative,
        list_neighbourhoods,
        one_neighbourhood
    ),
    components(schemas(
        InitiativeList,
        ListedInitiative,
        OpenInitiative,
        OpenStrength,
        OpenBudgetLine,
        OpenStep,
        OpenResult,
        NeighbourhoodSummary,
        NeighbourhoodDetail,
        NeighbourhoodFund,
        MonthFigures,
        StatusCount,
        BadParam,
        NotFound
    ))
)]
pub struct ApiDoc;

/// The answer to an address that holds nothing.
#[derive(Serialize, utoipa::ToSchema)]
pub struct NotFound {
    pub error: String,
}

fn json<T: Serialize>(value: &T) -> Response {
    ([(header::CACHE_CONTROL, CACHE)], Json(value)).into_response()
}

fn bad(param: &str, error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(BadParam {
            param: param.to_string(),
            error: error.to_string(),
        }),
    )
        .into_response()
}

fn failed(e: &ServiceError) -> Response {
    match e {
        ServiceError::NotFound => (
            StatusCode::NOT_FOUND,
            Json(NotFound {
                error: "not found".into(),
            }),
        )
            .into_response(),
        other => {
            tracing::error!(error = %other, "open data failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The filters of a list request, and the page size.
fn filters(raw: Option<&str>) -> Result<(Browse, u64), BadParam> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let browse = Browse::parse(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &["limit"],
    )?;
    let limit = match pairs.iter().find(|(k, _)| k == "limit") {
        None => PAGE_SIZE,
        Some((_, v)) if v.trim().is_empty() => PAGE_SIZE,
        Some((_, v)) => match v.trim().parse::<u64>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => {
                return Err(BadParam {
                    param: "limit".into(),
                    error: format!("must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                })
            }
        },
    };
    Ok((browse, limit))
}

/// Public initiatives, newest first, filtered and paged.
#[utoipa::path(
    get,
    path = "/api/v1/initiatives",
    params(
        Browse,
        ("limit" = Option<u64>, Query, description = "Initiatives per page, 1 to 100 (default 20).")
    ),
    responses(
        (status = 200, description = "One page", body = InitiativeList),
        (status = 400, description = "A bad query parameter, named", body = BadParam)
    )
)]
pub async fn list_initiatives(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (browse, limit) = match filters(raw.as_deref()) {
        Ok(f) => f,
        Err(e) => return bad(&e.param, &e.error),
    };
    match public::browse(&state.db, &browse, limit).await {
        Ok(list) => json(&list),
        Err(e) => failed(&e),
    }
}

/// One public initiative with its story, money, timeline and result.
#[utoipa::path(
    get,
    path = "/api/v1/initiatives/{id}",
    params(("id" = i64, Path, description = "The initiative's number")),
    responses(
        (status = 200, description = "The initiative", body = OpenInitiative),
        (status = 400, description = "The id is not a number", body = BadParam),
        (status = 404, description = "No public initiative with this id", body = NotFound)
    )
)]
pub async fn one_initiative(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return bad("id", "must be a whole number");
    };
    match initiatives::public(&state.db, &state.public_url, id).await {
        Ok(i) => json(&OpenInitiative::from(i)),
        Err(e) => failed(&e),
    }
}

/// Every neighbourhood with what its initiatives hold.
#[utoipa::path(
    get,
    path = "/api/v1/neighbourhoods",
    responses((status = 200, description = "Every neighbourhood", body = Vec<NeighbourhoodSummary>))
)]
pub async fn list_neighbourhoods(State(state): State<AppState>) -> Response {
    match public::neighbourhoods(&state.db, &state.figures).await {
        Ok(list) => json(&list),
        Err(e) => failed(&e),
    }
}

/// One neighbourhood: its budget figures, funds, pace and newest initiatives.
#[utoipa::path(
    get,
    path = "/api/v1/neighbourhoods/{slug}",
    params(("slug" = String, Path, description = "The neighbourhood's slug")),
    responses(
        (status = 200, description = "The neighbourhood", body = NeighbourhoodDetail),
        (status = 400, description = "Not a slug", body = BadParam),
        (status = 404, description = "No such neighbourhood", body = NotFound)
    )
)]
pub async fn one_neighbourhood(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Response {
    let probe = Browse {
        neighbourhood: Some(slug.clone()),
        ..Browse::default()
    };
    if let Err(e) = probe.check() {
        return bad("slug", &e.error);
    }
    match public::neighbourhood(&state.db, &state.figures, &slug).await {
        Ok(n) => json(&n),
        Err(e) => failed(&e),
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    match ApiDoc::openapi().to_pretty_json() {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, CACHE),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "openapi document failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn csv_response(body: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, CACHE.to_string()),
        ],
        body,
    )
        .into_response()
}

/// `GET /initiatives.csv`: every public initiative matching the filters.
pub async fn initiatives_csv(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let (mut browse, _) = match filters(raw.as_deref()) {
        Ok(f) => f,
        Err(e) => return bad(&e.param, &e.error),
    };
    let base = state.public_url.trim_end_matches('/').to_string();
    let mut out = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "id",
        "title",
        "kind",
        "status",
        "neighbourhood",
        "neighbourhood_slug",
        "granted_cents",
        "decided_on",
        "funded_on",
        "public_name",
        "url",
    ];
    if out.write_record(header_row).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    loop {
        let page = match public::browse(&state.db, &browse, CSV_BATCH).await {
            Ok(p) => p,
            Err(e) => return failed(&e),
        };
        for i in &page.items {
            // What people typed (titles, names) cannot run as a formula.
            let cell = |s: &str| app::ssr::export::cell(s).into_owned();
            let row = [
                i.id.to_string(),
                cell(&i.title),
                i.kind.clone(),
                i.status.clone(),
                cell(&i.neighbourhood),
                i.neighbourhood_slug.clone(),
                i.granted_cents.to_string(),
                i.decided_on.clone().unwrap_or_default(),
                i.funded_on.clone().unwrap_or_default(),
                cell(i.public_name.as_deref().unwrap_or_default()),
                format!("{base}/initiatives/{}", i.id),
            ];
            if out.write_record(&row).is_err() {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
        match page.next {
            Some(next) => browse.after = Some(next),
            None => break,
        }
    }
    match out.into_inner() {
        Ok(body) => csv_response(body, "buurtfonds-initiatieven.csv"),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `GET /neighbourhoods.csv`: every neighbourhood's figures.
pub async fn neighbourhoods_csv(State(state): State<AppState>) -> Response {
    let list = match public::neighbourhoods(&state.db, &state.figures).await {
        Ok(l) => l,
        Err(e) => return failed(&e),
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut ok = out
        .write_record([
            "slug",
            "name",
            "committed_cents",
            "paid_cents",
            "initiatives",
        ])
        .is_ok();
    for n in &list {
        ok &= out
            .write_record([
                n.slug.clone(),
                app::ssr::export::cell(&n.name).into_owned(),
                n.committed_cents.to_string(),
                n.paid_cents.to_string(),
                n.initiatives.to_string(),
            ])
            .is_ok();
    }
    match (ok, out.into_inner()) {
        (true, Ok(body)) => csv_response(body, "buurtfonds-buurten.csv"),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `GET /feed.xml`: an Atom feed of the most recently funded initiatives.
pub async fn feed(State(state): State<AppState>) -> Response {
    use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
    let recent = match public::recently_funded(&state.db, FEED_ENTRIES).await {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let base = state.public_url.trim_end_matches('/').to_string();
    let link = |href: String, rel: &str| {
        let mut l = Link::default();
        l.set_href(href);
        l.set_rel(rel.to_string());
        l
    };
    let mut feed = Feed::default();
    feed.set_title(Text::plain("Buurtfonds — net gefinancierd"));
    feed.set_id(format!("{base}/feed.xml"));
    feed.set_lang(Some("nl".to_string()));
    feed.set_links(vec![
        link(format!("{base}/feed.xml"), "self"),
        link(format!("{base}/initiatives"), "alternate"),
    ]);
    let mut author = Person::default();
    author.set_name("Buurtfonds");
    feed.set_authors(vec![author]);
    let newest = recent
        .first()
        .map(|(_, at)| *at)
        .unwrap_or_else(app::ssr::services::now);
    feed.set_updated(newest);
    feed.set_entries(
        recent
            .into_iter()
            .map(|(i, at)| {
                let url = format!("{base}/initiatives/{}", i.id);
                let mut entry = Entry::default();
                entry.set_title(Text::plain(i.title.clone()));
                entry.set_id(url.clone());
                entry.set_updated(at);
                entry.set_published(Some(at));
                entry.set_links(vec![link(url, "alternate")]);
                entry.set_summary(Some(Text::plain(format!(
                    "{} — {}: € {},{:02}. {}",
                    i.neighbourhood,
                    i.kind,
                    i.granted_cents / 100,
                    i.granted_cents % 100,
                    i.summary
                ))));
                let mut content = Content::default();
                content.set_value(Some(i.summary));
                content.set_content_type(Some("text".to_string()));
                entry.set_content(Some(content));
                entry
            })
            .collect::<Vec<_>>(),
    );
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        feed.to_string(),
    )
        .into_response()
}

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
        .into_response()
}

fn urlset(urls: impl Iterator<Item = String>) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        out.push_str("<url><loc>");
        out.push_str(&quick_xml::escape::escape(u.as_str()));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `GET /sitemap.xml`: an index of the sitemap files.
pub async fn sitemap_index(State(state): State<AppState>) -> Response {
    let total = match public::public_ids(&state.db, 0, 0).await {
        Ok((_, total)) => total,
        Err(e) => return failed(&e),
    };
    let base = state.public_url.trim_end_matches('/').to_string();
    let files = total.div_ceil(SITEMAP_PAGE).max(1);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut add = |loc: String| {
        out.push_str("<sitemap><loc>");
        out.push_str(&quick_xml::escape::escape(loc.as_str()));
        out.push_str("</loc></sitemap>\n");
    };
    add(format!("{base}/sitemaps/pages.xml"));
    for n in 0..files {
        add(format!("{base}/sitemaps/initiatives-{n}.xml"));
    }
    out.push_str("</sitemapindex>\n");
    xml(out)
}

/// `GET /sitemaps/pages.xml`: the fixed pages and every neighbourhood.
pub async fn sitemap_pages(State(state): State<AppState>) -> Response {
    let choices = match public::choices(&state.db).await {
        Ok(c) => c,
        Err(e) => return failed(&e),
    };
    let base = state.public_url.trim_end_matches('/').to_string();
    let fixed = ["/", "/initiatives", "/neighbourhoods", "/propose"]
        .into_iter()
        .map(|p| format!("{base}{p}"));
    let areas = choices
        .into_iter()
        .map(|(slug, _)| format!("{base}/neighbourhoods/{slug}"));
    xml(urlset(fixed.chain(areas)))
}

/// `GET /sitemaps/initiatives-{n}.xml`: one slice of the public initiatives.
pub async fn sitemap_initiatives(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Response {
    let Some(n) = file
        .strip_prefix("initiatives-")
        .and_then(|f| f.strip_suffix(".xml"))
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return failed(&ServiceError::NotFound);
    };
    let (ids, total) = match public::public_ids(&state.db, n, SITEMAP_PAGE).await {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    if ids.is_empty() && n > 0 && n.checked_mul(SITEMAP_PAGE).is_none_or(|s| s >= total) {
        return failed(&ServiceError::NotFound);
    }
    let base = state.public_url.trim_end_matches('/').to_string();
    xml(urlset(
        ids.into_iter().map(|id| format!("{base}/initiatives/{id}")),
    ))
}
