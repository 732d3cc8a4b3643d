#!/usr/bin/env bash
# Prepares this machine for the test suite: PostGIS, GDAL and chromium installed,
# PostgreSQL running, a test database with the postgis extension.
# Prints the DSN of that database on stdout; everything else goes to stderr.
set -euo pipefail
exec 3>&1 1>&2

need=()
[ -d /usr/share/postgresql/15/extension ] && ls /usr/share/postgresql/15/extension/postgis.control >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
# openpyxl reads the assessment workbooks back in tests (coverage/workload).
/usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1 || need+=(python3-openpyxl)
# The map page's browser tests: chromium (WebGL through SwiftShader) and a
# font with Chinese glyphs for its screenshots.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
	echo "setup: installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
	echo "setup: starting PostgreSQL"
	pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
	for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

db=${WANGGE_TEST_DB:-wangge_test}
psql -q -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
	psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $db"
psql -q -h 127.0.0.1 -U postgres -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
echo "postgres://postgres@127.0.0.1:5432/$db?sslmode=disable" >&3
