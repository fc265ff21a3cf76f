//! A microcache for what visitors read: public pages and open data are
//! rendered at most once a second per address and language, however many
//! visitors ask at once, so the public side stays fast at any size of the
//! database. Figures are at most the time to live old (one second by
//! default, `BUURTFONDS_PUBLIC_CACHE_MS`) plus one render: one request per
//! address renders at a time, and while it does, others get the older copy
//! (or, when there is none, wait for it).
//!
//! Only anonymous GETs of public addresses are cached: a request with any
//! cookie but the language and the CSRF cookie (a session, kept form
//! feedback) is passed through, and so is every response that is not a
//! plain 200 or that sets a cookie. The page's CSP nonce is replaced by the
//! current request's own in every answer from the cache, and a page that
//! carries the visitor's CSRF token is never stored.

use crate::routes::security::CspNonce;
use app::ssr::session::{CsrfToken, CSRF_COOKIE};
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// At most this many addresses are kept (searches make addresses endless).
const MAX_ENTRIES: usize = 2_000;
/// Larger answers (long downloads) are not kept.
const MAX_BODY: usize = 512 * 1024;
/// All kept answers together stay below this.
const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone)]
struct Entry {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<String>,
}

/// One render at a time per address: whoever holds it renders, the others
/// wait for the result (cold) or are answered from the older copy (stale).
type RenderLock = Arc<tokio::sync::Mutex<()>>;

/// The cache, shared by every request of one server.
#[derive(Clone)]
pub struct PageCache {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    renders: Arc<Mutex<HashMap<String, RenderLock>>>,
    ttl: Duration,
}

impl PageCache {
    /// A cache whose answers live `ttl`; zero turns it off.
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            entries: Arc::default(),
            renders: Arc::default(),
            ttl,
        }
    }

    /// The kept answer, and whether it is still fresh.
    fn get(&self, key: &str) -> Option<(Entry, bool)> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .map(|e| (e.clone(), e.at.elapsed() < self.ttl))
    }

    fn remove(&self, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }

    fn render_lock(&self, key: &str) -> Option<RenderLock> {
        let mut renders = self.renders.lock().ok()?;
        if renders.len() >= MAX_ENTRIES {
            // Forget locks nobody holds.
            renders.retain(|_, l| Arc::strong_count(l) > 1);
        }
        Some(renders.entry(key.to_string()).or_default().clone())
    }

    fn put(&self, key: String, entry: Entry) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, e| e.at.elapsed() < ttl);
        }
        let kept: usize = entries.values().map(|e| e.body.len()).sum();
        if kept + entry.body.len() > MAX_BYTES {
            let ttl = self.ttl;
            entries.retain(|_, e| e.at.elapsed() < ttl);
        }
        let kept: usize = entries.values().map(|e| e.body.len()).sum();
        if entries.len() < MAX_ENTRIES && kept + entry.body.len() <= MAX_BYTES {
            entries.insert(key, entry);
        }
    }
}

/// Whether `path` is public reading.
fn public_path(path: &str) -> bool {
    path == "/"
        || path == "/initiatives"
        || path == "/neighbourhoods"
        || path == "/feed.xml"
        || path == "/sitemap.xml"
        || path.starts_with("/sitemaps/")
        || path.starts_with("/api/v1/")
        || path
            .strip_prefix("/initiatives/")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        || path
            .strip_prefix("/neighbourhoods/")
            .is_some_and(|s| !s.is_empty() && !s.contains('/'))
}

/// The cache key of a request, when it may be answered from the cache: the
/// language and the address. `None` for anything personal.
fn key_of(request: &Request) -> Option<String> {
    if request.method() != Method::GET || !public_path(request.uri().path()) {
        return None;
    }
    let mut lang = "";
    for value in request.headers().get_all(header::COOKIE) {
        for pair in value.to_str().ok()?.split(';') {
            let (name, v) = pair.trim().split_once('=')?;
            match name {
                app::i18n::LANG_COOKIE => lang = v,
                CSRF_COOKIE => {}
                _ => return None,
            }
        }
    }
    Some(format!("{lang}|{}", request.uri()))
}

fn rebuild(headers: &HeaderMap, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::OK;
    *response.headers_mut() = headers.clone();
    response
}

/// Replaces every `from` in `body` with `to`.
fn swap(body: &[u8], from: &str, to: &str) -> Bytes {
    let from = from.as_bytes();
    if from.is_empty() {
        return Bytes::copy_from_slice(body);
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = memchr::memmem::find(rest, from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to.as_bytes());
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
}

pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    if cache.ttl.is_zero() {
        return next.run(request).await;
    }
    let Some(key) = key_of(&request) else {
        return next.run(request).await;
    };
    let nonce = request.extensions().get::<CspNonce>().map(|n| n.0.clone());
    let answer = |hit: Entry| {
        let body = match (&hit.nonce, &nonce) {
            (Some(old), Some(new)) => swap(&hit.body, old, new),
            _ => hit.body.clone(),
        };
        rebuild(&hit.headers, body)
    };
    let kept = cache.get(&key);
    if let Some((hit, true)) = kept {
        return answer(hit);
    }
    let Some(lock) = cache.render_lock(&key) else {
        return next.run(request).await;
    };
    let _rendering = match kept {
        // Someone is already rendering a newer copy: the older one will do.
        Some((hit, false)) => match lock.try_lock_owned() {
            Ok(guard) => guard,
            Err(_) => return answer(hit),
        },
        // Nothing kept: wait for whoever renders it, then look again.
        _ => {
            let guard = lock.lock_owned().await;
            if let Some((hit, true)) = cache.get(&key) {
                return answer(hit);
            }
            guard
        }
    };
    let csrf = request.extensions().get::<CsrfToken>().map(|t| t.0.clone());
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        // What was kept no longer holds (an initiative withdrawn from view, say).
        cache.remove(&key);
        return response;
    }
    let (parts, body) = response.into_parts();
    // Our own public answers are bounded (pages, 100 rows of JSON, 40,000
    // sitemap lines), so reading them whole is safe.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        cache.remove(&key);
        return Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::empty())
            .unwrap_or_default();
    };
    let personal = csrf
        .as_deref()
        .is_some_and(|t| memchr::memmem::find(&bytes, t.as_bytes()).is_some());
    if !personal && bytes.len() <= MAX_BODY {
        cache.put(
            key,
            Entry {
                at: Instant::now(),
                headers: parts.headers.clone(),
                body: bytes.clone(),
                nonce,
            },
        );
    } else {
        cache.remove(&key);
    }
    Response::from_parts(parts, Body::from(bytes))
}
