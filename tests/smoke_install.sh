#!/usr/bin/env bash
# What a user installs, tried as a user would: builds the sdist and, from it, the wheel; installs
# the wheel into a fresh venv outside the checkout and runs it from another folder (--version,
# a demo sync as JSON, the window offscreen); then builds the one-folder app with PyInstaller
# (build.spec) and runs the binary the same way. Called by tests/run.sh; runs on its own too:
#   bash tests/smoke_install.sh            (keeps nothing; KEEP=1 keeps the scratch folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python}
work=$(mktemp -d "${TMPDIR:-/tmp}/esync-smoke.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then echo "smoke: scratch folder $work"; else trap 'rm -rf "$work"' EXIT; fi
# Nothing of the checkout may leak into the runs: no PYTHONPATH, another working folder.
unset PYTHONPATH
mkdir -p "$work/elsewhere"

step() { printf '\nsmoke: %s\n' "$*"; }
fail() { printf 'smoke FAILED: %s\n' "$*" >&2; exit 1; }

version=$("$python" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$root/pyproject.toml")

step "build the sdist, then the wheel from it"
"$python" -m build --outdir "$work/dist" "$root" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
wheel=$(ls "$work"/dist/*.whl)
"$python" - "$wheel" "$work"/dist/*.tar.gz <<'EOF' || fail "the wheel or sdist lacks files"
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1], sys.argv[2]
need = ["esync_desktop/resources/style.qss", "esync_desktop/resources/icons/app.svg",
        "esync_desktop/resources/icons/app-256.png", "esync_desktop/resources/icons/tray-idle.svg"]
names = zipfile.ZipFile(wheel).namelist()
missing = [n for n in need if n not in names]
missing += ["LICENSE (wheel)"] if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names) else []
sdist_names = [n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n]
missing += [f"{n} (sdist)" for n in [*need, "LICENSE"] if n not in sdist_names]
if missing:
    sys.exit(f"missing: {missing}")
print(f"wheel and sdist carry the resources and LICENSE ({len(names)} files in the wheel)")
EOF

step "install the wheel into a fresh venv ($work/venv)"
"$python" -m venv "$work/venv"
venv="$work/venv/bin"

# Each run gets its own settings/data/log folders and HOME, so nothing of the user's is touched.
run_in() {  # run_in NAME CMD...: in another folder, private ESYNC_HOME; output in $work/NAME.*
  local name=$1; shift
  local rc=0
  mkdir -p "$work/home-$name"
  (cd "$work/elsewhere" && env HOME="$work/home-$name" ESYNC_HOME="$work/home-$name/esync" \
    QT_QPA_PLATFORM=offscreen "$@" >"$work/$name.out" 2>"$work/$name.err") || rc=$?
  if [ "$rc" != 0 ]; then cat "$work/$name.out" "$work/$name.err"; fail "$name exited with $rc"; fi
}

pip_install() {  # pip_install ARGS...: into the smoke venv, quiet unless it fails
  "$venv/python" -m pip install --disable-pip-version-check "$@" >"$work/pip.log" 2>&1 \
    || { cat "$work/pip.log"; fail "pip install $*"; }
}

check_version() {  # check_version NAME
  grep -qx "eSync Desktop $version" "$work/$1.out" || { cat "$work/$1.out"; fail "$1: no version $version"; }
  cat "$work/$1.out"
}

check_json() {  # check_json NAME: a demo run's JSON with rows and counts, every row with an outcome
  "$venv/python" - "$work/$1.out" <<'EOF' || fail "$1: unexpected JSON"
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
rows = [row for action in report["actions"] for row in action["rows"]]
assert rows, "no rows"
assert all(row["outcome"] in report["summary"] for row in rows), "a row without a known outcome"
assert all(row["reason"] for row in rows if row["outcome"] == "skip"), "a skip without a reason"
# The demo stores start with products to create, and nothing fails on them.
assert report["summary"]["create"] > 0 and report["summary"]["fail"] == 0, report["summary"]
assert not report.get("cancelled", False)
print(f"{len(rows)} rows, summary {report['summary']}, api calls {report['api_calls']}")
EOF
}

check_window() {  # check_window NAME: started, quit by itself, nothing alarming said or logged
  local log
  if grep -iE 'traceback|missing|not found|cannot|could not|error' "$work/$1.err"; then
    fail "$1: the window reported a problem (above)"
  fi
  log=$(find "$work/home-$1" -name esync-desktop.log | head -n 1)
  [ -n "$log" ] || fail "$1: no log file"
  if grep -E ' (ERROR|CRITICAL) |Traceback' "$log"; then fail "$1: the log has errors (above)"; fi
  echo "window started and quit; stderr: $(tr '\n' ' ' <"$work/$1.err")"
}

pip_install "$wheel"

try_app() {  # try_app LABEL BINARY COMMAND: --version, COMMAND --demo --json, the window
  local label=$1 binary=$2 command=$3
  step "$label: $(basename "$binary") --version"
  run_in "$label-version" "$binary" --version
  check_version "$label-version"
  step "$label: $(basename "$binary") $command --demo --json --action send-standard"
  run_in "$label-$command" "$binary" "$command" --demo --json --action send-standard
  check_json "$label-$command"
  step "$label: the window, offscreen, until ESYNC_QUIT_AFTER_MS=4000 closes it"
  run_in "$label-window" env ESYNC_QUIT_AFTER_MS=4000 timeout 60 "$binary"
  check_window "$label-window"
}

try_app installed "$venv/esync-desktop" sync

step "PyInstaller: build.spec into $work/app"
pip_install 'pyinstaller>=6.10,<7'
started=$SECONDS
(cd "$work/elsewhere" && "$venv/pyinstaller" --noconfirm --log-level WARN \
  --distpath "$work/app" --workpath "$work/pyinstaller" "$root/build.spec") \
  >"$work/pyinstaller.log" 2>&1 || { cat "$work/pyinstaller.log"; fail "pyinstaller"; }
app="$work/app/eSyncDesktop/eSyncDesktop"
[ -x "$app" ] || fail "no $app"
echo "built in $((SECONDS - started)) s: $(du -sh "$work/app/eSyncDesktop" | cut -f1) in $work/app/eSyncDesktop"

try_app frozen "$app" preview

printf '\nsmoke: the installed wheel and the frozen app start and run\n'
