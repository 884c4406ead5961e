"""foundation

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_events_seq'))
    )
    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('id_number', sa.Text(), nullable=True),
    sa.Column('id_number_bidx', sa.String(length=64), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source_channel', sa.String(length=50), nullable=True),
    sa.Column('referrer', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('legal_representative', sa.Text(), nullable=True),
    sa.Column('industry', sa.String(length=100), nullable=True),
    sa.Column('preferred_channel', sa.String(length=20), nullable=True),
    sa.Column('preferences', sa.JSON(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=True),
    sa.Column('sensitive_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('churn_snoozed_until', sa.Date(), nullable=True),
    sa.Column('lost_reason', sa.String(length=30), nullable=True),
    sa.Column('lost_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients'))
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_id_number_bidx'), ['id_number_bidx'], unique=False)

    op.create_table('matter_counters',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_matter_counters'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_owner', sa.String(length=80), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('slack_channel', sa.String(length=40), nullable=True),
    sa.Column('slack_ts', sa.String(length=40), nullable=True),
    sa.Column('last_error', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('key', name=op.f('uq_notifications_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_status_due', ['status', 'due_at'], unique=False)

    op.create_table('slack_receipts',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_slack_receipts'))
    )
    with op.batch_alter_table('slack_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_receipts_received_at'), ['received_at'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('is_managing_partner', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('slack_user_id', name=op.f('uq_staff_slack_user_id'))
    )
    op.create_table('client_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_contacts_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_contacts'))
    )
    with op.batch_alter_table('client_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_contacts_client_id'), ['client_id'], unique=False)

    op.create_table('client_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_client_team_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_client_team_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_team')),
    sa.UniqueConstraint('client_id', 'staff_id', 'role', name=op.f('uq_client_team_client_id_staff_id_role'))
    )
    with op.batch_alter_table('client_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_team_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_team_staff_id'), ['staff_id'], unique=False)

    op.create_table('contact_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff.id'], name=op.f('fk_contact_notes_author_id_staff')),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_contact_notes_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_notes'))
    )
    with op.batch_alter_table('contact_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_notes_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_contact_notes_client_occurred', ['client_id', 'occurred_at'], unique=False)

    op.create_table('matters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('practice_area', sa.String(length=30), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lead_lawyer_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_matters_client_id_clients')),
    sa.ForeignKeyConstraint(['lead_lawyer_id'], ['staff.id'], name=op.f('fk_matters_lead_lawyer_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matters')),
    sa.UniqueConstraint('number', name=op.f('uq_matters_number'))
    )
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matters_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_lead_lawyer_id'), ['lead_lawyer_id'], unique=False)

    op.create_table('staff_assistants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assistant_id', sa.Integer(), nullable=False),
    sa.Column('lawyer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assistant_id'], ['staff.id'], name=op.f('fk_staff_assistants_assistant_id_staff'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lawyer_id'], ['staff.id'], name=op.f('fk_staff_assistants_lawyer_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_assistants')),
    sa.UniqueConstraint('assistant_id', 'lawyer_id', name=op.f('uq_staff_assistants_assistant_id_lawyer_id'))
    )
    with op.batch_alter_table('staff_assistants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_assistants_assistant_id'), ['assistant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_assistants_lawyer_id'), ['lawyer_id'], unique=False)

    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('snoozed_until', sa.Date(), nullable=True),
    sa.Column('source_note_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_follow_ups_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_follow_ups_created_by_staff')),
    sa.ForeignKeyConstraint(['owner_id'], ['staff.id'], name=op.f('fk_follow_ups_owner_id_staff')),
    sa.ForeignKeyConstraint(['source_note_id'], ['contact_notes.id'], name=op.f('fk_follow_ups_source_note_id_contact_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_follow_ups_status_due', ['status', 'due_on'], unique=False)

    op.create_table('important_dates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('at_time', sa.String(length=5), nullable=True),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('yearly', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_important_dates_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_important_dates_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_important_dates'))
    )
    with op.batch_alter_table('important_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_important_dates_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_important_dates_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index('ix_important_dates_on', ['on_date'], unique=False)

    op.create_table('matter_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_team_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_matter_team_staff_id_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_team')),
    sa.UniqueConstraint('matter_id', 'staff_id', 'role', name=op.f('uq_matter_team_matter_id_staff_id_role'))
    )
    with op.batch_alter_table('matter_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_team_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_team_staff_id'), ['staff_id'], unique=False)

    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('matter_ref', sa.String(length=100), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('id_number', sa.Text(), nullable=True),
    sa.Column('id_number_bidx', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('import_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_parties_client_id_clients')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_parties_matter_id_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('import_key', name=op.f('uq_parties_import_key'))
    )
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parties_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parties_id_number_bidx'), ['id_number_bidx'], unique=False)
        batch_op.create_index(batch_op.f('ix_parties_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parties_role'), ['role'], unique=False)

    op.create_table('party_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_party_aliases_party_id_parties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_aliases'))
    )
    with op.batch_alter_table('party_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_aliases_party_id'), ['party_id'], unique=False)



    _append_only_audit()


def _append_only_audit() -> None:
    """Reject UPDATE and DELETE on audit_events at the database level."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )

def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table('party_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_aliases_party_id'))

    op.drop_table('party_aliases')
    with op.batch_alter_table('parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parties_role'))
        batch_op.drop_index(batch_op.f('ix_parties_matter_id'))
        batch_op.drop_index(batch_op.f('ix_parties_id_number_bidx'))
        batch_op.drop_index(batch_op.f('ix_parties_client_id'))

    op.drop_table('parties')
    with op.batch_alter_table('matter_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_team_staff_id'))
        batch_op.drop_index(batch_op.f('ix_matter_team_matter_id'))

    op.drop_table('matter_team')
    with op.batch_alter_table('important_dates', schema=None) as batch_op:
        batch_op.drop_index('ix_important_dates_on')
        batch_op.drop_index(batch_op.f('ix_important_dates_matter_id'))
        batch_op.drop_index(batch_op.f('ix_important_dates_client_id'))

    op.drop_table('important_dates')
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_status_due')
        batch_op.drop_index(batch_op.f('ix_follow_ups_owner_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_client_id'))

    op.drop_table('follow_ups')
    with op.batch_alter_table('staff_assistants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_assistants_lawyer_id'))
        batch_op.drop_index(batch_op.f('ix_staff_assistants_assistant_id'))

    op.drop_table('staff_assistants')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matters_lead_lawyer_id'))
        batch_op.drop_index(batch_op.f('ix_matters_client_id'))

    op.drop_table('matters')
    with op.batch_alter_table('contact_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_notes_client_occurred')
        batch_op.drop_index(batch_op.f('ix_contact_notes_author_id'))

    op.drop_table('contact_notes')
    with op.batch_alter_table('client_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_team_staff_id'))
        batch_op.drop_index(batch_op.f('ix_client_team_client_id'))

    op.drop_table('client_team')
    with op.batch_alter_table('client_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_contacts_client_id'))

    op.drop_table('client_contacts')
    op.drop_table('staff')
    with op.batch_alter_table('slack_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_receipts_received_at'))

    op.drop_table('slack_receipts')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_status_due')

    op.drop_table('notifications')
    op.drop_table('matter_counters')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_id_number_bidx'))

    op.drop_table('clients')
    op.drop_table('audit_events')
