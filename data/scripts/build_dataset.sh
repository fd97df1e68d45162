#!/bin/sh
# Rebuilds crates/steppe/bundled/ (the store compiled into steppe) from data/ and the
# publishers' files pinned in data/dataset.toml, read from SHARED/data-sources/.
#
#   data/scripts/build_dataset.sh [SHARED]      # default: $STEPPE_SHARED, else ../shared
#
# Every pinned sha256 is verified first; the store is built beside bundled/ and replaces it
# only when complete, so the same inputs give the same bytes. Then check it:
#   STEPPE_SHARED=SHARED cargo test -p steppe --test bundled --test bundled_data
# and rebuild whatever embeds the bundle (cargo build, maturin develop). See docs/data.md.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${1:-${STEPPE_SHARED:-$repo/../shared}}
cd "$repo"
exec cargo run --quiet -p steppe --example build_dataset -- "$shared" crates/steppe/bundled
