# Checks the campaign tools share (sourced; set `tool` to the script's name first).

fail() { echo "$tool: $*" >&2; exit 2; }

# This repository (the tools live in its tools/campaign), and its campaign plan as JSON
# (`labbench plan --profile campaign --json`, with any further flags), from its own build.
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
campaign_plan() { (cd "$repo_root" && node packages/bench/bin/labbench.mjs plan --profile campaign --json "$@"); }

# A study id as the registry spells it, and nothing a path could be made of.
check_study_id() {
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]] || fail "'$1' is not a study id (lower-case letters, digits and dashes)."
}

# The campaign's frozen code: versions campaign-v<N>, each a commit every part run from it used
# (campaign/README.md says which part ran from which), listed in campaign/frozen-code as
# "<name> <commit>" lines, oldest first. A tracked file rather than git tags: tags do not travel
# with every copy of the repository, and a fresh clone must still tell a campaign commit from any
# other. LABBENCH_FROZEN_CODE names another list (the tools' tests).
frozen_code=${LABBENCH_FROZEN_CODE:-$repo_root/campaign/frozen-code}

# The versions' names, oldest first (exit 2 when the list is missing or empty).
campaign_tags() {
  local tags
  [ -r "$frozen_code" ] || fail "$frozen_code is missing: it lists the campaign's frozen commits."
  tags=$(grep -E '^campaign-v[0-9]+ [0-9a-f]{40}$' "$frozen_code" | cut -d' ' -f1) || true
  [ -n "$tags" ] || fail "$frozen_code lists no version ('campaign-v<N> <40-digit commit>' lines)."
  echo "$tags"
}

# The commit of version $1, or nothing.
campaign_commit() {
  { grep -E "^$1 [0-9a-f]{40}\$" "$frozen_code" || true; } | cut -d' ' -f2
}

# The newest version whose commit is $1, or nothing.
campaign_tag_of() {
  local tag
  for tag in $(campaign_tags); do
    if [ "$(campaign_commit "$tag")" = "$1" ]; then echo "$tag"; fi
  done | tail -n 1
}

# Where keep-cells.sh keeps the finished cells of parts that span sessions, one folder per study
# (LABBENCH_KEPT_CELLS: another folder, for the tools' tests).
kept_cells=${LABBENCH_KEPT_CELLS:-$repo_root/campaign/cells}

# Every campaign cell so far trained on the native (OpenBLAS) kernels, and a cell's key includes the
# kernels it ran on: a clone without them (a fresh machine has no libopenblas-dev) would retrain
# every shared cell at a third of the speed, with other bits. Exit 2 unless the clone at $1 has them.
check_native_kernels() {
  local why
  why=$(cd "$1" && node --input-type=module -e "const m = await import('@labbench/tensor-native').catch((e) => ({ loadError: e.message.split('\n')[0] })); if (!m.available) { console.log(m.loadError ?? 'the addon is not built'); process.exit(1); }") ||
    fail "'$1' has no native kernels (${why:-?}): apt-get install libopenblas-dev pkg-config, then (cd '$1' && npm rebuild @labbench/tensor-native)."
}
