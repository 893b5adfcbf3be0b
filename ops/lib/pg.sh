# Shared by ops/backup and ops/restore (sourced, not run).
# - pg_tool NAME: the path of a PostgreSQL client program (newest installed major version first; installs
#   postgresql-client with apt-get when none is there). pg_dump must be at least the server's major version.
# - use_connection "Host=…;Port=…;Database=…;Username=…;Password=…": exports libpq's PG* variables from an Npgsql
#   connection string (the service's own setting), so no password ever appears on a command line.

pg_tool() {
  local name="$1" d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/$name" ]]; then echo "$d/$name"; return 0; fi
  done
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  echo "ops: $name not found: installing postgresql-client with apt-get" >&2
  local sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql-client >/dev/null
  command -v "$name" || { echo "ops: $name still not found" >&2; return 1; }
}

use_connection() {
  local part key value
  unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    [[ "$part" == *=* ]] || continue
    key="$(echo "${part%%=*}" | tr '[:upper:]' '[:lower:]' | tr -d ' ')"
    value="${part#*=}"
    case "$key" in
      host|server) export PGHOST="$value" ;;
      port) export PGPORT="$value" ;;
      database|db) export PGDATABASE="$value" ;;
      username|user|userid|"user id") export PGUSER="$value" ;;
      password|pwd) export PGPASSWORD="$value" ;;
      sslmode) export PGSSLMODE="$(echo "$value" | tr '[:upper:]' '[:lower:]')" ;;
    esac
  done
  [[ -n "${PGDATABASE:-}" ]] || { echo "ops: the connection string names no Database" >&2; return 1; }
}

# The service's connection string: ConnectionStrings__FlutHilfe, else the local ops/db database.
service_connection() {
  if [[ -n "${ConnectionStrings__FlutHilfe:-}" ]]; then echo "$ConnectionStrings__FlutHilfe"; else "$ROOT/ops/db" url; fi
}
