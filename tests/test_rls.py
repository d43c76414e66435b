"""Both tenant safety nets, proved on the database itself (ARCHITECTURE §2, PRODUCT §4.7).

Row-level security exists only on PostgreSQL: the tests marked ``pg_only`` are skipped on
SQLite and run when ``TEST_DATABASE=postgresql`` (``make test`` runs both backends, so they
always run somewhere). They read the catalogue rather than a list of tables:

- every table with an ``org_id`` column has ENABLE and FORCE ROW LEVEL SECURITY and a policy
  on ``app.org_ids`` (for reading and, WITH CHECK, for writing); views need security_invoker;
- the app's login role owns nothing, is no superuser, cannot BYPASSRLS or switch RLS off;
- raw SQL on the app's connection sees no rows without the setting, only A's with A's
  setting, and cannot write B's rows under A's setting;
- the setting does not survive into the next checkout of a pooled connection.

The ORM safety net (``org_context`` + loader criteria + the before_flush check) is tested on
both backends, also on a connection that bypasses RLS, so the net is proved on its own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, func, inspect, select, text, update
from sqlalchemy.exc import ProgrammingError

from app import create_app
from app.audit.models import AuditEvent
from app.extensions import db
from app.orgs.models import Membership, MembershipRole, Role, Team
from app.tenancy import OrgScoped, org_context

from .backend import backend_name
from .conftest import login, post_form

pg_only = pytest.mark.skipif(
    backend_name() != "postgresql", reason="row-level security exists only on PostgreSQL"
)

# Tables with an org_id that no organisation owns. Each needs its reason; its org_id must
# stay nullable (organisation-owned tables have org_id NOT NULL, ARCHITECTURE §2).
NOT_ORG_OWNED: dict[str, str] = {
    "outbox_messages": "a system queue (sign-in mail has no organisation); only the "
    "drainer, the planner and the nudge report read it, each filtering org_id itself",
}
# Tables whose rows belong to one or two people (app.rls.enable_person_rls).
PERSON_PRIVATE_TABLES = frozenset(
    {
        "ambassador_conversations",
        "ambassador_next_steps",
        "ambassador_follow_ups",
        "ambassador_notes",
    }
)

ORG_COLUMNS = text(
    """
    SELECT c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
           coalesce(c.reloptions, '{}') AS options, col.is_nullable
    FROM information_schema.columns col
    JOIN pg_namespace n ON n.nspname = col.table_schema
    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = col.table_name
    WHERE col.table_schema = current_schema() AND col.column_name = 'org_id'
    ORDER BY c.relname
    """
)


@pytest.fixture()
def app_engine(app):
    """The engine the app uses (on PostgreSQL: the non-owner app role)."""
    with app.app_context():
        return db.engine


def org_tables(conn) -> list[str]:
    """Tables (from the catalogue) with an org_id that some organisation owns."""
    rows = conn.execute(ORG_COLUMNS).all()
    return [r.relname for r in rows if r.relkind in "rp" and r.relname not in NOT_ORG_OWNED]


@pytest.fixture()
def two_orgs(make, dbs):
    """Organisations A and B with teams, people and roles, and an audit event each."""
    orgs = {}
    for label in ("A", "B"):
        org = make.org(name=f"Org {label}")
        team = make.team(org, name=f"Team {label}")
        admin = make.admin(org, team=team, name=f"Admin {label}")
        make.member(org, team=team, name=f"Worker {label}")
        dbs.add(AuditEvent(org_id=org.id, actor_id=admin.user_id, action="test"))
        orgs[label] = (org, team, admin)
    dbs.commit()
    return orgs


def owner_count(owner_engine, table: str, org_id: int | None = None) -> int:
    where = f" WHERE org_id = {int(org_id)}" if org_id is not None else ""
    with owner_engine.connect() as conn:
        return conn.scalar(text(f"SELECT count(*) FROM {table}{where}"))  # noqa: S608


# --- The catalogue ------------------------------------------------------------------------


@pg_only
def test_every_table_with_org_id_has_forced_row_level_security(owner_engine):
    with owner_engine.connect() as conn:
        rows = conn.execute(ORG_COLUMNS).all()
        policies = conn.execute(
            text(
                "SELECT tablename, cmd, qual, with_check FROM pg_policies "
                "WHERE schemaname = current_schema()"
            )
        ).all()
    tables = [r for r in rows if r.relkind in "rp" and r.relname not in NOT_ORG_OWNED]
    assert {"memberships", "teams"} <= {r.relname for r in tables}, "catalogue query is wrong"

    problems = []
    for row in tables:
        if not (row.relrowsecurity and row.relforcerowsecurity):
            problems.append(
                f"{row.relname}: needs ENABLE and FORCE ROW LEVEL SECURITY "
                "(app.rls.enable_org_rls in its migration)"
            )
        mine = [p for p in policies if p.tablename == row.relname]
        if not any("app.org_ids" in (p.qual or "") for p in mine):
            problems.append(f"{row.relname}: no policy reads app.org_ids")
        for policy in mine:
            # Rows of one or two people (PRODUCT §4.1) also check the person on write;
            # every other table's writes depend on the organisation only.
            person_private = row.relname in PERSON_PRIVATE_TABLES
            if policy.cmd in {"ALL", "INSERT", "UPDATE"} and (
                "app.org_ids" not in (policy.with_check or "")
                or ("app.user_id" in (policy.with_check or "")) != person_private
            ):
                problems.append(
                    f"{row.relname}: WITH CHECK must match org_id on app.org_ids"
                    + (" and the person" if person_private else " only")
                )
    for row in rows:
        if row.relkind == "v" and "security_invoker=true" not in row.options:
            problems.append(f"view {row.relname}: needs WITH (security_invoker = true)")
    for row in rows:
        if row.relname in NOT_ORG_OWNED and row.is_nullable != "YES":
            problems.append(
                f"{row.relname}: org_id NOT NULL means organisation-owned; "
                "remove it from NOT_ORG_OWNED and give it row-level security"
            )
    assert set(NOT_ORG_OWNED) <= {r.relname for r in rows}, "stale entry in NOT_ORG_OWNED"
    assert problems == []


def test_orm_net_covers_every_organisation_table(app, owner_engine):
    """Every table with an org_id maps to an OrgScoped model, so the ORM net filters it."""
    inspector = inspect(owner_engine)
    with_org_id = {
        name
        for name in inspector.get_table_names()
        if any(c["name"] == "org_id" for c in inspector.get_columns(name))
    } - set(NOT_ORG_OWNED)
    scoped = {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, OrgScoped)
    }
    assert {"memberships", "teams"} <= with_org_id
    assert sorted(with_org_id - scoped) == [], "make these tables' models OrgScoped"


@pg_only
def test_app_role_owns_nothing_and_cannot_bypass_rls(app_engine, database):
    with app_engine.connect() as conn:
        assert conn.scalar(text("SELECT current_user")) == database.app_role
        role = conn.execute(
            text(
                "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles "
                "WHERE rolname = current_user"
            )
        ).one()
        owned = conn.scalars(
            text(
                "SELECT c.relname FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() "
                "AND pg_has_role(current_user, c.relowner, 'MEMBER')"
            )
        ).all()
        tables = conn.scalar(
            text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        )
    assert tuple(role) == (False, False, False)
    assert tables > 0
    assert owned == [], "the app role owns (or may act as the owner of) these"


@pg_only
def test_only_the_app_role_may_call_the_owner_run_functions(app_engine, owner_engine, database):
    """SECURITY DEFINER functions read past row-level security: PostgreSQL lets every
    role call a new function; ours are for the app's role alone."""
    with owner_engine.connect() as conn:
        functions = conn.execute(
            text(
                "SELECT p.proname, coalesce(p.proacl::text[], ARRAY[]::text[]) FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'public' AND p.prosecdef"
            )
        ).all()
    names = {name for name, _acl in functions}
    assert {
        "nudge_due_follow_ups",
        "nudge_ambassador_talkers",
        "ambassador_open_load",
        "kpi_ambassador_contacts",
    } <= names
    for name, acl in functions:
        assert acl, f"{name}: no explicit privileges, so every role may call it"
        assert not [entry for entry in acl if entry.startswith("=")], f"{name}: PUBLIC may call it"
        assert any(entry.startswith(f"{database.app_role}=X") for entry in acl), name
    with app_engine.connect() as conn:  # and the app itself still can
        conn.execute(text("SELECT * FROM nudge_ambassador_talkers(0)")).all()


