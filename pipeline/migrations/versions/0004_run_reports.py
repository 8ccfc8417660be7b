"""run reports: each run's report (counts, failures, pages to rescan, time) as JSON on its row

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:53:22.138297
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('report')
