# Shared by bin/run, bin/test, bin/setup and bin/bench: find a Python new enough for Django 6,
# keep .venv installed from constraints.txt, and start throwaway PostgreSQL/Redis servers.
# Source it from the repository root; it defines functions and changes nothing by itself.

MIN_PYTHON="3.12"
VENV=".venv"

say() { printf '%s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

python_is_new_enough() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

# Prints the path of a Python >= 3.12: the one .python-version names (through pyenv), else
# python3.13 / python3.12 / python3 on PATH. Says plainly what to install when there is none.
find_python() {
    local version candidate pyenv_root
    if [[ -f .python-version ]]; then
        version="$(head -n 1 .python-version | tr -d '[:space:]')"
        pyenv_root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}"
        candidate="$pyenv_root/versions/$version/bin/python"
        if [[ -n "$version" && -x "$candidate" ]] && python_is_new_enough "$candidate"; then
            echo "$candidate"
            return 0
        fi
    fi
    for candidate in python3.13 python3.12 python3; do
        # pyenv shims exist for versions that are not active, so run each one to be sure.
        if command -v "$candidate" >/dev/null 2>&1 && python_is_new_enough "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    local found="no python3 on PATH"
    if command -v python3 >/dev/null 2>&1; then
        found="python3 is $(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo unknown)"
    fi
    die "RecruitCRM needs Python $MIN_PYTHON or newer; found none ($found). Install one with pyenv install $MIN_PYTHON"
}

# ensure_venv SPEC: create .venv if missing (or made with a Python that is too old) and
# `pip install -c constraints.txt -e SPEC`, but only when pyproject.toml, constraints.txt or SPEC
# changed since the last install (a stamp file in .venv remembers).
ensure_venv() {
    local spec="$1" python stamp wanted
    if [[ -x "$VENV/bin/python" ]] && ! python_is_new_enough "$VENV/bin/python"; then
        say "$VENV was made with a Python older than $MIN_PYTHON; making it again."
        rm -rf "$VENV"
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        python="$(find_python)" || exit 1
        say "Creating $VENV with $("$python" --version 2>&1) ($python)"
        "$python" -m venv "$VENV" || die "Could not create $VENV with $python (on Debian: apt-get install python3-venv)."
    fi
    stamp="$VENV/.recruitcrm-installed"
    wanted="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-64)"
    # What a stamp says: the hash of the two files, then every spec installed with that hash.
    if [[ -f "$stamp" ]] && [[ "$(head -n 1 "$stamp")" == "$wanted" ]] && grep -qxF -- "$spec" "$stamp"; then
        return 0
    fi
    say "Installing RecruitCRM ($spec) into $VENV from constraints.txt ..."
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$spec" \
        || die "pip install failed; see the messages above."
    if [[ -f "$stamp" ]] && [[ "$(head -n 1 "$stamp")" == "$wanted" ]]; then
        echo "$spec" >>"$stamp"
    else
        printf '%s\n%s\n' "$wanted" "$spec" >"$stamp"
    fi
    # Installing the dev extras installs the base package too.
    if [[ "$spec" == ".[dev]" ]] && ! grep -qxF -- "." "$stamp"; then echo "." >>"$stamp"; fi
}

