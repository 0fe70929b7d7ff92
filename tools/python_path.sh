#!/usr/bin/env bash
# Makes `import canopy` work from any directory (docs/python.md): writes
# canopy.pth, naming build/release/python, into the site-packages directory
# of Debian's /usr/bin/python3 (the system one as root, the user's own
# otherwise). When the `python3` first on PATH is another interpreter of the
# same version (pyenv, say), it gets one too, with Debian's dist-packages
# after its own (numpy and pandas from python3-numpy, python3-pandas). No
# virtual environment, no other package registry. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
package_parent="$(pwd)/build/release/python"
if ! compgen -G "$package_parent/canopy/_canopy*.so" >/dev/null; then
  echo "python_path: no module in $package_parent/canopy (build the release preset with" \
    "pybind11-dev and python3-dev installed)" >&2
  exit 1
fi
module_version=$(basename "$package_parent"/canopy/_canopy*.so | sed -E 's/.*cpython-([0-9])([0-9]+)-.*/\1.\2/')

# The site directory a .pth there is read from, for this interpreter.
site_dir() {
  "$1" - <<'PY'
import os, site, sys
dirs = site.getsitepackages() if os.geteuid() == 0 else [site.getusersitepackages()]
# Debian's system interpreter reads /usr/local/lib/python3.X/dist-packages first.
print(next((d for d in dirs if "/usr/local/" in d), dirs[0]))
PY
}

install_pth() {
  local python=$1 extra=${2:-}
  local version dir
  version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if [[ $version != "$module_version" ]]; then
    echo "python_path: $python is Python $version, the module is for $module_version: skipped" >&2
    return
  fi
  dir=$(site_dir "$python")
  mkdir -p "$dir"
  printf '%s\n' "$package_parent" $extra >"$dir/canopy.pth"
  echo "python_path: $dir/canopy.pth -> $package_parent" >&2
}

if [[ -x /usr/bin/python3 ]]; then
  install_pth /usr/bin/python3
fi
path_python=$(command -v python3 || true)
if [[ -n $path_python && $(realpath "$path_python") != $(realpath /usr/bin/python3 2>/dev/null || true) ]]; then
  # pyenv's shims are scripts: ask the interpreter for its own path.
  real=$("$path_python" -c 'import sys; print(sys.executable)')
  if [[ $real != /usr/bin/python3* ]]; then
    install_pth "$real" /usr/lib/python3/dist-packages
  fi
fi
