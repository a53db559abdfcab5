# Sourced by the ghz scripts here (needs $repo, the repository's root): find_ghz prints the ghz to use, in this order:
# ghz on PATH, $GHZ, then ../shared/tools/ghz/ghz beside the repository (or beside the main checkout of a worktree).
find_ghz() {
  if command -v ghz >/dev/null 2>&1; then command -v ghz; return; fi
  if [ -n "${GHZ:-}" ] && [ -x "$GHZ" ]; then echo "$GHZ"; return; fi
  local candidates=("$repo/../shared/tools/ghz/ghz")
  # In a git worktree the repository's parent is the worktrees' folder; the shared tools sit beside the main one.
  local common
  if common=$(git -C "$repo" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
    candidates+=("$(dirname "$common")/../shared/tools/ghz/ghz")
  fi
  for c in "${candidates[@]}"; do
    if [ -x "$c" ]; then echo "$(cd "$(dirname "$c")" && pwd)/ghz"; return; fi
  done
  return 1
}