@pg_only
def test_app_role_cannot_switch_row_security_off(app_engine, two_orgs):
    with app_engine.connect() as conn, pytest.raises(ProgrammingError, match="row-level security"):
        conn.execute(text("SET LOCAL row_security = off"))
        conn.execute(text("SELECT * FROM teams")).all()


# --- Raw SQL on the app's connection ------------------------------------------------------


@pg_only
def test_without_the_setting_no_rows_are_visible(app_engine, owner_engine, two_orgs):
    assert owner_count(owner_engine, "memberships") == 4
    assert owner_count(owner_engine, "teams") == 2
    with app_engine.connect() as conn:
        assert conn.execute(text("SELECT * FROM memberships")).all() == []
        assert conn.execute(text("SELECT * FROM teams")).all() == []
        visible = {
            t: conn.scalar(text(f"SELECT count(*) FROM {t}"))  # noqa: S608
            for t in org_tables(conn)
        }
    assert visible == dict.fromkeys(visible, 0)


@pg_only
def test_setting_shows_only_those_organisations(app_engine, owner_engine, two_orgs):
    a, b = two_orgs["A"][0], two_orgs["B"][0]
    with app_engine.begin() as conn:
        conn.execute(text("SELECT set_config('app.org_ids', :ids, true)"), {"ids": str(a.id)})
        members = conn.execute(text("SELECT * FROM memberships")).all()
        seen = {
            t: set(conn.scalars(text(f"SELECT DISTINCT org_id FROM {t}")))  # noqa: S608
            for t in org_tables(conn)
        }
    assert len(members) == owner_count(owner_engine, "memberships", a.id) == 2
    assert {m.org_id for m in members} == {a.id}
    assert seen["teams"] == seen["memberships"] == {a.id}
    assert {t: ids for t, ids in seen.items() if not ids <= {a.id}} == {}

    with app_engine.begin() as conn:
        conn.execute(
            text("SELECT set_config('app.org_ids', :ids, true)"), {"ids": f"{a.id},{b.id}"}
        )
        assert set(conn.scalars(text("SELECT org_id FROM teams"))) == {a.id, b.id}


