#!/usr/bin/env bash
# Install the Debian packages Showroom and its tests need, only those missing (ENVIRONMENT.md lists why):
#   python3-venv                      the virtual environment
#   chromium fonts-noto-cjk           the browser tests, and Chinese glyphs in screenshots and PDFs
#   chromium-l10n                     Chromium's zh-CN locale: without it date and time inputs read 11/09/2026, 02:05 PM
#   poppler-utils                     pdffonts / pdftotext / pdftoppm to check rendered PDFs
#   libpango-1.0-0 libpangoft2-1.0-0  WeasyPrint; libharfbuzz-subset0 makes CJK PDFs 20x faster
set -euo pipefail

PACKAGES=(python3-venv chromium chromium-l10n fonts-noto-cjk poppler-utils fontconfig
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to apt-get install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
