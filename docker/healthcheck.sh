#!/usr/bin/env bash
# Docker HEALTHCHECK: exit 0 when the admin port answers GET /healthz with 200. Slim JRE images have no
# curl or wget, so this speaks HTTP/1.0 through bash's /dev/tcp. The port is ORIGIN_ADMIN_PORT, else
# EDGE_SERVER_ADMIN_PORT (the server's own setting), else 8081.
set -uo pipefail
port="${ORIGIN_ADMIN_PORT:-${EDGE_SERVER_ADMIN_PORT:-8081}}"
host="${ORIGIN_ADMIN_HOST:-127.0.0.1}"
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET /healthz HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" >&3
IFS= read -r -t 2 status <&3 || exit 1
exec 3<&-
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "healthz: ${status%$'\r'}" >&2; exit 1 ;;
esac
