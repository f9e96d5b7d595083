#!/usr/bin/env bash
# Vendor front-end libraries into static/vendor/ so the app works without a CDN
# (closed networks). Packages come from the npm registry via `npm pack`, are
# extracted in a temporary directory, and only the minified build files plus
# the licence file are copied. No node_modules or tarballs end up in the repo.
#
# Usage:  scripts/vendor_static.sh
# Update: change the versions (and the matching integrity hashes) below, run the
#         script, check the result, update static/vendor/README.md.
#         Get a new integrity hash with:  npm view <pkg>@<version> dist.integrity
set -euo pipefail

# --- pinned versions --------------------------------------------------------
BOOTSTRAP_VERSION="5.3.9"
BOOTSTRAP_ICONS_VERSION="1.13.2"
HTMX_VERSION="2.0.11"
CHARTJS_VERSION="4.6.1"

# Expected npm tarball integrity (sha512, as published in the registry).
BOOTSTRAP_INTEGRITY="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
BOOTSTRAP_ICONS_INTEGRITY="sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
CHARTJS_INTEGRITY="sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="
# ---------------------------------------------------------------------------

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${REPO_ROOT}/static/vendor"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT

# fetch <npm-package> <version> <integrity>  -> prints the extracted package dir
fetch() {
    local pkg="$1" version="$2" integrity="$3"
    local out="${WORK}/${pkg}"
    mkdir -p "${out}"
    # Run from the temp dir so no project npm config / node_modules is involved.
    local tgz
    tgz="$(cd "${WORK}" && npm pack --silent --pack-destination "${out}" "${pkg}@${version}" 2>/dev/null | tail -n 1)"
    local actual="sha512-$(openssl dgst -sha512 -binary "${out}/${tgz}" | openssl base64 -A)"
    if [[ "${actual}" != "${integrity}" ]]; then
        echo "Integrity mismatch for ${pkg}@${version}:" >&2
        echo "  expected ${integrity}" >&2
        echo "  got      ${actual}" >&2
        exit 1
    fi
    tar -xzf "${out}/${tgz}" -C "${out}"
    echo "${out}/package"
}

# Remove trailing "/*# sourceMappingURL=... */" or "//# sourceMappingURL=..."
# lines: the .map files are not vendored, and ManifestStaticFilesStorage would
# fail on the missing references.
strip_sourcemap() {
    local f="$1"
    sed -E '/^[[:space:]]*(\/\*# sourceMappingURL=.*\*\/|\/\/# sourceMappingURL=.*)[[:space:]]*$/d' \
        "${f}" > "${f}.tmp"
    mv "${f}.tmp" "${f}"
    if grep -q 'sourceMappingURL' "${f}"; then
        echo "sourceMappingURL still present in ${f}" >&2
        exit 1
    fi
}

reset_dir() {
    rm -rf "$1"
    mkdir -p "$1"
}

echo "Vendoring into ${DEST}"
mkdir -p "${DEST}"

# --- Bootstrap ---------------------------------------------------------------
src="$(fetch bootstrap "${BOOTSTRAP_VERSION}" "${BOOTSTRAP_INTEGRITY}")"
d="${DEST}/bootstrap"
reset_dir "${d}"
mkdir -p "${d}/css" "${d}/js"
cp "${src}/dist/css/bootstrap.min.css" "${d}/css/"
cp "${src}/dist/js/bootstrap.bundle.min.js" "${d}/js/"
cp "${src}/LICENSE" "${d}/LICENSE"
strip_sourcemap "${d}/css/bootstrap.min.css"
strip_sourcemap "${d}/js/bootstrap.bundle.min.js"

# --- Bootstrap Icons -----------------------------------------------------------
src="$(fetch bootstrap-icons "${BOOTSTRAP_ICONS_VERSION}" "${BOOTSTRAP_ICONS_INTEGRITY}")"
d="${DEST}/bootstrap-icons"
reset_dir "${d}"
mkdir -p "${d}/fonts"
cp "${src}/font/bootstrap-icons.min.css" "${d}/"
cp "${src}/font/fonts/bootstrap-icons.woff2" "${src}/font/fonts/bootstrap-icons.woff" "${d}/fonts/"
cp "${src}/LICENSE" "${d}/LICENSE"
strip_sourcemap "${d}/bootstrap-icons.min.css"
# Every url(...) in the CSS must resolve to a vendored file (ignoring ?query/#hash).
while IFS= read -r url; do
    path="${url%%[?#]*}"
    if [[ ! -f "${d}/${path}" ]]; then
        echo "bootstrap-icons CSS refers to missing file: ${url}" >&2
        exit 1
    fi
done < <(grep -oE 'url\([^)]*\)' "${d}/bootstrap-icons.min.css" \
         | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | grep -v '^data:')

# --- htmx ----------------------------------------------------------------------
src="$(fetch htmx.org "${HTMX_VERSION}" "${HTMX_INTEGRITY}")"
d="${DEST}/htmx"
reset_dir "${d}"
cp "${src}/dist/htmx.min.js" "${d}/"
cp "${src}/LICENSE" "${d}/LICENSE"
strip_sourcemap "${d}/htmx.min.js"
grep -q "version:\"${HTMX_VERSION}\"" "${d}/htmx.min.js" \
    || { echo "htmx.min.js does not contain version ${HTMX_VERSION}" >&2; exit 1; }

# --- Chart.js ------------------------------------------------------------------
# chart.js 4 ships dist/chart.umd.js already minified; recent 4.x also ship an
# identical dist/chart.umd.min.js. Vendored as chart.umd.min.js either way.
src="$(fetch chart.js "${CHARTJS_VERSION}" "${CHARTJS_INTEGRITY}")"
d="${DEST}/chartjs"
reset_dir "${d}"
if [[ -f "${src}/dist/chart.umd.min.js" ]]; then
    cp "${src}/dist/chart.umd.min.js" "${d}/chart.umd.min.js"
else
    cp "${src}/dist/chart.umd.js" "${d}/chart.umd.min.js"
fi
cp "${src}/LICENSE.md" "${d}/LICENSE.md"
strip_sourcemap "${d}/chart.umd.min.js"

echo "Done:"
(cd "${DEST}" && find . -type f ! -name README.md | sort | xargs ls -l)
