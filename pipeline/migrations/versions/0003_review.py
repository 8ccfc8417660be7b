"""review: users, who works a case, accepted findings, case versions, the geometry of each page read

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:27:11.205344
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table('review_claims',
    sa.Column('case_id', sa.Text(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('pages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('page_no', sa.Integer(), nullable=False),
    sa.Column('width', sa.Float(), nullable=False),
    sa.Column('height', sa.Float(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.Column('skew', sa.Float(), nullable=False),
    sa.Column('dpi', sa.Integer(), nullable=False),
    sa.Column('mean_conf', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index('ix_pages_document_id', ['document_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted', sa.Text(), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('accepted')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index('ix_pages_document_id')

    op.drop_table('pages')
    op.drop_table('users')
    op.drop_table('review_claims')
