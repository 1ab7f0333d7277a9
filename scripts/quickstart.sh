#!/usr/bin/env bash
# Set up, build and run the built-in default scenario (the headline demo),
# check its trace and write its report: the README's first command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
vmss="${BUILD_DIR:-build}"/runners/vmss-sim
"$vmss" run --out out/default
"$vmss" trace check out/default
"$vmss" trace report out/default -o out/default-report.html
echo "# report: out/default-report.html (open it in a browser; docs/report.md)"
