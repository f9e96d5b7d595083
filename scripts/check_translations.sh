#!/usr/bin/env bash
# Fails when a committed catalogue has untranslated or fuzzy messages.
set -euo pipefail
cd "$(dirname "$0")/.."
main=locale/vi/LC_MESSAGES/django.po
if [ ! -f "$main" ]; then
  echo "missing $main: run 'make messages' and translate it" >&2
  exit 1
fi
status=0
while IFS= read -r po; do
  stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$po: $stats" >&2; status=1; continue; }
  case "$stats" in
    *untranslated*|*fuzzy*) echo "$po is incomplete: $stats" >&2; status=1 ;;
    *) echo "$po: $stats" ;;
  esac
done < <(find locale -name '*.po' | sort)
exit $status
