#!/usr/bin/env bash
# Regenerates app/src/ssr/entities from a freshly migrated PostgreSQL database.
# The entities are generated code: change a migration, then run this; never edit them by hand.
# Needs sea-orm-cli 2.0.4 (cargo install sea-orm-cli --version 2.0.4) and PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
db=buurtfonds_entities_$$
psql -h 127.0.0.1 -U postgres -qc "create database $db"
trap 'psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db"' EXIT
cargo build -q --bin buurtfonds
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" ./target/debug/buurtfonds migrate
rm -rf app/src/ssr/entities
sea-orm-cli generate entity -u "postgres://postgres@127.0.0.1:5432/$db" \
  -o app/src/ssr/entities --date-time-crate chrono --ignore-tables seaql_migrations
