#!/usr/bin/env bash
# Installs every Debian package that vmss-sim needs to build, run and test.
# Run as root (or with sudo) on a fresh Debian 12 machine.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache git
  libcaf-dev libssl-dev
  capnproto libcapnp-dev
  libprotobuf-dev protobuf-compiler
  libspdlog-dev libfmt-dev
  libgtest-dev googletest
  nlohmann-json3-dev libcli11-dev
  libicu-dev # time zones of autoscale schedules and diurnal workloads
  clang libclang-rt-14-dev # the fuzz targets (scripts/fuzz.sh)
  libcpp-httplib-dev # the live view's web server (run --view)
  chromium chromium-driver # headless tests of the report and the live view
  iproute2 # network namespaces of the multi-machine cluster test
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y "${packages[@]}"
