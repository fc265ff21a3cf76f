//! The public side: browsing and searching funded initiatives, neighbourhood
//! budgets. The same filters serve the pages, the JSON API under `/api/v1`
//! and the CSV downloads, so they are parsed and checked in one place.

use crate::domain::types::InitiativeKind;
use crate::domain::State;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Initiatives per page in lists.
pub const PAGE_SIZE: u64 = 20;
/// The most a client may ask for per page through the API.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The longest search text accepted.
pub const SEARCH_MAX_CHARS: usize = 100;
/// The longest neighbourhood slug accepted.
pub const SLUG_MAX_CHARS: usize = 64;
/// Years outside this range are refused as a filter.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The states the public may filter on: approved and later.
pub fn public_states() -> impl Iterator<Item = State> {
    State::ALL.into_iter().filter(|s| s.is_public())
}

/// Filters for the public list of initiatives. Every field is optional; an
/// empty string counts as absent (a plain form sends empty fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct Browse {
    /// Full-text search over title and description.
    pub q: Option<String>,
    /// A neighbourhood's slug.
    pub neighbourhood: Option<String>,
    /// `course`, `activity` or `other`.
    pub kind: Option<String>,
    /// `approved`, `funded`, `reporting` or `completed`.
    pub status: Option<String>,
    /// The year of the decision.
    pub year: Option<i32>,
    /// Keyset pagination: only initiatives with a smaller id (the `next`
    /// value of the previous page).
    pub after: Option<i64>,
}

/// Which query parameter was wrong, and why (in English, for the API; the
/// pages translate by parameter name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BadParam {
    pub param: String,
    pub error: String,
}

impl BadParam {
    fn new(param: &str, error: impl Into<String>) -> BadParam {
        BadParam {
            param: param.to_string(),
            error: error.into(),
        }
    }
}

impl std::fmt::Display for BadParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.param, self.error)
    }
}

fn non_empty(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

impl Browse {
    /// Reads the filters from query pairs. Parameters in `extra` are allowed
    /// and left to the caller; any other unknown or repeated parameter, and
    /// any value out of range, is refused naming the parameter.
    ///
    /// # Errors
    /// The first bad parameter.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        extra: &[&str],
    ) -> Result<Browse, BadParam> {
        let mut b = Browse::default();
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in pairs {
            if seen.contains(&key) {
                return Err(BadParam::new(key, "given more than once"));
            }
            seen.push(key);
            match key {
                "q" => b.q = non_empty(value),
                "neighbourhood" => b.neighbourhood = non_empty(value),
                "kind" => b.kind = non_empty(value),
                "status" => b.status = non_empty(value),
                "year" => {
                    b.year = non_empty(value)
                        .map(|v| v.parse::<i32>())
                        .transpose()
                        .map_err(|_| BadParam::new("year", "must be a year such as 2026"))?;
                }
                "after" => {
                    b.after = non_empty(value)
                        .map(|v| v.parse::<i64>())
                        .transpose()
                        .map_err(|_| BadParam::new("after", "must be a whole number"))?;
                }
                other if extra.contains(&other) => {}
                other => return Err(BadParam::new(other, "unknown parameter")),
            }
        }
        b.check()?;
        Ok(b)
    }

    /// Checks every filter's value.
    ///
    /// # Errors
    /// The first bad parameter.
    pub fn check(&self) -> Result<(), BadParam> {
        if let Some(q) = &self.q {
            if q.chars().count() > SEARCH_MAX_CHARS {
                return Err(BadParam::new(
                    "q",
                    format!("at most {SEARCH_MAX_CHARS} characters"),
                ));
            }
        }
        if let Some(n) = &self.neighbourhood {
            let ok = n.len() <= SLUG_MAX_CHARS
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(BadParam::new(
                    "neighbourhood",
                    "must be a neighbourhood slug (a-z, 0-9, -)",
                ));
            }
        }
        if let Some(k) = &self.kind {
            if InitiativeKind::parse(k).is_none() {
                return Err(BadParam::new(
                    "kind",
                    "must be one of course, activity, other",
                ));
            }
        }
        if let Some(s) = &self.status {
            if !public_states().any(|st| st.as_str() == s) {
                return Err(BadParam::new(
                    "status",
                    "must be one of approved, funded, reporting, completed",
                ));
            }
        }
        if let Some(y) = self.year {
            if !YEARS.contains(&y) {
                return Err(BadParam::new(
                    "year",
                    format!("must be between {} and {}", YEARS.start(), YEARS.end()),
                ));
            }
        }
        if let Some(a) = self.after {
            if a < 1 {
                return Err(BadParam::new("after", "must be a positive whole number"));
            }
        }
        Ok(())
    }

    /// The query string (without `?`) of these filters, `after` replaced.
    pub fn to_query(&self, after: Option<i64>) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{k}={}", urlencoding::encode(&v)));
            }
        };
        put("q", self.q.clone());
        put("neighbourhood", self.neighbourhood.clone());
        put("kind", self.kind.clone());
        put("status", self.status.clone());
        put("year", self.year.map(|y| y.to_string()));
        put("after", after.map(|a| a.to_string()));
        parts.join("&")
    }

    /// Whether any filter (not counting the page) is set.
    pub fn is_filtered(&self) -> bool {
        self.q.is_some()
            || self.neighbourhood.is_some()
            || self.kind.is_some()
            || self.status.is_some()
            || self.year.is_some()
    }
}

