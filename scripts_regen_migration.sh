#!/usr/bin/env bash
# Regenerates the initial migration (only while no database has been deployed; later: new revisions).
set -e
cd "$(dirname "$0")"
rm -f models/migrations/versions/0001_initial_schema.py /tmp/mig.db
python3 -c "
import sys; sys.path.insert(0,'.')
from alembic import command
from models.db import alembic_config
command.revision(alembic_config('sqlite:////tmp/mig.db'), message='initial schema', autogenerate=True, rev_id='0001')
"
sed -i '/^Create Date/d' models/migrations/versions/0001_initial_schema.py
