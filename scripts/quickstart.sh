#!/usr/bin/env bash
# Set up, build and run the built-in default scenario (the headline demo)
# and check its trace: the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
"${BUILD_DIR:-build}"/runners/vmss-sim run --out out/default
"${BUILD_DIR:-build}"/runners/vmss-sim trace check out/default
