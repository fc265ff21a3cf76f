//! `buurtfonds`: the server binary.

use clap::{Parser, Subcommand};
use server::config::Settings;

#[derive(Parser)]
#[command(
    name = "buurtfonds",
    version,
    about = "Buurtfonds: grants for citizen initiatives"
)]
struct Cli {
    /// A TOML configuration file (optional; environment variables override it).
    #[arg(long, global = true, env = "BUURTFONDS_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the site (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill the database with data.
    #[command(subcommand)]
    Seed(Seed),
    /// Compare the ledger with Stripe's balance transactions and list every
    /// difference (exit status 0: none, 2: differences, 1: could not check).
    Reconcile,
}

#[derive(Subcommand)]
enum Seed {
    /// Demo data: neighbourhoods, a fund, a coach, an admin, residents and
    /// initiatives in every state. Prints the demo accounts.
    Demo {
        /// Leave a database that already has data alone (and still print the accounts).
        #[arg(long)]
        if_empty: bool,
    },
    /// Benchmark data: N initiatives spread over 20 neighbourhoods, into an empty database.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        initiatives: usize,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(Some(code)) => std::process::ExitCode::from(code),
        Ok(None) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("buurtfonds: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<Option<u8>> {
    let settings = Settings::load(cli.config.as_deref())?;
    server::telemetry::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            let db = server::db::connect(&settings).await?;
            server::db::migrate(&db).await?;
            println!("migrations applied");
        }
        Command::Seed(Seed::Demo { if_empty }) => {
            let db = server::db::connect(&settings).await?;
            server::db::migrate(&db).await?;
            match server::seed::demo::seed(&db, if_empty).await? {
                server::seed::demo::Outcome::Seeded { initiatives } => {
                    println!("demo data seeded: {initiatives} initiatives");
                }
                server::seed::demo::Outcome::AlreadyHasData => {
                    println!("the database already has data; no demo data added");
                }
            }
            server::seed::demo::print_accounts();
        }
        Command::Seed(Seed::Bench { initiatives }) => {
            let db = server::db::connect(&settings).await?;
            server::db::migrate(&db).await?;
            let started = std::time::Instant::now();
            let done = server::seed::bench::seed(&db, initiatives).await?;
            println!(
                "bench data seeded: {} initiatives, {} rows in {:.1} s",
                done.initiatives,
                done.rows,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Serve => {
            let app = server::startup::Application::build(&settings).await?;
            app.run_until_stopped().await?;
        }
        Command::Reconcile => return reconcile(&settings).await.map(Some),
    }
    Ok(None)
}

async fn reconcile(settings: &Settings) -> anyhow::Result<u8> {
    let Some(keys) = settings.stripe().map_err(anyhow::Error::msg)? else {
        anyhow::bail!("online payments are not set up (STRIPE_SECRET_KEY is not set)");
    };
    let gateway = keys.gateway().map_err(anyhow::Error::msg)?;
    let db = server::db::connect(settings).await?;
    server::db::migrate(&db).await?;
    let differences = app::ssr::services::payments::reconcile(&db, &gateway).await?;
    let owed = app::ssr::services::payments::owed_to_fund_bank(&db).await?;
    if !owed.is_empty() {
        println!("gifts paid out by bank, owed from the Stripe balance to the fund's bank:");
        for o in &owed {
            println!(
                "  initiative {} ({}): {} cents",
                o.initiative_id, o.title, o.cents
            );
        }
    }
    let disputes = app::ssr::services::payments::disputed_gifts(&db).await?;
    if !disputes.is_empty() {
        println!("disputed gifts:");
        for d in &disputes {
            println!(
                "  {} ({}): initiative {} ({}), {} cents held",
                d.dispute, d.outcome, d.initiative_id, d.title, d.held_cents
            );
        }
    }
    if differences.is_empty() {
        println!("reconciled: the ledger and Stripe agree (no differences)");
        return Ok(0);
    }
    println!(
        "{} difference(s) between the ledger and Stripe:",
        differences.len()
    );
    let show = |c: Option<i64>| c.map_or_else(|| "-".to_string(), |c| c.to_string());
    for d in &differences {
        println!(
            "  {}: ledger {} cents, Stripe {} cents",
            d.what,
            show(d.ledger_cents),
            show(d.stripe_cents)
        );
    }
    Ok(2)
}
