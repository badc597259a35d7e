#!/bin/sh
# Run a management command with the production environment, as the units run the portal:
#   sudo -u ita /srv/ita-portal/deploy/manage.sh migrate
# ITA_ENV_FILE overrides /etc/ita-portal/ita.env (CI's smoke stage uses its own).
set -eu
cd "$(dirname "$0")/.."
set -a
. "${ITA_ENV_FILE:-/etc/ita-portal/ita.env}"
set +a
exec .venv/bin/python manage.py "$@"