/// An initiative in a public list: no private data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ListedInitiative {
    pub id: i64,
    pub title: String,
    /// `course`, `activity` or `other`.
    pub kind: String,
    /// `approved`, `funded`, `reporting` or `completed`.
    pub status: String,
    /// The first 200 characters of the description.
    pub summary: String,
    pub neighbourhood: String,
    pub neighbourhood_slug: String,
    /// The amount granted, in euro cents.
    pub granted_cents: i64,
    /// ISO date of the decision.
    pub decided_on: Option<String>,
    /// ISO date of the payout.
    pub funded_on: Option<String>,
    /// The initiator's first or group name, only with their consent.
    pub public_name: Option<String>,
}

/// One page of a public list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InitiativeList {
    pub items: Vec<ListedInitiative>,
    /// The `after` value for the next page, when there is one.
    pub next: Option<i64>,
}

/// A neighbourhood's money at a glance, live from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NeighbourhoodSummary {
    pub slug: String,
    pub name: String,
    /// Granted to this neighbourhood's initiatives and not yet paid, in cents.
    pub committed_cents: i64,
    /// Paid out to this neighbourhood's initiatives, in cents.
    pub paid_cents: i64,
    /// Public initiatives (approved and later).
    pub initiatives: i64,
}

/// A fund that covers a neighbourhood, with what that neighbourhood drew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NeighbourhoodFund {
    pub name: String,
    /// ISO dates.
    pub period_start: String,
    pub period_end: String,
    /// The fund's whole budget, in cents.
    pub budget_cents: i64,
    /// What the fund can still commit, for every neighbourhood it covers.
    pub remaining_cents: i64,
    /// How many neighbourhoods share this fund (this one included).
    pub neighbourhoods: i64,
    /// Committed to this neighbourhood's initiatives, not yet paid.
    pub committed_cents: i64,
    /// Paid to this neighbourhood's initiatives.
    pub paid_cents: i64,
}

/// How many public initiatives are in one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

/// Cumulative figures at the end of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Drawn from the funds by the end of the month (committed and paid
    /// together), in cents.
    pub drawn_cents: i64,
    /// Paid out by the end of the month, in cents.
    pub paid_cents: i64,
}