@pg_only
def test_writing_another_organisations_rows_is_refused(app_engine, owner_engine, two_orgs):
    (a, a_team, _), b = two_orgs["A"], two_orgs["B"][0]
    a_setting = (text("SELECT set_config('app.org_ids', :ids, true)"), {"ids": str(a.id)})
    insert = text("INSERT INTO teams (org_id, name, created_at) VALUES (:org, :name, now())")

    with app_engine.begin() as conn:  # A's own rows can be written: the check is not blanket
        conn.execute(*a_setting)
        conn.execute(insert, {"org": a.id, "name": "New in A"})
    with (
        app_engine.begin() as conn,
        pytest.raises(ProgrammingError, match="violates row-level security policy"),
    ):
        conn.execute(*a_setting)
        conn.execute(insert, {"org": b.id, "name": "Sneaked into B"})
    with (
        app_engine.begin() as conn,
        pytest.raises(ProgrammingError, match="violates row-level security policy"),
    ):
        conn.execute(*a_setting)
        conn.execute(
            text("UPDATE teams SET org_id = :b WHERE id = :id"), {"b": b.id, "id": a_team.id}
        )
    with app_engine.begin() as conn:
        conn.execute(*a_setting)
        renamed = conn.execute(text("UPDATE teams SET name = 'x' WHERE org_id = :b"), {"b": b.id})
        deleted = conn.execute(text("DELETE FROM memberships WHERE org_id = :b"), {"b": b.id})
        assert (renamed.rowcount, deleted.rowcount) == (0, 0)

    with owner_engine.connect() as conn:
        assert conn.scalars(
            text("SELECT name FROM teams WHERE org_id = :b"), {"b": b.id}
        ).all() == ["Team B"]
    assert owner_count(owner_engine, "memberships", b.id) == 2


