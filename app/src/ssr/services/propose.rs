//! The propose wizard on the server: every step saves into the draft at
//! once, in one transaction, after checking that this person may edit it.

use super::{lifecycle, notify, now};
use crate::api::accounts::FieldError;
use crate::api::propose::{
    is_step, BudgetLine, CoInitiatorItem, Draft, IdeaForm, NeighbourhoodChoice, PeopleForm,
    PhotoItem, StrengthLine, StrengthLineForm, MAX_BUDGET_LINES, MAX_STRENGTH_LINES, STEPS,
};
use crate::domain::{Action, State};
use crate::ssr::entities::{
    budget_lines, co_initiators, fund_neighbourhoods, funds, initiatives, neighbourhoods,
    own_strength_lines, photos,
};
use crate::ssr::error::ServiceError;
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

fn invalid(field: &'static str, code: &str) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: code.into(),
    }
}

/// Whether `user_id` started the initiative or joined it as co-initiator.
async fn is_member<C: ConnectionTrait>(
    db: &C,
    initiative: &initiatives::Model,
    user_id: i64,
) -> Result<bool, ServiceError> {
    if initiative.initiator_id == user_id {
        return Ok(true);
    }
    Ok(co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(initiative.id))
        .filter(co_initiators::Column::UserId.eq(user_id))
        .filter(co_initiators::Column::AcceptedAt.is_not_null())
        .count(db)
        .await?
        > 0)
}

/// The initiative, if `user_id` is one of its initiators; anyone else gets "not found".
async fn own<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    id: i64,
) -> Result<initiatives::Model, ServiceError> {
    let initiative = initiatives::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !is_member(db, &initiative, user_id).await? {
        return Err(ServiceError::NotFound);
    }
    Ok(initiative)
}

/// The initiative, if `user_id` may edit it now (the lifecycle decides).
pub(crate) async fn editable<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    id: i64,
) -> Result<initiatives::Model, ServiceError> {
    let initiative = own(db, user_id, id).await?;
    lifecycle::check(db, &initiative, Some(user_id), &Action::Edit).await?;
    Ok(initiative)
}

/// The further of the stored step and `step`: resuming goes to the furthest step reached.
fn furthest(stored: &str, step: &str) -> String {
    let at = |s: &str| STEPS.iter().position(|x| *x == s).unwrap_or(0);
    if at(step) > at(stored) {
        step.to_string()
    } else {
        stored.to_string()
    }
}