/// A neighbourhood's page: its money, its funds, its pace, its initiatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NeighbourhoodDetail {
    pub slug: String,
    pub name: String,
    /// Budget of the funds that cover it (shared with the neighbourhoods
    /// those funds also cover), in cents.
    pub budget_cents: i64,
    pub committed_cents: i64,
    pub paid_cents: i64,
    /// What the covering funds can still commit, in cents.
    pub remaining_cents: i64,
    pub funds: Vec<NeighbourhoodFund>,
    /// Median whole days from submission to decision.
    pub median_days_to_decision: Option<f64>,
    /// Public initiatives per status.
    pub per_status: Vec<StatusCount>,
    /// The year of `months`.
    pub year: i32,
    /// Month by month, the year so far.
    pub months: Vec<MonthFigures>,
    /// The newest public initiatives.
    pub recent: Vec<ListedInitiative>,
}

/// One initiative in the open-data API: the public page's content with
/// named fields. No private data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpenInitiative {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub description: String,
    pub beneficiaries: String,
    pub participants_expected: Option<i64>,
    pub neighbourhood: String,
    pub neighbourhood_slug: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub public_name: Option<String>,
    /// The first name of the neighbourhood coach.
    pub coach: Option<String>,
    pub own_input: String,
    pub own_strength: Vec<OpenStrength>,
    pub budget_lines: Vec<OpenBudgetLine>,
    pub own_contribution_cents: i64,
    pub amount_asked_cents: i64,
    pub granted_cents: Option<i64>,
    pub paid_cents: i64,
    pub cofunded_cents: i64,
    pub funded_on: Option<String>,
    /// Addresses of the photos.
    pub photos: Vec<String>,
    pub timeline: Vec<OpenStep>,
    pub result: Option<OpenResult>,
    pub receipts: i64,
    pub receipts_cents: i64,
}

/// Help from the initiator's own network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpenStrength {
    /// `time`, `materials`, `space`, `money` or `knowledge`.
    pub kind: String,
    pub description: String,
    pub value_cents: Option<i64>,
}

/// One line of the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpenBudgetLine {
    pub item: String,
    pub cents: i64,
}

/// One step of the public timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpenStep {
    /// ISO date.
    pub on: String,
    pub step: String,
}

/// What came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OpenResult {
    pub story: String,
    pub participants: i64,
    pub spent_cents: i64,
}

impl From<crate::api::initiatives::PublicInitiative> for OpenInitiative {
    fn from(i: crate::api::initiatives::PublicInitiative) -> OpenInitiative {
        let base = i
            .url
            .trim_end_matches(&format!("/initiatives/{}", i.id))
            .to_string();
        OpenInitiative {
            id: i.id,
            url: i.url,
            title: i.title,
            kind: i.kind,
            status: i.state,
            description: i.description,
            beneficiaries: i.beneficiaries,
            participants_expected: i.participants,
            neighbourhood: i.neighbourhood,
            neighbourhood_slug: i.neighbourhood_slug,
            starts_on: i.starts_on,
            ends_on: i.ends_on,
            public_name: i.public_name,
            coach: i.coach,
            own_input: i.own_input,
            own_strength: i
                .strength
                .into_iter()
                .map(|(kind, description, value_cents)| OpenStrength {
                    kind,
                    description,
                    value_cents,
                })
                .collect(),
            budget_lines: i
                .budget
                .into_iter()
                .map(|(item, cents)| OpenBudgetLine { item, cents })
                .collect(),
            own_contribution_cents: i.own_contribution_cents,
            amount_asked_cents: i.amount_asked_cents,
            granted_cents: i.granted_cents,
            paid_cents: i.paid_cents,
            cofunded_cents: i.cofunded_cents,
            funded_on: i.funded_on,
            photos: i
                .photos
                .into_iter()
                .map(|(id, _)| format!("{base}/photos/{id}"))
                .collect(),
            timeline: i
                .timeline
                .into_iter()
                .map(|(on, step)| OpenStep { on, step })
                .collect(),
            result: i
                .result
                .map(|(story, participants, spent_cents)| OpenResult {
                    story,
                    participants,
                    spent_cents,
                }),
            receipts: i.receipts.0,
            receipts_cents: i.receipts.1,
        }
    }
}

