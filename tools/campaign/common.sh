# Checks the campaign tools share (sourced; set `tool` to the script's name first).

fail() { echo "$tool: $*" >&2; exit 2; }

# A study id as the registry spells it, and nothing a path could be made of.
check_study_id() {
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]] || fail "'$1' is not a study id (lower-case letters, digits and dashes)."
}

# The commit the tag campaign-v1 names in the repository at $1 (exit 2 when it has no such tag).
campaign_tag() {
  git -C "$1" rev-parse --verify --quiet 'campaign-v1^{commit}' || fail "'$1' has no tag campaign-v1 (git -C '$1' fetch --tags)."
}
