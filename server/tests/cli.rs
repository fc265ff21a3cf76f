//! The `buurtfonds` binary as an operator meets it: subcommands, one-line
//! errors with a non-zero exit, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn buurtfonds() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_buurtfonds"));
    cmd.env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    cmd
}

fn one_line_error(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "expected failure");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(stderr.trim().lines().count(), 1, "one line, got: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("buurtfonds: "));
    stderr
}

#[test]
fn a_missing_config_file_is_named() {
    let out = buurtfonds()
        .args(["--config", "/nonexistent/bf.toml", "migrate"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("/nonexistent/bf.toml"));
}

#[test]
fn a_broken_config_value_is_named() {
    let out = buurtfonds()
        .env("BUURTFONDS_LISTEN_ADDR", "not-an-address")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("listen_addr"));
}

#[test]
fn an_unreachable_database_is_a_one_line_error() {
    let out = buurtfonds()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nothing")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("cannot reach the database"));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("nobody@"),
        "no URL (which may hold a password) in errors"
    );
}

#[test]
fn config_file_then_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bf.toml");
    std::fs::write(
        &file,
        format!(
            "database_url = \"sqlite://{}/f.db?mode=rwc\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let from_file = buurtfonds()
        .args(["--config", file.to_str().unwrap(), "migrate"])
        .output()
        .unwrap();
    assert!(from_file.status.success(), "{from_file:?}");
    assert!(dir.path().join("f.db").exists());

    let env_url = format!("sqlite://{}/e.db?mode=rwc", dir.path().display());
    let from_env = buurtfonds()
        .args(["--config", file.to_str().unwrap(), "migrate"])
        .env("DATABASE_URL", env_url)
        .output()
        .unwrap();
    assert!(from_env.status.success());
    assert!(
        dir.path().join("e.db").exists(),
        "the environment overrides the file"
    );
}

#[test]
fn seed_demo_then_serve_then_stop_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/demo.db?mode=rwc", dir.path().display());
    let seeded = buurtfonds()
        .args(["seed", "demo"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let stdout = String::from_utf8_lossy(&seeded.stdout);
    assert!(
        stdout.contains("admin@buurtfonds.test") && stdout.contains("buurtfonds-demo"),
        "passwords printed"
    );

    let again = buurtfonds()
        .args(["seed", "demo", "--if-empty"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already has data"));

    let mut child = buurtfonds()
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("BUURTFONDS_LISTEN_ADDR", "127.0.0.1:0")
        .env("BUURTFONDS_DATA_DIR", dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Log lines (the warning about the local bank-account key) may come first.
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "no listening line"
        );
    }
    assert!(
        dir.path().join("bank-account.key").exists(),
        "a local setup keeps its generated key in the data directory"
    );
    let addr = line.trim().rsplit("http://").next().unwrap().to_string();
    let health = std::net::TcpStream::connect(&addr);
    assert!(health.is_ok(), "listening at {addr}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut waited = 0;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(waited < 100, "did not stop within 10 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    };
    assert!(status.success(), "a clean exit after SIGTERM: {status:?}");
}
