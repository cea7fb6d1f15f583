# Shared by bin/run and bin/test: a virtual environment with the project's requirements.
set -euo pipefail
export LANG="${LANG:-C.UTF-8}" LC_ALL="${LC_ALL:-C.UTF-8}"  # a database cluster created here gets UTF-8
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

can_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }

apt_install() {
  can_apt || die "missing $*: install it (sudo apt-get install $*) and run this again"
  say "installing $* with apt-get"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON="${PYTHON:-python3}"

# WeasyPrint (certificates as PDF) needs Pango from the system.
pdf_libs_present() { ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so"; }
ensure_pdf_libs() {
  pdf_libs_present && return 0
  if can_apt; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
  elif [ "${1:-}" = required ]; then
    die "missing Pango for PDF certificates: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
  else
    say "warning: without Pango (libpango-1.0-0 libpangoft2-1.0-0) certificate PDFs cannot be made"
  fi
}

ensure_venv() {
  local requirements="$1"
  command -v "$PYTHON" >/dev/null || apt_install python3
  if [ ! -x .venv/bin/python ]; then
    say "creating the virtual environment in .venv"
    "$PYTHON" -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; "$PYTHON" -m venv .venv; }
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    say "installing Python packages from $requirements"
    .venv/bin/pip install -q --disable-pip-version-check -r "$requirements"
    touch "$stamp"
  fi
}