@pg_only
def test_person_setting_shows_only_their_own_memberships(app_engine, make, two_orgs):
    """The org switcher's rule: a person sees their own memberships everywhere, nothing else."""
    a_admin, b = two_orgs["A"][2], two_orgs["B"][0]
    in_b = make.member(b, roles=(Role.employee, Role.manager), user=a_admin.user)
    with app_engine.begin() as conn:
        conn.execute(
            text("SELECT set_config('app.user_id', :id, true)"), {"id": str(a_admin.user_id)}
        )
        memberships = set(conn.scalars(text("SELECT id FROM memberships")))
        role_owners = set(conn.scalars(text("SELECT membership_id FROM membership_roles")))
        teams = conn.execute(text("SELECT * FROM teams")).all()
    assert memberships == role_owners == {a_admin.id, in_b.id}
    assert teams == []


# --- A pooled connection forgets the setting ----------------------------------------------


@pytest.fixture()
def single_connection_app(app):
    """A second app on the same database whose pool holds exactly one connection."""
    config = dict(app.config)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 1, "max_overflow": 0}
    second = create_app(config)
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


@pg_only
def test_setting_does_not_survive_a_pool_checkout(single_connection_app, two_orgs):
    (a, _, a_admin), (b, _, b_admin) = two_orgs["A"], two_orgs["B"]
    with single_connection_app.app_context():
        engine = db.engine
    backends: list[int] = []

    def on_checkout(dbapi_connection, record, proxy):
        backends.append(dbapi_connection.info.backend_pid)

    event.listen(engine, "checkout", on_checkout)
    try:
        client = single_connection_app.test_client()
        login(client, a_admin.user)
        page = client.get(f"/o/{a.slug}/admin/members").get_data(as_text=True)
        # Seeing A's people proves the request did set A on this connection.
        assert "Worker A" in page and "Worker B" not in page
        # A request that commits: a session-level SET made in a rolled-back transaction
        # is undone with it, so only a commit would carry a leaked setting over.
        created = post_form(client, f"/o/{a.slug}/admin/teams", {"name": "Made by A"})
        assert created.status_code == 302

        with engine.connect() as conn:  # the next checkout, outside any organisation
            org_ids = conn.scalar(text("SELECT current_setting('app.org_ids', true)"))
            user_id = conn.scalar(text("SELECT current_setting('app.user_id', true)"))
            leftovers = conn.execute(text("SELECT * FROM memberships")).all()
        assert org_ids in ("", None)
        assert user_id in ("", None)
        assert leftovers == []

        client = single_connection_app.test_client()
        login(client, b_admin.user)
        page = client.get(f"/o/{b.slug}/admin/members").get_data(as_text=True)
        assert "Worker B" in page and "Worker A" not in page
    finally:
        event.remove(engine, "checkout", on_checkout)
    assert len(backends) >= 4 and len(set(backends)) == 1, "expected one pooled connection"


# --- The ORM safety net, both backends ----------------------------------------------------


