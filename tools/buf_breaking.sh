#!/usr/bin/env bash
# buf breaking of proto/ against a git revision (default HEAD~1), offline.
#   tools/buf_breaking.sh [REV]
# buf's own `--against '.git#ref=...'` input cannot resolve google/api imports: third_party/googleapis is
# generated (tools/codegen.py, git-ignored), so it is missing from the revision. The revision's buf.yaml and
# proto/ are unpacked into a temporary directory beside this checkout's third_party/ and compared with that.
# Skipped (exit 0) when the revision does not exist (the first commit or a shallow clone).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD~1}
if ! git rev-parse --verify --quiet "$rev^{commit}" >/dev/null; then
  echo "buf breaking: no revision $rev here, skipped"
  exit 0
fi
against=$(mktemp -d)
trap 'rm -rf "$against"' EXIT
git archive "$rev" buf.yaml proto | tar -x -C "$against"
mkdir -p "$against/third_party"
cp -r third_party/googleapis "$against/third_party/"
buf breaking --against "$against"
