//! The one place that talks to Stripe: a thin gateway over the async-stripe
//! client. Everything Buurtfonds asks of Stripe goes through here, so the
//! tests can point the same code at a local stand-in by changing the base URL.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use stripe::{Client, ClientBuilder, StripeError};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionAllowedPaymentMethodTypes,
    CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionPaymentIntentData, ProductData,
};
use stripe_client_core::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_connect::account::{
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesTransfers, CreateAccountType,
};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::transfer::{CreateTransfer, ListTransfer};
use stripe_core::balance_transaction::ListBalanceTransaction;
use stripe_core::refund::CreateRefund;
use stripe_types::Currency;

/// Stripe, configured: the API client and the webhook signing secret.
#[derive(Clone)]
pub struct Gateway {
    client: Client,
    webhook_secret: Arc<str>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gateway { .. }")
    }
}

/// Why a call to Stripe did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// Stripe answered and refused; trying again with the same request will
    /// not help.
    #[error("Stripe refused: {0}")]
    Refused(String),
    /// No answer, or Stripe failed: the outcome is unknown. Retrying with the
    /// same idempotency key is safe.
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
}

impl From<StripeError> for GatewayError {
    fn from(e: StripeError) -> Self {
        match e {
            StripeError::Stripe(api, status) if (400..500).contains(&status) && status != 409 => {
                GatewayError::Refused(
                    api.message
                        .clone()
                        .unwrap_or_else(|| format!("status {status}")),
                )
            }
            other => GatewayError::Unreachable(other.to_string()),
        }
    }
}

/// One line of Stripe's balance history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceLine {
    pub id: String,
    /// `charge`, `refund`, `transfer`, `transfer_refund`, `payment`, …
    pub kind: String,
    /// The object that caused it: `ch_…`, `re_…`, `tr_…`, `trr_…`.
    pub source: Option<String>,
    /// The payment a charge or refund belongs to.
    pub payment_intent: Option<String>,
    /// The transfer a transfer or its reversal belongs to.
    pub transfer: Option<String>,
    /// Gross amount in cents, negative when money left the balance.
    pub cents: i64,
}

/// A Checkout Session that was created.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub id: String,
    pub url: String,
}

/// What a gift's Checkout page shows and where it leads back to.
#[derive(Debug, Clone)]
pub struct CheckoutRequest<'a> {
    pub donation_id: i64,
    pub initiative_id: i64,
    pub title: &'a str,
    pub cents: i64,
    pub success_url: String,
    pub cancel_url: String,
    pub locale_en: bool,
}

fn key(value: &str) -> Result<RequestStrategy, GatewayError> {
    IdempotencyKey::new(value)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| GatewayError::Refused(format!("idempotency key: {e:?}")))
}