@pytest.fixture(scope="module")
def owner_app(app, database):
    """The app on the owner connection, which bypasses RLS: only the ORM net filters."""
    config = dict(app.config)
    config["SQLALCHEMY_DATABASE_URI"] = database.owner_url
    owner = create_app(config)
    yield owner
    with owner.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(params=["app-role", "owner"])
def any_app(request, app):
    return app if request.param == "app-role" else request.getfixturevalue("owner_app")


def test_orm_net_reads_only_the_context_organisations(any_app, two_orgs):
    (a, a_team, _), (b, b_team, _) = two_orgs["A"], two_orgs["B"]
    with any_app.app_context():
        with org_context((a.id,)):
            teams = db.session.scalars(select(Team)).all()
            joined = db.session.scalars(
                select(Membership).join(Team, Team.id == Membership.team_id)
            ).all()
            roles = db.session.scalars(select(MembershipRole.org_id)).all()
            team_count = db.session.scalar(select(func.count(Team.id)))
        with org_context(()):
            nothing = db.session.scalars(select(Team)).all()
        with org_context((a.id, b.id)):
            both = db.session.scalars(select(Team.id)).all()
            with org_context((b.id,)):
                inner = db.session.scalars(select(Team.id)).all()
            restored = db.session.scalars(select(Team.id)).all()
    assert [t.id for t in teams] == [a_team.id]
    assert {m.org_id for m in joined} == {a.id} and len(joined) == 2
    assert set(roles) == {a.id}
    assert team_count == 1
    assert nothing == []
    assert sorted(both) == sorted(restored) == sorted([a_team.id, b_team.id])
    assert inner == [b_team.id]


def test_orm_net_is_what_filters_on_the_owner_connection(owner_app, two_orgs):
    """Without the net the same query on the same connection sees both organisations."""
    a = two_orgs["A"][0]
    with owner_app.app_context(), org_context((a.id,)):
        unfiltered = db.session.scalars(
            select(Team.org_id).execution_options(skip_org_filter=True)
        ).all()
        filtered = db.session.scalars(select(Team.org_id)).all()
    assert sorted(unfiltered) == sorted([a.id, two_orgs["B"][0].id])
    assert filtered == [a.id]


def test_orm_net_refuses_writing_another_organisations_rows(any_app, owner_engine, two_orgs):
    (a, a_team, _), (b, _, _) = two_orgs["A"], two_orgs["B"]
    with any_app.app_context(), org_context((a.id,)):
        db.session.add(Team(org_id=b.id, name="Sneaked into B"))
        with pytest.raises(PermissionError, match="outside its context"):
            db.session.flush()
        db.session.rollback()

        team = db.session.scalars(select(Team).where(Team.id == a_team.id)).one()
        team.org_id = b.id
        with pytest.raises(PermissionError, match="outside its context"):
            db.session.flush()
        db.session.rollback()

        db.session.add(Team(org_id=a.id, name="New in A"))  # A's own rows are fine
        db.session.commit()
    assert owner_count(owner_engine, "teams", b.id) == 1
    assert owner_count(owner_engine, "teams", a.id) == 2


def test_orm_net_keeps_bulk_writes_inside_the_context(any_app, owner_engine, two_orgs):
    """ORM bulk UPDATE and DELETE under A's context leave B's rows alone, also on SQLite."""
    a, b = two_orgs["A"][0], two_orgs["B"][0]
    with any_app.app_context(), org_context((a.id,)):
        renamed = db.session.execute(update(Team).values(name=Team.name + " (renamed)"))
        deleted = db.session.execute(delete(AuditEvent))
        db.session.commit()
    assert (renamed.rowcount, deleted.rowcount) == (1, 1)
    with owner_engine.connect() as conn:
        teams = dict(conn.execute(text("SELECT org_id, name FROM teams")).all())
    assert teams == {a.id: "Team A (renamed)", b.id: "Team B"}
    assert owner_count(owner_engine, "audit_events", b.id) == 1
    assert owner_count(owner_engine, "audit_events", a.id) == 0
