//! The fake Stripe as a program, for the browser tests:
//! `fake-stripe [ADDR]` (default `127.0.0.1:0`) prints `listening on URL`
//! and serves until killed. Tell it where to deliver webhooks with
//! `POST /_fake/webhook {"url": "…"}`.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let fake = buurtfonds_tests::fake_stripe::FakeStripe::start_on(&addr).await;
    println!("listening on {}", fake.url);
    let _ = tokio::signal::ctrl_c().await;
}