fn metadata(pairs: &[(&str, String)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

impl Gateway {
    /// A gateway with `secret_key`, verifying webhooks with `webhook_secret`,
    /// talking to `api_base` (Stripe itself when `None`).
    ///
    /// # Errors
    /// The client cannot be built from this configuration.
    pub fn new(
        secret_key: &str,
        webhook_secret: &str,
        api_base: Option<&str>,
    ) -> Result<Gateway, String> {
        // One TLS crypto provider for the whole process (ring, as sqlx and lettre use).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = ClientBuilder::new(secret_key)
            .timeout(Duration::from_secs(20))
            .app_info("Buurtfonds", None, None);
        if let Some(base) = api_base {
            let base = if base.ends_with('/') {
                base.to_string()
            } else {
                format!("{base}/")
            };
            builder = builder.url(base);
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        Ok(Gateway {
            client,
            webhook_secret: Arc::from(webhook_secret),
        })
    }

    /// Checks a webhook's `Stripe-Signature` (HMAC-SHA256 over `t.payload`,
    /// at most five minutes old) and parses the event.
    ///
    /// # Errors
    /// A missing or wrong signature, a stale timestamp, or a payload that is
    /// not an event.
    pub fn verify(
        &self,
        payload: &str,
        signature: &str,
    ) -> Result<stripe_webhook::Event, stripe_webhook::WebhookError> {
        stripe_webhook::Webhook::construct_event(payload, signature, &self.webhook_secret)
    }

    /// [`Gateway::verify`] as of the moment `at` (Unix seconds): for an event
    /// kept for later, verified again with the signature it came with.
    ///
    /// # Errors
    /// As [`Gateway::verify`].
    pub fn verify_at(
        &self,
        payload: &str,
        signature: &str,
        at: i64,
    ) -> Result<stripe_webhook::Event, stripe_webhook::WebhookError> {
        stripe_webhook::Webhook::construct_event_with_timestamp(
            payload,
            signature,
            &self.webhook_secret,
            at,
        )
    }

    /// Opens an Express account for a resident's payouts.
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn create_account(&self, user_id: i64, email: &str) -> Result<String, GatewayError> {
        let request = CreateAccount::new()
            .type_(CreateAccountType::Express)
            .country("NL")
            .email(email)
            .capabilities(CreateAccountCapabilities {
                transfers: Some(CreateAccountCapabilitiesTransfers {
                    requested: Some(true),
                }),
                ..CreateAccountCapabilities::new()
            })
            .metadata(metadata(&[("user_id", user_id.to_string())]));
        let account = request
            .customize()
            .request_strategy(key(&format!("account-user-{user_id}"))?)
            .send(&self.client)
            .await?;
        Ok(account.id.to_string())
    }

    /// A single-use link to Stripe's hosted onboarding for `account`.
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn onboarding_link(
        &self,
        account: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<String, GatewayError> {
        let link = CreateAccountLink::new(account, CreateAccountLinkType::AccountOnboarding)
            .refresh_url(refresh_url)
            .return_url(return_url)
            .send(&self.client)
            .await?;
        Ok(link.url)
    }

    /// Transfers `cents` to `account`. `idempotency_key` comes from the
    /// payout record, so sending the same payout again returns the transfer
    /// made the first time instead of making a second one.
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn transfer(
        &self,
        idempotency_key: &str,
        account: &str,
        cents: i64,
        initiative_id: i64,
        payout_id: i64,
    ) -> Result<String, GatewayError> {
        let transfer = CreateTransfer::new(Currency::EUR, account)
            .amount(cents)
            .transfer_group(format!("initiative-{initiative_id}"))
            .description(format!("Buurtfonds initiative {initiative_id}"))
            .metadata(metadata(&[
                ("initiative_id", initiative_id.to_string()),
                ("payout_id", payout_id.to_string()),
            ]))
            .customize()
            .request_strategy(key(idempotency_key)?)
            .send(&self.client)
            .await?;
        Ok(transfer.id.to_string())
    }

    /// The transfer Stripe made for payout `payout_id` of initiative
    /// `initiative_id`, if any: looked up by the transfer group every payout
    /// of the initiative carries and the payout id in its metadata. An
    /// initiative has a handful of transfers (a payout, top-ups, retries
    /// after a reversal), so one page of 100 holds them all.
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn find_transfer(
        &self,
        initiative_id: i64,
        payout_id: i64,
    ) -> Result<Option<String>, GatewayError> {
        let list = ListTransfer::new()
            .transfer_group(format!("initiative-{initiative_id}"))
            .limit(100)
            .send(&self.client)
            .await?;
        let wanted = payout_id.to_string();
        Ok(list
            .data
            .into_iter()
            .find(|t| t.metadata.get("payout_id") == Some(&wanted))
            .map(|t| t.id.to_string()))
    }

    /// A Checkout Session (iDEAL and card, in euros) for one gift.
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn checkout(&self, req: CheckoutRequest<'_>) -> Result<Checkout, GatewayError> {
        let tags = metadata(&[
            ("donation_id", req.donation_id.to_string()),
            ("initiative_id", req.initiative_id.to_string()),
        ]);
        let product = ProductData::new(req.title);
        let price = CreateCheckoutSessionLineItemsPriceData {
            product_data: Some(product),
            unit_amount: Some(req.cents),
            ..CreateCheckoutSessionLineItemsPriceData::new(Currency::EUR)
        };
        let item = CreateCheckoutSessionLineItems {
            price_data: Some(price),
            quantity: Some(1),
            ..CreateCheckoutSessionLineItems::new()
        };
        let intent = CreateCheckoutSessionPaymentIntentData {
            metadata: Some(tags.clone()),
            ..CreateCheckoutSessionPaymentIntentData::new()
        };
        let session = CreateCheckoutSession::new()
            .mode(stripe_shared::CheckoutSessionMode::Payment)
            .allowed_payment_method_types(vec![
                CreateCheckoutSessionAllowedPaymentMethodTypes::Ideal,
                CreateCheckoutSessionAllowedPaymentMethodTypes::Card,
            ])
            .line_items(vec![item])
            .client_reference_id(req.donation_id.to_string())
            .metadata(tags)
            .payment_intent_data(intent)
            .locale(if req.locale_en {
                stripe_shared::CheckoutSessionLocale::En
            } else {
                stripe_shared::CheckoutSessionLocale::Nl
            })
            .success_url(req.success_url)
            .cancel_url(req.cancel_url)
            .customize()
            .request_strategy(key(&format!("checkout-donation-{}", req.donation_id))?)
            .send(&self.client)
            .await?;
        let url = session
            .url
            .ok_or_else(|| GatewayError::Unreachable("Checkout Session without a URL".into()))?;
        Ok(Checkout {
            id: session.id.to_string(),
            url,
        })
    }

    /// Refunds `cents` of the payment `payment_intent`; the key makes a
    /// repeated request refund once.
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn refund(
        &self,
        idempotency_key: &str,
        payment_intent: &str,
        cents: i64,
        donation_id: i64,
    ) -> Result<String, GatewayError> {
        let refund = CreateRefund::new()
            .payment_intent(payment_intent)
            .amount(cents)
            .metadata(metadata(&[("donation_id", donation_id.to_string())]))
            .customize()
            .request_strategy(key(idempotency_key)?)
            .send(&self.client)
            .await?;
        Ok(refund.id.to_string())
    }

    /// Every line of the platform's balance history, oldest pages first as
    /// Stripe lists them (newest first within the list).
    ///
    /// # Errors
    /// [`GatewayError`].
    pub async fn balance_history(&self) -> Result<Vec<BalanceLine>, GatewayError> {
        use futures_util::TryStreamExt;
        let lines: Vec<stripe_shared::BalanceTransaction> = ListBalanceTransaction::new()
            .limit(100)
            .expand(vec!["data.source".to_string()])
            .paginate()
            .stream(&self.client)
            .try_collect()
            .await?;
        Ok(lines.into_iter().map(balance_line).collect())
    }
}

fn balance_line(b: stripe_shared::BalanceTransaction) -> BalanceLine {
    use stripe_shared::BalanceTransactionSource as Src;
    use stripe_types::Expandable;
    let (source, payment_intent, transfer) = match b.source {
        Some(Expandable::Object(object)) => match *object {
            Src::Charge(c) => (
                Some(c.id.to_string()),
                c.payment_intent.map(|p| p.id().to_string()),
                None,
            ),
            Src::Refund(r) => (
                Some(r.id.to_string()),
                r.payment_intent.map(|p| p.id().to_string()),
                None,
            ),
            Src::Transfer(t) => (Some(t.id.to_string()), None, Some(t.id.to_string())),
            Src::TransferReversal(r) => (
                Some(r.id.to_string()),
                None,
                Some(r.transfer.id().to_string()),
            ),
            other => {
                use stripe_types::Object;
                (Some(other.id().to_string()), None, None)
            }
        },
        Some(Expandable::Id(id)) => (Some(id.to_string()), None, None),
        None => (None, None, None),
    };
    BalanceLine {
        id: b.id.to_string(),
        kind: b.type_.as_str().to_string(),
        source,
        payment_intent,
        transfer,
        cents: b.amount,
    }
}
