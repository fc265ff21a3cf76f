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
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("buurtfonds: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load(cli.config.as_deref())?;
    server::telemetry::init(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            let db = server::db::connect(&settings).await?;
            server::db::migrate(&db).await?;
            println!("migrations applied");
        }
        Command::Serve => {
            let app = server::startup::Application::build(&settings).await?;
            tracing::info!("listening on http://{}", app.address());
            println!("Buurtfonds is listening on http://{}", app.address());
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
