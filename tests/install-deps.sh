#!/bin/sh
# Installs what building and testing tgsig needs beyond gcc and make on Debian 12.
# clang (with its sanitizer and libFuzzer runtimes) is used for the ASan+UBSan build and fuzzing.
need=""
command -v clang >/dev/null 2>&1 || need="$need clang"
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a ] || \
  ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-*.a >/dev/null 2>&1 || need="$need libclang-rt-14-dev"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq $need
