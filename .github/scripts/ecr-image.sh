#!/usr/bin/env bash
# Builds and pushes the app image of one commit at most once, and prints it by digest.
#
# The shared stack's ECR repository has IMMUTABLE tags: pushing a tag that already exists is refused
# (ImageTagAlreadyExistsException). A re-run, or a reopened pull request, would rebuild the same commit with --pull,
# get other bytes and another digest, and fail on push. So an existing tag is reused, never rebuilt, and the preview
# is deployed by digest, so what runs is exactly what the tag named when it was pushed.
#
# Usage: ecr-image.sh <registry> <repository> <tag> <build context>
# Prints <registry>/<repository>@sha256:<digest> on stdout; everything else goes to stderr.
set -euo pipefail
if [ "$#" -ne 4 ]; then
  echo "usage: ecr-image.sh <registry> <repository> <tag> <build context>" >&2
  exit 2
fi
registry="$1" repository="$2" tag="$3" context="$4"

# The digest the tag points at, or nothing when the tag does not exist. Any other error (access denied,
# throttling, no such repository) fails: guessing "absent" there would rebuild and hit the immutable tag.
digest_of() {
  local out err
  err="$(mktemp)"
  if out="$(aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" \
      --query 'imageDetails[0].imageDigest' --output text 2>"$err")"; then
    rm -f "$err"
    printf '%s' "$out"
    return 0
  fi
  if grep -q 'ImageNotFoundException' "$err"; then
    rm -f "$err"
    return 0
  fi
  cat "$err" >&2
  rm -f "$err"
  return 1
}

digest="$(digest_of)"
if [ -n "$digest" ]; then
  echo "$repository:$tag is already in ECR ($digest): reusing it instead of rebuilding" >&2
else
  image="$registry/$repository:$tag"
  docker build --pull --tag "$image" "$context" >&2
  if ! docker push "$image" >&2; then
    # Another run pushed this tag first (two pull requests at one commit): its image is this commit's too.
    digest="$(digest_of)"
    if [ -z "$digest" ]; then
      echo "docker push $image failed" >&2
      exit 1
    fi
    echo "$repository:$tag was pushed by another run meanwhile: using that image" >&2
  fi
  if [ -z "$digest" ]; then digest="$(digest_of)"; fi
fi
case "$digest" in
  sha256:*) ;;
  *) echo "ECR returned no digest for $repository:$tag (got '$digest')" >&2; exit 1 ;;
esac
printf '%s/%s@%s\n' "$registry" "$repository" "$digest"
