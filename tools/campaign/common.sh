# Checks the campaign tools share (sourced; set `tool` to the script's name first).

fail() { echo "$tool: $*" >&2; exit 2; }

# A study id as the registry spells it, and nothing a path could be made of.
check_study_id() {
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]] || fail "'$1' is not a study id (lower-case letters, digits and dashes)."
}

# The campaign's frozen code: tags campaign-v<N>, each a commit every part run from it used
# (campaign/README.md says which part ran from which). The tags of the repository at $1, oldest first
# (exit 2 when it has none).
campaign_tags() {
  local tags
  tags=$(git -C "$1" tag --list 'campaign-v*' | grep -E '^campaign-v[0-9]+$' | sort -V) || true
  [ -n "$tags" ] || fail "'$1' has no campaign-v<N> tag (git -C '$1' fetch --tags)."
  echo "$tags"
}

# The newest campaign tag that names commit $2 in the repository at $1, or nothing.
campaign_tag_of() {
  local tag
  for tag in $(campaign_tags "$1"); do
    if [ "$(git -C "$1" rev-parse "$tag^{commit}")" = "$2" ]; then echo "$tag"; fi
  done | tail -n 1
}
