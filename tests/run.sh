#!/usr/bin/env bash
# Installs what the test suite needs (Debian packages when root, the project with its test extra)
# and runs it: ruff; mypy (settings in pyproject.toml); the install smoke run
# (tests/smoke_install.sh: the wheel in a fresh venv and the PyInstaller app, each started from
# outside the checkout); the quick benchmark (python -m benchmarks --quick); then pytest, in parallel (one
# worker per core), inside a private D-Bus session with an unlocked gnome-keyring.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(xvfb trayer gnome-keyring dbus libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4
      libxcb-keysyms1 libxcb-shape0 libxcb-xkb1 libxcb-render-util0 libxcb-image0 libegl1
      libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 desktop-file-utils appstream)
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  missing=()
  for deb in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

python -m pip install -q --disable-pip-version-check -e '.[test]'
python -m ruff check .
python -m ruff format --check .
python -m mypy
bash tests/smoke_install.sh
# Call counts of whole runs against the sandbox, beside what the APIs allow (never timings).
python -m benchmarks --quick

export QT_QPA_PLATFORM=offscreen
# A private home, so the keyring, settings and data of a test run touch nothing of the user's.
ESYNC_TEST_HOME=$(mktemp -d)
export ESYNC_TEST_HOME
trap 'rm -rf "$ESYNC_TEST_HOME"' EXIT
exec env HOME="$ESYNC_TEST_HOME" dbus-run-session -- bash -c '
  echo -n esync-test | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
  exec python -m pytest -n auto "$@"
' pytest "$@"
