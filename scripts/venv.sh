# Sourced by start.sh and test.sh: make .venv with Python 3.11+ and install the project into it
# (again whenever pyproject.toml changes): start.sh only what running needs, test.sh the tools.
find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

if [ ! -x .venv/bin/python ]; then
    python=$(find_python)
    echo "creating .venv with $($python --version)"
    "$python" -m venv .venv
fi
# What to install: T4B_EXTRAS="" installs only what running needs (start.sh); "dev" adds the
# tests and tools (test.sh, and the default when a developer sources this file).
extras="${T4B_EXTRAS-dev}"
hash="$(sha256sum pyproject.toml | cut -c1-16)"
stamp=".venv/.installed-$hash-${extras:-run}"
# A venv with the tools also has everything running needs (the older stamp meant the same).
has_dev() { [ -f ".venv/.installed-$hash-dev" ] || [ -f ".venv/.installed-$hash" ]; }
if [ -f "$stamp" ]; then
    :
elif { [ -z "$extras" ] || [ "$extras" = dev ]; } && has_dev; then
    :
else
    spec="."
    [ -n "$extras" ] && spec=".[$extras]"
    echo "installing text4baby-ru ($spec) into .venv (first run takes a minute)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
    find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$hash-*" -delete
    touch "$stamp"
fi
