#!/usr/bin/env bash
# Configures and builds vmss-sim into build/ (release; set BUILD_DIR or
# CMAKE_ARGS to change, e.g. CMAKE_ARGS=-DVMSS_SANITIZE=ON for the dev build).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} ${CMAKE_ARGS:-}
cmake --build "$build_dir" -j2