/// One page of public initiatives. Anyone may ask; bad filters are refused.
#[server(prefix = "/sf", endpoint = "browse_initiatives", input = server_fn::codec::GetUrl)]
pub async fn browse_initiatives(
    // An empty filter has no fields in the URL at all: it must still arrive.
    #[server(default)] filter: Browse,
) -> Result<InitiativeList, ServerFnError> {
    let state = crate::ssr::serverfn::state()?;
    if let Err(e) = filter.check() {
        return Err(crate::ssr::error::ServiceError::Invalid {
            field: "filter",
            message: e.to_string(),
        }
        .into_server_error());
    }
    crate::ssr::services::public::browse(&state.db, &filter, PAGE_SIZE)
        .await
        .map_err(|e| e.into_server_error())
}

/// Every neighbourhood with its money at a glance.
#[server(prefix = "/sf", endpoint = "list_neighbourhoods", input = server_fn::codec::GetUrl)]
pub async fn list_neighbourhoods() -> Result<Vec<NeighbourhoodSummary>, ServerFnError> {
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::public::neighbourhoods(&state.db, &state.figures)
        .await
        .map_err(|e| e.into_server_error())
}

/// One neighbourhood's page; an unknown slug answers 404.
#[server(prefix = "/sf", endpoint = "load_neighbourhood", input = server_fn::codec::GetUrl)]
pub async fn load_neighbourhood(slug: String) -> Result<NeighbourhoodDetail, ServerFnError> {
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::public::neighbourhood(&state.db, &state.figures, &slug)
        .await
        .map_err(|e| e.into_server_error())
}

/// The neighbourhoods, for the filter's choices: (slug, name).
#[server(prefix = "/sf", endpoint = "neighbourhood_choices", input = server_fn::codec::GetUrl)]
pub async fn neighbourhood_choices() -> Result<Vec<(String, String)>, ServerFnError> {
    let state = crate::ssr::serverfn::state()?;
    crate::ssr::services::public::choices(&state.db)
        .await
        .map_err(|e| e.into_server_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_read_and_empty_fields_ignored() {
        let b = Browse::parse(
            [
                ("q", "repair café"),
                ("neighbourhood", "lombok"),
                ("kind", ""),
                ("year", "2026"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(b.q.as_deref(), Some("repair café"));
        assert_eq!(b.neighbourhood.as_deref(), Some("lombok"));
        assert_eq!(b.kind, None);
        assert_eq!(b.year, Some(2026));
        assert_eq!(
            b.to_query(Some(40)),
            "q=repair%20caf%C3%A9&neighbourhood=lombok&year=2026&after=40"
        );
    }

    #[test]
    fn every_bad_parameter_is_named() {
        for (pairs, param) in [
            (vec![("year", "twee")], "year"),
            (vec![("year", "1900")], "year"),
            (vec![("kind", "party")], "kind"),
            (vec![("status", "draft")], "status"),
            (vec![("status", "rejected")], "status"),
            (vec![("neighbourhood", "Lombok!")], "neighbourhood"),
            (vec![("after", "-3")], "after"),
            (vec![("after", "x")], "after"),
            (vec![("sort", "id")], "sort"),
            (vec![("q", "a"), ("q", "b")], "q"),
        ] {
            let err = Browse::parse(pairs.clone(), &[]).unwrap_err();
            assert_eq!(err.param, param, "{pairs:?}");
        }
        let long = "x".repeat(SEARCH_MAX_CHARS + 1);
        assert_eq!(
            Browse::parse([("q", long.as_str())], &[])
                .unwrap_err()
                .param,
            "q"
        );
        assert!(Browse::parse([("limit", "5")], &["limit"]).is_ok());
    }
}
