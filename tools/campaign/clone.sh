#!/usr/bin/env bash
# Prepares a clone of a campaign version for lanes.sh or a run by hand: a clone of this repository
# checked out at the version's commit (campaign/frozen-code), installed and built, with the native
# kernels checked. A fresh machine needs `apt-get install libopenblas-dev pkg-config` first.
#
#   tools/campaign/clone.sh <version> <new folder>      e.g. campaign-v5 /tmp/campaign-v5
set -euo pipefail

tool=clone
source "$(dirname "$0")/common.sh"
[ $# -eq 2 ] || fail "usage: tools/campaign/clone.sh <version> <new folder>"
version=$1 dir=$2
[[ "$version" =~ ^campaign-v[0-9]+$ ]] && commit=$(campaign_commit "$version") || commit=
[ -n "$commit" ] || fail "'$version' is not a campaign version ($(echo $(campaign_tags)); campaign/frozen-code)."
[ ! -e "$dir" ] || fail "'$dir' exists: give a new folder."
root=$repo_root
git -C "$root" cat-file -e "$commit^{commit}" 2>/dev/null || fail "$version's commit ${commit:0:7} is not in '$root' (git fetch)."
git clone -q --no-checkout "$root" "$dir"
git -C "$dir" checkout -q --detach "$commit"
(cd "$dir" && npm ci --no-audit --no-fund && npm run build)
check_native_kernels "$dir"
echo "clone: '$dir' is $version (${commit:0:7}), built, with native kernels."