/// Runs `f` in a transaction on an initiative `user_id` may edit, then
/// records that the wizard reached `step`.
async fn edit<F>(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    step: &str,
    f: F,
) -> Result<(), ServiceError>
where
    F: for<'a> FnOnce(
        &'a sea_orm::DatabaseTransaction,
        initiatives::Model,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), ServiceError>> + Send + 'a>,
    >,
{
    let txn = db.begin().await?;
    let initiative = editable(&txn, user_id, id).await?;
    let reached = furthest(&initiative.wizard_step, step);
    f(&txn, initiative).await?;
    initiatives::Entity::update_many()
        .col_expr(initiatives::Column::WizardStep, Expr::value(reached))
        .col_expr(initiatives::Column::UpdatedAt, Expr::value(now()))
        .filter(initiatives::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Step 1: creates the draft (without `id`) or changes its idea. Returns its id.
///
/// # Errors
/// Not found / not allowed, or a database error.
pub async fn save_idea(
    db: &DatabaseConnection,
    user_id: i64,
    id: Option<i64>,
    form: &IdeaForm,
) -> Result<i64, ServiceError> {
    let Some(id) = id else {
        let txn = db.begin().await?;
        let at = now();
        let id = initiatives::Entity::insert(initiatives::ActiveModel {
            kind: Set(form.kind.clone()),
            title: Set(form.title.clone()),
            description: Set(form.description.clone()),
            beneficiaries: Set(String::new()),
            state: Set(State::Draft.as_str().into()),
            wizard_step: Set("people".into()),
            initiator_id: Set(user_id),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        lifecycle::record_created(&txn, id, user_id, at).await?;
        txn.commit().await?;
        return Ok(id);
    };
    let form = form.clone();
    edit(db, user_id, id, "people", move |txn, i| {
        Box::pin(async move {
            let mut m: initiatives::ActiveModel = i.into();
            m.kind = Set(form.kind);
            m.title = Set(form.title);
            m.description = Set(form.description);
            m.update(txn).await?;
            Ok(())
        })
    })
    .await?;
    Ok(id)
}

/// Step 2: who benefits and how many.
///
/// # Errors
/// Not found / not allowed, or a database error.
pub async fn save_people(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    form: &PeopleForm,
) -> Result<(), ServiceError> {
    let form = form.clone();
    edit(db, user_id, id, "place", move |txn, i| {
        Box::pin(async move {
            let mut m: initiatives::ActiveModel = i.into();
            m.beneficiaries = Set(form.beneficiaries);
            m.participants_expected = Set(i32::try_from(form.participants).ok());
            m.update(txn).await?;
            Ok(())
        })
    })
    .await
}

/// The fund that covers `neighbourhood_id` on `day`.
async fn fund_for<C: ConnectionTrait>(
    db: &C,
    neighbourhood_id: i64,
    day: chrono::NaiveDate,
) -> Result<Option<funds::Model>, ServiceError> {
    let covering: Vec<i64> = fund_neighbourhoods::Entity::find()
        .filter(fund_neighbourhoods::Column::NeighbourhoodId.eq(neighbourhood_id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.fund_id)
        .collect();
    Ok(funds::Entity::find()
        .filter(funds::Column::Id.is_in(covering))
        .filter(funds::Column::PeriodStart.lte(day))
        .filter(funds::Column::PeriodEnd.gte(day))
        .order_by_asc(funds::Column::PeriodEnd)
        .one(db)
        .await?)
}

/// Step 3: the neighbourhood (which decides the fund) and the dates.
///
/// # Errors
/// `neighbourhood_id`: unknown or without a fund now; not found / not allowed; a database error.
pub async fn save_place(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    neighbourhood_id: i64,
    starts_on: chrono::NaiveDate,
    ends_on: Option<chrono::NaiveDate>,
) -> Result<(), ServiceError> {
    edit(db, user_id, id, "strength", move |txn, i| {
        Box::pin(async move {
            if neighbourhoods::Entity::find_by_id(neighbourhood_id)
                .one(txn)
                .await?
                .is_none()
            {
                return Err(invalid("neighbourhood_id", "neighbourhood_missing"));
            }
            let fund = fund_for(txn, neighbourhood_id, chrono::Utc::now().date_naive())
                .await?
                .ok_or_else(|| invalid("neighbourhood_id", "no_fund"))?;
            let mut m: initiatives::ActiveModel = i.into();
            m.neighbourhood_id = Set(Some(neighbourhood_id));
            m.fund_id = Set(Some(fund.id));
            m.starts_on = Set(Some(starts_on));
            m.ends_on = Set(ends_on);
            m.update(txn).await?;
            Ok(())
        })
    })
    .await
}

/// What one post of step 4 ("Wie helpt er") changes. The step is one form,
/// so whichever button was pressed, everything typed is saved together.
#[derive(Debug, Clone)]
pub struct StrengthChange {
    /// What the resident brings themselves (may be empty until they go on).
    pub own_input: String,
    /// A helper to add, with the estimated value in cents.
    pub add: Option<(StrengthLineForm, Option<i64>)>,
    /// A helper line to remove.
    pub remove: Option<i64>,
    /// Whether the resident goes on to the budget.
    pub next: bool,
}

/// Step 4, in one transaction: removes a helper, adds one and saves what the
/// resident brings.
///
/// # Errors
/// `who` when the list is full; not found (also a line of another
/// initiative) / not allowed; a database error. Nothing is stored then.
pub async fn save_strength(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    change: StrengthChange,
) -> Result<(), ServiceError> {
    let reached = if change.next { "budget" } else { "strength" };
    edit(db, user_id, id, reached, move |txn, i| {
        Box::pin(async move {
            if let Some(line_id) = change.remove {
                let removed = own_strength_lines::Entity::delete_many()
                    .filter(own_strength_lines::Column::Id.eq(line_id))
                    .filter(own_strength_lines::Column::InitiativeId.eq(id))
                    .exec(txn)
                    .await?;
                if removed.rows_affected == 0 {
                    return Err(ServiceError::NotFound);
                }
            }
            if let Some((form, value_cents)) = change.add {
                let lines = own_strength_lines::Entity::find()
                    .filter(own_strength_lines::Column::InitiativeId.eq(id))
                    .all(txn)
                    .await?;
                if lines.len() >= MAX_STRENGTH_LINES {
                    return Err(invalid("who", "too_many_lines"));
                }
                let position = lines.iter().map(|l| l.position + 1).max().unwrap_or(0);
                own_strength_lines::Entity::insert(own_strength_lines::ActiveModel {
                    initiative_id: Set(id),
                    who: Set(form.who),
                    contribution_kind: Set(form.contribution_kind),
                    description: Set(form.description),
                    value_cents: Set(value_cents),
                    position: Set(position),
                    ..Default::default()
                })
                .exec(txn)
                .await?;
            }
            let mut m: initiatives::ActiveModel = i.into();
            m.own_input = Set(Some(change.own_input));
            m.update(txn).await?;
            Ok(())
        })
    })
    .await
}

/// What one post of step 5 (the budget) changes. The step is one form, so
/// whichever button was pressed, everything typed is saved together.
#[derive(Debug, Clone)]
pub struct BudgetChange {
    /// The own contribution, when typed.
    pub own_contribution: Option<i64>,
    /// The amount asked, when typed (required to go on).
    pub amount_asked: Option<i64>,
    /// A line to add: what for, and the amount.
    pub add: Option<(String, i64)>,
    /// A line to remove.
    pub remove: Option<i64>,
    /// Whether the resident goes on to the photos: then the amounts must fit.
    pub next: bool,
}

async fn budget_total<C: ConnectionTrait>(db: &C, id: i64) -> Result<i64, ServiceError> {
    Ok(budget_lines::Entity::find()
        .filter(budget_lines::Column::InitiativeId.eq(id))
        .all(db)
        .await?
        .iter()
        .map(|l| l.cents)
        .sum())
}

/// Step 5, in one transaction: removes a line, adds one and saves the
/// amounts. Going on, the amount asked may not exceed the fund's maximum
/// grant, nor what the budget still needs after the own contribution (the
/// submission checks the same again).
///
/// # Errors
/// `item` when the list is full; `amount_asked` / `own_contribution` for
/// amounts that do not fit; not found (also a line of another initiative) /
/// not allowed; a database error. Nothing is stored then.
pub async fn save_budget(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    change: BudgetChange,
) -> Result<(), ServiceError> {
    let reached = if change.next { "photos" } else { "budget" };
    edit(db, user_id, id, reached, move |txn, i| {
        Box::pin(async move {
            if let Some(line_id) = change.remove {
                let removed = budget_lines::Entity::delete_many()
                    .filter(budget_lines::Column::Id.eq(line_id))
                    .filter(budget_lines::Column::InitiativeId.eq(id))
                    .exec(txn)
                    .await?;
                if removed.rows_affected == 0 {
                    return Err(ServiceError::NotFound);
                }
            }
            if let Some((item, cents)) = change.add {
                let lines = budget_lines::Entity::find()
                    .filter(budget_lines::Column::InitiativeId.eq(id))
                    .all(txn)
                    .await?;
                if lines.len() >= MAX_BUDGET_LINES {
                    return Err(invalid("item", "too_many_lines"));
                }
                let position = lines.iter().map(|l| l.position + 1).max().unwrap_or(0);
                budget_lines::Entity::insert(budget_lines::ActiveModel {
                    initiative_id: Set(id),
                    item: Set(item),
                    cents: Set(cents),
                    position: Set(position),
                    ..Default::default()
                })
                .exec(txn)
                .await?;
            }
            let own = change.own_contribution.unwrap_or(i.own_contribution_cents);
            let asked = change.amount_asked.unwrap_or(i.amount_asked_cents);
            if change.next {
                let total = budget_total(txn, id).await?;
                if total == 0 {
                    return Err(invalid("amount_asked", "budget_empty"));
                }
                if own > total {
                    return Err(invalid("own_contribution", "own_above_total"));
                }
                if asked > total - own {
                    return Err(invalid("amount_asked", "asked_above_need"));
                }
                let fund_id = i
                    .fund_id
                    .ok_or_else(|| invalid("amount_asked", "place_first"))?;
                let fund = funds::Entity::find_by_id(fund_id)
                    .one(txn)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                if asked > fund.max_grant_cents {
                    return Err(invalid("amount_asked", "above_max_grant"));
                }
            }
            let mut m: initiatives::ActiveModel = i.into();
            m.own_contribution_cents = Set(own);
            m.amount_asked_cents = Set(asked);
            m.update(txn).await?;
            Ok(())
        })
    })
    .await
}

/// Records that the resident went on to `step` (steps without a question).
///
/// # Errors
/// Not found / not allowed; a database error.
pub async fn reach_step(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    step: &str,
) -> Result<(), ServiceError> {
    if !is_step(step) {
        return Err(ServiceError::NotFound);
    }
    edit(db, user_id, id, step, |_, _| Box::pin(async { Ok(()) })).await
}

/// The lines of an initiative — own strength, budget, photos — as every
/// view of it shows them, in their order.
pub(crate) struct Parts {
    pub strength: Vec<StrengthLine>,
    pub budget: Vec<BudgetLine>,
    pub photos: Vec<PhotoItem>,
}

impl Parts {
    pub(crate) async fn load<C: ConnectionTrait>(db: &C, id: i64) -> Result<Parts, ServiceError> {
        let strength = own_strength_lines::Entity::find()
            .filter(own_strength_lines::Column::InitiativeId.eq(id))
            .order_by_asc(own_strength_lines::Column::Position)
            .order_by_asc(own_strength_lines::Column::Id)
            .all(db)
            .await?;
        let budget = budget_lines::Entity::find()
            .filter(budget_lines::Column::InitiativeId.eq(id))
            .order_by_asc(budget_lines::Column::Position)
            .order_by_asc(budget_lines::Column::Id)
            .all(db)
            .await?;
        let pictures = photos::Entity::find()
            .filter(photos::Column::InitiativeId.eq(id))
            .filter(photos::Column::ReportId.is_null())
            .order_by_asc(photos::Column::Position)
            .order_by_asc(photos::Column::Id)
            .all(db)
            .await?;
        Ok(Parts {
            strength: strength
                .into_iter()
                .map(|l| StrengthLine {
                    id: l.id,
                    who: l.who,
                    contribution_kind: l.contribution_kind,
                    description: l.description,
                    value_cents: l.value_cents,
                })
                .collect(),
            budget: budget
                .into_iter()
                .map(|l| BudgetLine {
                    id: l.id,
                    item: l.item,
                    cents: l.cents,
                })
                .collect(),
            photos: pictures
                .into_iter()
                .map(|p| PhotoItem {
                    id: p.id,
                    alt: p.alt_text,
                })
                .collect(),
        })
    }
}

/// What is still missing before `draft` can be submitted.
fn missing(d: &Draft) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut need = |ok: bool, field: &str, code: &str| {
        if !ok {
            out.push(FieldError {
                field: field.into(),
                code: code.into(),
            });
        }
    };
    need(!d.title.is_empty(), "idea", "missing_idea");
    need(!d.beneficiaries.is_empty(), "people", "missing_people");
    need(d.neighbourhood_id.is_some(), "place", "missing_place");
    need(!d.own_input.is_empty(), "strength", "missing_strength");
    let total = d.budget_total();
    let fits = d.amount_asked_cents > 0
        && d.amount_asked_cents <= total - d.own_contribution_cents
        && d.max_grant_cents
            .is_some_and(|max| d.amount_asked_cents <= max);
    need(!d.budget.is_empty() && fits, "budget", "missing_budget");
    out
}

/// The draft as the wizard shows it, for its initiator or a co-initiator.
///
/// # Errors
/// [`ServiceError::NotFound`] for anyone else; a database error.
pub async fn load(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<Draft, ServiceError> {
    let i = own(db, user_id, id).await?;
    let editable = lifecycle::check(db, &i, Some(user_id), &Action::Edit)
        .await
        .is_ok();
    let parts = Parts::load(db, id).await?;
    let invited = co_initiators::Entity::find()
        .filter(co_initiators::Column::InitiativeId.eq(id))
        .order_by_asc(co_initiators::Column::Id)
        .all(db)
        .await?;
    let today = chrono::Utc::now().date_naive();
    let mut choices = Vec::new();
    for n in neighbourhoods::Entity::find()
        .order_by_asc(neighbourhoods::Column::Name)
        .all(db)
        .await?
    {
        let fund = fund_for(db, n.id, today).await?;
        choices.push(NeighbourhoodChoice {
            id: n.id,
            name: n.name,
            max_grant_cents: fund.map(|f| f.max_grant_cents),
        });
    }
    let max_grant_cents = match i.fund_id {
        Some(f) => funds::Entity::find_by_id(f)
            .one(db)
            .await?
            .map(|f| f.max_grant_cents),
        None => None,
    };
    let neighbourhood_name = i
        .neighbourhood_id
        .and_then(|n| choices.iter().find(|c| c.id == n).map(|c| c.name.clone()));
    let mut draft = Draft {
        id,
        state: i.state.clone(),
        step: i.wizard_step.clone(),
        editable,
        is_initiator: i.initiator_id == user_id,
        kind: i.kind,
        title: i.title,
        description: i.description,
        beneficiaries: i.beneficiaries,
        participants: i.participants_expected.map(i64::from),
        neighbourhood_id: i.neighbourhood_id,
        neighbourhood_name,
        starts_on: i.starts_on.map(|d| d.to_string()),
        ends_on: i.ends_on.map(|d| d.to_string()),
        own_input: i.own_input.unwrap_or_default(),
        strength: parts.strength,
        budget: parts.budget,
        own_contribution_cents: i.own_contribution_cents,
        amount_asked_cents: i.amount_asked_cents,
        photos: parts.photos,
        co_initiators: invited
            .into_iter()
            .map(|c| CoInitiatorItem {
                id: c.id,
                email: c.email,
                accepted: c.accepted_at.is_some(),
            })
            .collect(),
        max_grant_cents,
        neighbourhoods: choices,
        missing: Vec::new(),
    };
    draft.missing = missing(&draft);
    Ok(draft)
}

/// Why a submission did not happen.
#[derive(Debug)]
pub enum SubmitError {
    /// Steps still to complete (field = step, code = what is missing).
    Incomplete(Vec<FieldError>),
    Service(ServiceError),
}

impl From<ServiceError> for SubmitError {
    fn from(e: ServiceError) -> Self {
        SubmitError::Service(e)
    }
}

/// Submits a complete draft (or resubmits after questions); the coaches hear of it.
///
/// # Errors
/// [`SubmitError::Incomplete`] with what is missing, or a refused step / database error.
pub async fn submit(state: &AppState, user_id: i64, id: i64) -> Result<(), SubmitError> {
    // Who may submit is decided before what is missing.
    let initiative = own(&state.db, user_id, id).await?;
    lifecycle::check(&state.db, &initiative, Some(user_id), &Action::Submit).await?;
    let draft = load(&state.db, user_id, id).await?;
    let mut missing = draft.missing;
    let verified = crate::ssr::entities::users::Entity::find_by_id(user_id)
        .one(&state.db)
        .await
        .map_err(ServiceError::from)?
        .is_some_and(|u| u.verified_at.is_some());
    if !verified {
        missing.push(FieldError {
            field: "account".into(),
            code: "verify_first".into(),
        });
    }
    if !missing.is_empty() {
        return Err(SubmitError::Incomplete(missing));
    }
    notify::perform(state, id, Some(user_id), Action::Submit, None).await?;
    Ok(())
}
