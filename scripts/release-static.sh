#!/usr/bin/env bash
# Builds the release binary of hfgen for any x86_64 Linux: statically linked (glibc with
# crt-static; the musl target is not installable everywhere), then proves it:
#   1. the ELF file has no dynamic section: no interpreter, no shared library to find;
#   2. run with an empty environment from an empty folder, it reproduces every golden folder
#      (`hfgen check`), so the profiles, templates and Kubernetes schemas are all inside it;
#   3. it renders and passes `hfgen check` in a chroot that holds nothing but the binary and
#      the golden folders (no /lib, no /etc, no /proc), as in the `FROM scratch` image of the
#      Dockerfile. This step needs root or password-less sudo; without either the script fails.
# Prints the binary's path and size last. Usage: scripts/release-static.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
target=x86_64-unknown-linux-gnu
RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked --target "$target"
bin="$repo/target/$target/release/hfgen"

# 1. No dynamic dependencies.
if readelf --dynamic "$bin" | grep -q 'NEEDED\|INTERP'; then
  readelf --dynamic "$bin" >&2
  echo "release-static: $bin needs shared libraries" >&2
  exit 1
fi
if readelf --program-headers "$bin" | grep -q 'INTERP'; then
  echo "release-static: $bin asks for a dynamic loader" >&2
  exit 1
fi

# 2. An empty environment and an empty folder: nothing comes from PATH, HOME or the checkout
#    but the golden folders it is compared with.
empty=$(mktemp -d)
trap 'rm -rf "$empty" 2>/dev/null || sudo -n rm -rf "$empty"' EXIT
(cd "$empty" && env -i "$bin" check --golden "$repo/golden")

# 3. A root with nothing but the binary and the golden folders it must reproduce: no /lib,
#    no /etc, no /proc. Needs root (or sudo without a password, as on CI runners).
as_root=()
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(missing); fi
fi
if [ "${as_root[0]-}" = missing ]; then
  echo "release-static: not root and no sudo: the chroot check did not run" >&2
  exit 1
fi
mkdir "$empty/root"
cp "$bin" "$empty/root/hfgen"
cp -R golden "$empty/root/golden"
"${as_root[@]}" chroot "$empty/root" /hfgen check --golden /golden
"${as_root[@]}" chroot "$empty/root" /hfgen render --profile gke > "$empty/gke.yaml"
test -s "$empty/gke.yaml"
echo "release-static: renders and checks in a chroot holding only the binary" >&2
echo "release-static: $bin is static and self-contained ($(du -h "$bin" | cut -f1))" >&2
echo "$bin"
