#!/usr/bin/env bash
# Builds librfcom.so (NativeAOT, from src/RainForest.Channels.Native) and the C round-trip test
# program rfcom_test into OUTPUT_DIRECTORY. Intermediate files go to OUTPUT_DIRECTORY/artifacts,
# so the build does not touch the source tree's bin/ and obj/.
#
# usage: tests/native/build.sh OUTPUT_DIRECTORY
# needs: the .NET SDK, gcc (NativeAOT links with it), and the usual libc headers.
set -euo pipefail

out=${1:?usage: build.sh OUTPUT_DIRECTORY}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "build.sh: unsupported machine $(uname -m)" >&2; exit 2 ;;
esac

mkdir -p "$out"
out=$(cd "$out" && pwd)
dotnet publish "$root/src/RainForest.Channels.Native/RainForest.Channels.Native.csproj" \
  -r "$rid" -c Release -o "$out" --artifacts-path "$out/artifacts" --nologo -v quiet
gcc -std=c11 -O2 -Wall -Wextra -Werror \
  -I "$root/src/RainForest.Channels.Native/include" \
  -o "$out/rfcom_test" "$here/rfcom_test.c" \
  -L "$out" -lrfcom -Wl,-rpath,'$ORIGIN'
echo "built $out/librfcom.so and $out/rfcom_test"
