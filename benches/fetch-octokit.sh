#!/usr/bin/env bash
# Fetches the GitHub REST OpenAPI description (13 MB JSON) that the npm package @octokit/openapi
# ships, into target/bench-data/octokit/, for the benchmarks. Nothing is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=target/bench-data/octokit
version=${OCTOKIT_OPENAPI_VERSION:-23.0.2}
if [ -s "$dest/api.github.com.json" ]; then
  echo "already there: $dest/api.github.com.json"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@octokit/openapi@$version" --silent >/dev/null)
tar -xzf "$tmp"/octokit-openapi-*.tgz -C "$tmp" package/generated/api.github.com.json
mkdir -p "$dest"
mv "$tmp/package/generated/api.github.com.json" "$dest/"
ls -l "$dest/api.github.com.json"