# ensure_page_checkers: install the Nu Html Checker the tests run over rendered pages (vnu-jar,
# pinned in package-lock.json) into node_modules with `npm ci`, again
# only when the lockfile changed. Returns non-zero, saying why, when npm or java is missing.
ensure_page_checkers() {
    local stamp="node_modules/.recruitcrm-installed" wanted
    command -v npm >/dev/null 2>&1 || { say "no npm here (Debian package npm)"; return 1; }
    command -v java >/dev/null 2>&1 || { say "no java here (Debian package default-jre-headless)"; return 1; }
    wanted="$(sha256sum package-lock.json | cut -c1-64)"
    if [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$wanted" ]]; then
        return 0
    fi
    say "Installing the Nu Html Checker (vnu-jar) with npm ci ..."
    # --ignore-scripts: vnu-jar's install script only fetches a Java runtime; the machine's java is used.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 || { say "npm ci failed"; return 1; }
    echo "$wanted" >"$stamp"
}

# ensure_secret_key VAR_DIR: unless SECRET_KEY is set, make sure VAR_DIR/secret_key holds a
# random key for settings to read: made once (mode 0600), then the same key on every later run,
# so sessions and signed links survive a restart. Settings never fall back to a published key.
ensure_secret_key() {
    local var_dir="$1"
    [[ -z "${SECRET_KEY:-}" ]] || return 0
    [[ ! -s "$var_dir/secret_key" ]] || return 0
    mkdir -p "$var_dir"
    "$VENV/bin/python" - "$var_dir/secret_key" <<'PY'
import os
import secrets
import sys
import tempfile

path = sys.argv[1]
fd, made = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".secret_key.")  # mode 0600
with os.fdopen(fd, "w") as file:
    file.write(secrets.token_urlsafe(50) + "\n")
try:
    os.link(made, path)  # never replaces a key that another run has just made
except FileExistsError:
    with open(path) as kept:
        if not kept.read().strip():
            os.replace(made, path)
finally:
    if os.path.exists(made):
        os.remove(made)
print(f"Made a secret key for this machine in {path}; later runs use it again.")
PY
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The directory holding initdb/pg_ctl/postgres, or nothing.
postgres_bin_dir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null)"
        if [[ -x "$dir/initdb" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
    fi
}

# Runs a command as the user PostgreSQL runs as: postgres refuses to run as root.
as_postgres_user() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# start_throwaway_postgres WORKDIR DBNAME: initdb into WORKDIR/pg, start it on a free port with
# trust auth and durability off (it is thrown away), and print its DATABASE_URL.
start_throwaway_postgres() {
    local workdir="$1" dbname="$2" bindir port
    bindir="$(postgres_bin_dir)"
    [[ -n "$bindir" ]] || return 1
    if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
        say "PostgreSQL refuses to run as root and there is no postgres user to run it as."
        return 1
    fi
    mkdir -p "$workdir/pg"
    if [[ "$(id -u)" == 0 ]]; then
        # mktemp makes WORKDIR private to root; postgres needs to pass through it.
        chmod o+x "$workdir"
        chown -R postgres: "$workdir/pg"
    fi
    port="$(free_port)"
    as_postgres_user "$bindir/initdb" -D "$workdir/pg/data" -U postgres -A trust -E UTF8 \
        --no-sync >"$workdir/pg/initdb.log" 2>&1 || {
        say "initdb failed:"
        cat "$workdir/pg/initdb.log" >&2
        return 1
    }
    as_postgres_user "$bindir/pg_ctl" -D "$workdir/pg/data" -l "$workdir/pg/server.log" -w -t 60 \
        -o "-p $port -k $workdir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || {
        say "PostgreSQL did not start:"
        cat "$workdir/pg/server.log" >&2
        return 1
    }
    echo "postgres://postgres@127.0.0.1:$port/$dbname"
}

stop_throwaway_postgres() {
    local workdir="$1" bindir
    [[ -f "$workdir/pg/data/postmaster.pid" ]] || return 0
    bindir="$(postgres_bin_dir)"
    as_postgres_user "$bindir/pg_ctl" -D "$workdir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
}

# start_throwaway_redis WORKDIR: a redis-server on a free port with no persistence; prints its
# URL (database 0).
start_throwaway_redis() {
    local workdir="$1" port
    command -v redis-server >/dev/null 2>&1 || return 1
    mkdir -p "$workdir/redis"
    port="$(free_port)"
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --daemonize yes \
        --dir "$workdir/redis" --pidfile "$workdir/redis/redis.pid" \
        --logfile "$workdir/redis/redis.log" >/dev/null || return 1
    for _ in $(seq 1 50); do
        if "$VENV/bin/python" -c "import redis, sys; redis.Redis(port=$port, socket_timeout=1).ping()" 2>/dev/null; then
            echo "redis://127.0.0.1:$port/0"
            return 0
        fi
        sleep 0.2
    done
    say "redis-server did not answer on port $port:"
    cat "$workdir/redis/redis.log" >&2
    return 1
}

stop_throwaway_redis() {
    local pidfile="$1/redis/redis.pid"
    [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
}
