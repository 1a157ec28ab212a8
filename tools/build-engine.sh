#!/usr/bin/env bash
# Build the native detection core (engine/, Rust) and put it where Python imports it:
# streams/_engine<EXT_SUFFIX>. Usage: tools/build-engine.sh [python]   (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
if ! command -v cargo >/dev/null; then
  echo "build-engine: cargo not found; the native core needs Rust (https://rustup.rs)." >&2
  exit 1
fi
suffix=$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
cargo build --release --quiet --manifest-path engine/Cargo.toml
# a new file renamed into place: a process that has the old one loaded keeps it intact
cp engine/target/release/lib_engine.so "streams/.engine$suffix.tmp"
mv -f "streams/.engine$suffix.tmp" "streams/_engine$suffix"
echo "build-engine: streams/_engine$suffix"
