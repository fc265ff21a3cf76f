# Buurtfonds — the two commands of the README, and a few more.
#   make run   install what is missing, build, start on http://127.0.0.1:3000 with demo data
#   make test  every check: format, clippy, unit, integration (SQLite + PostgreSQL) and browser tests
.PHONY: run test setup setup-test build release release-check lint unit browser clean

BIN := ./target/debug/buurtfonds

run: setup build
	$(BIN) seed demo --if-empty
	$(BIN) serve

test: setup-test lint build unit browser

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

build:
	scripts/build-site.sh

release: setup
	scripts/build-site.sh --release

# The release build in a real browser: it hydrates, and axe-core finds nothing.
release-check: release
	cd tests/browser && BUURTFONDS_BIN=../../target/release/buurtfonds node --test home.test.mjs

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

# Every Rust test in its own process (cargo-nextest, see .config/nextest.toml).
unit:
	cargo nextest run --workspace --no-tests=warn

browser:
	cd tests/browser && npm test

clean:
	cargo clean
