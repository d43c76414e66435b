"""Bench data for ``kpi_dashboard.py``: one organisation with its teams, people and a year
and a half of everything the KPIs count, written with ``INSERT … SELECT generate_series``
on PostgreSQL (about a minute for 70 000 people).

Each organisation gets teams of ``team_size`` people under units of ten teams (and, when
there are more than ten units, divisions of ten units: three levels), 3 % of the people
in no team, 2 % who left during the last year, a fifth part-time, an employee role for
everyone, a manager per team and one admin. Per person, over the last 450 days: about
five learning-log entries, two shared successes, one and a half pieces of feedback given,
a development conversation in each of the last two years for 60 %, a goal for 40 %, a
skill for half (60 % of them confirmed by a colleague) and, for 15 %, a talk with an
ambassador. Per team: three production metrics with 13 months of values. Organisation-
wide targets for two development KPIs and a metric.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection

TEAMS_PER_UNIT = 10


@dataclass(frozen=True)
class BenchOrg:
    id: int
    slug: str
    people: int
    teams: int
    admin_id: int  # a user id
    manager_id: int  # the manager of ``team_id``
    team_id: int


def _run(conn: Connection, sql: str, **params) -> None:
    conn.execute(text(sql), params)


def create_org(conn: Connection, slug: str, people: int, team_size: int, today: date) -> BenchOrg:
    """One organisation and all its rows (owner connection: no row-level security)."""
    org_id = conn.execute(
        text(
            "INSERT INTO organisations (slug, name, kind, colour, locale, timezone,"
            " min_group_size, created_at)"
            " VALUES (:slug, :name, 'company', '#1d5c8c', 'nl', 'Europe/Amsterdam', 5, now())"
            " RETURNING id"
        ),
        {"slug": slug, "name": f"Bench {slug}"},
    ).scalar_one()
    p = {"org": org_id, "today": today, "slug": slug}
    teams = max(1, math.ceil(people / team_size))
    _teams(conn, org_id, teams)
    _people(conn, p, people, team_size)
    _activity(conn, p)
    _production(conn, p)
    admin_id, manager_id, team_id = conn.execute(
        text(
            "SELECT (SELECT m.user_id FROM memberships m JOIN membership_roles r"
            "          ON r.membership_id = m.id AND r.role = 'admin' WHERE m.org_id = :org),"
            "       m.user_id, m.team_id"
            " FROM memberships m JOIN membership_roles r"
            "   ON r.membership_id = m.id AND r.role = 'manager'"
            " WHERE m.org_id = :org ORDER BY m.team_id LIMIT 1"
        ),
        {"org": org_id},
    ).one()
    return BenchOrg(org_id, slug, people, teams, admin_id, manager_id, team_id)


def _teams(conn: Connection, org_id: int, teams: int) -> None:
    units = math.ceil(teams / TEAMS_PER_UNIT)
    divisions = math.ceil(units / TEAMS_PER_UNIT) if units > TEAMS_PER_UNIT else 0
    p = {"org": org_id}
    if divisions:
        _run(
            conn,
            "INSERT INTO teams (org_id, name, parent_id, created_at)"
            " SELECT :org, 'Divisie ' || i, NULL, now() FROM generate_series(1, :n) i",
            n=divisions,
            **p,
        )
    _run(
        conn,
        "INSERT INTO teams (org_id, name, parent_id, created_at)"
        " SELECT :org, 'Afdeling ' || i,"
        "        (SELECT id FROM teams"
        "          WHERE org_id = :org AND name = 'Divisie ' || ((i - 1) / 10 + 1)),"
        "        now()"
        " FROM generate_series(1, :n) i",
        n=units,
        **p,
    )
    _run(
        conn,
        "INSERT INTO teams (org_id, name, parent_id, created_at)"
        " SELECT :org, 'Team ' || i,"
        "        (SELECT id FROM teams"
        "          WHERE org_id = :org AND name = 'Afdeling ' || ((i - 1) / 10 + 1)),"
        "        now()"
        " FROM generate_series(1, :n) i",
        n=teams,
        **p,
    )


def _people(conn: Connection, p: dict, people: int, team_size: int) -> None:
    _run(
        conn,
        "INSERT INTO users (name, email, locale, session_version, is_operator, created_at)"
        " SELECT 'Persoon ' || i, 'p' || i || '@' || :slug || '.bench.example', 'nl', 1, false,"
        "        now()"
        " FROM generate_series(1, :n) i",
        n=people,
        **p,
    )
    # Team i holds people (i - 1) * size + 1 .. i * size; every 33rd person is in no team.
    _run(
        conn,
        "WITH u AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM users"
        "           WHERE email LIKE '%@' || :slug || '.bench.example'),"
        "     t AS (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM teams"
        "           WHERE org_id = :org AND name LIKE 'Team %'),"
        "     r AS (SELECT u.id AS user_id, u.rn, random() AS left_, random() AS part,"
        "                  random() AS age FROM u)"
        " INSERT INTO memberships (org_id, user_id, team_id, fte, active, created_at, disabled_at)"
        " SELECT :org, r.user_id, CASE WHEN r.rn % 33 = 0 THEN NULL ELSE t.id END,"
        "        CASE WHEN r.part < 0.2 THEN 0.6 ELSE 1.0 END,"
        "        r.left_ >= 0.02,"
        "        now() - make_interval(days => 30 + (r.age * 1500)::int),"
        "        CASE WHEN r.left_ < 0.02"
        "             THEN now() - make_interval(days => (r.left_ * 50 * 365)::int) END"
        " FROM r JOIN t ON t.rn = (r.rn - 1) / :size + 1",
        size=team_size,
        **p,
    )
    _run(
        conn,
        "INSERT INTO membership_roles (org_id, membership_id, role)"
        " SELECT :org, id, 'employee' FROM memberships WHERE org_id = :org",
        **p,
    )
    _run(
        conn,
        "INSERT INTO membership_roles (org_id, membership_id, role)"
        " SELECT :org, min(id), 'manager' FROM memberships"
        " WHERE org_id = :org AND team_id IS NOT NULL AND active GROUP BY team_id",
        **p,
    )
    _run(
        conn,
        "INSERT INTO membership_roles (org_id, membership_id, role)"
        " SELECT :org, min(id), 'admin' FROM memberships"
        " WHERE org_id = :org AND team_id IS NULL AND active",
        **p,
    )


# Every activity is dated within the last 450 days (the 12-month trend looks back 90 days
# for participation). Random dates are drawn in a subquery or in a LATERAL that names the
# row's own id: a LATERAL on generate_series alone is memoized by PostgreSQL (one date per
# series value for the whole table).
ACTIVITY = (
    # learning log: about 5.6 entries per person
    "INSERT INTO learning_log_entries (org_id, user_id, title, kind, minutes, in_work_time,"
    "  learned_on, notes, created_at)"
    " SELECT :org, user_id, 'Bench', (ARRAY['formal','non_formal','informal'])[1 + s % 3],"
    "        (ARRAY[15,30,60,90,120,240,480])[1 + (random() * 6)::int], random() < 0.8, d, '',"
    "        d + time '12:00'"
    " FROM (SELECT m.user_id, s, CAST(:today AS date) - (random() * 450)::int AS d"
    "       FROM memberships m CROSS JOIN generate_series(1, 8) s"
    "       WHERE m.org_id = :org AND random() < 0.7) x",
    # development conversations: one in each of the last two years for 60 %
    "INSERT INTO development_conversations (org_id, user_id, held_on, status, recorded_at,"
    "  answered_at)"
    " SELECT :org, user_id, d,"
    "        CASE WHEN random() < 0.85 THEN 'confirmed' WHEN random() < 0.8 THEN 'recorded'"
    "             ELSE 'disputed' END,"
    "        d + time '15:00', d + time '16:00'"
    " FROM (SELECT m.user_id, CAST(:today AS date) - y * 365 - (random() * 364)::int AS d"
    "       FROM memberships m CROSS JOIN generate_series(0, 1) y"
    "       WHERE m.org_id = :org AND random() < 0.6) x",
    # goals: 40 % of the people, half done, some dropped
    "INSERT INTO goals (org_id, user_id, title, why, status, shared_with_manager,"
    "  shared_with_ambassadors, created_at, updated_at, done_at)"
    " SELECT :org, m.user_id, 'Bench', '', st, false, false, c,"
    "        CASE WHEN st = 'open' THEN c ELSE c + interval '60 days' END,"
    "        CASE WHEN st = 'done' THEN c + interval '60 days' END"
    " FROM memberships m CROSS JOIN LATERAL ("
    "   SELECT now() - make_interval(days => 61 + (random() * 390)::int) AS c,"
    "          (ARRAY['open','done','done','dropped'])[1 + (random() * 3)::int] || '' AS st"
    "   WHERE m.id IS NOT NULL) x"
    " WHERE m.org_id = :org AND random() < 0.4",
    # shared successes: about two per person
    "INSERT INTO success_posts (org_id, kind, author_id, team_id, audience, body, client_token,"
    "  created_at)"
    " SELECT :org, 'success', m.user_id, m.team_id, 'team', 'Bench', 'b' || s,"
    "        now() - make_interval(days => (random() * 450)::int, hours => s)"
    " FROM memberships m CROSS JOIN generate_series(1, 3) s"
    " WHERE m.org_id = :org AND random() < 0.6",
    # feedback, given to the next person (mostly a team mate): about 1.5 per person
    "INSERT INTO feedback (org_id, giver_id, recipient_id, went_well, client_token, created_at)"
    " SELECT :org, m.user_id, n.user_id, 'Bench', 'b' || s,"
    "        now() - make_interval(days => (random() * 450)::int, hours => s)"
    " FROM memberships m JOIN memberships n ON n.id = m.id + 1 AND n.org_id = m.org_id"
    " CROSS JOIN generate_series(1, 3) s"
    " WHERE m.org_id = :org AND random() < 0.5",
    # skills: five per organisation, one in half the passports
    "INSERT INTO skills (org_id, name, name_key, description, created_at)"
    " SELECT :org, 'Vaardigheid ' || i, 'vaardigheid ' || i, '', now()"
    " FROM generate_series(1, 5) i",
    "INSERT INTO person_skills (org_id, user_id, skill_id, note, created_at)"
    " SELECT :org, m.user_id,"
    "        (SELECT id FROM skills"
    "          WHERE org_id = :org AND name_key = 'vaardigheid ' || (1 + m.id % 5)),"
    "        '', now() - interval '460 days'"
    " FROM memberships m WHERE m.org_id = :org AND random() < 0.5",
    # confirmations by the next person: 60 % of the skills, answered in the last 450 days
    "INSERT INTO skill_confirmations (org_id, person_skill_id, user_id, confirmer_id,"
    "  confirmer_role, status, requested_at, expires_at, answered_at)"
    " SELECT :org, ps.id, ps.user_id, n.user_id, 'colleague', 'confirmed', a - interval '2 days',"
    "        a + interval '88 days', a"
    " FROM person_skills ps JOIN memberships m ON m.org_id = ps.org_id AND m.user_id = ps.user_id"
    " JOIN memberships n ON n.id = m.id + 1 AND n.org_id = m.org_id"
    " CROSS JOIN LATERAL (SELECT now() - make_interval(days => (random() * 450)::int) AS a"
    "                     WHERE ps.id IS NOT NULL) x"
    " WHERE ps.org_id = :org AND random() < 0.6",
    # ambassadors: every hundredth person; 15 % of the people booked a talk
    "INSERT INTO ambassador_profiles (org_id, user_id, intro, story, languages, availability,"
    "  in_person, phone, video, facility_minutes_per_month, appointed_at)"
    " SELECT :org, user_id, '', '', '', '', true, true, false, 0, now() - interval '500 days'"
    " FROM memberships WHERE org_id = :org AND id % 100 = 0",
    "INSERT INTO ambassador_conversations (org_id, employee_id, ambassador_id, channel,"
    "  topic_text, status, booked_on, place, summary, client_token, created_at, updated_at)"
    " SELECT :org, m.user_id, a.user_id, 'in_person', '',"
    "        CASE WHEN random() < 0.1 THEN 'cancelled' ELSE 'held' END, d, '', '', 'b',"
    "        d + time '10:00', d + time '10:00'"
    " FROM memberships m JOIN memberships a ON a.org_id = m.org_id AND a.id = m.id - m.id % 100"
    " CROSS JOIN LATERAL (SELECT CAST(:today AS date) - (random() * 450)::int AS d"
    "                     WHERE m.id IS NOT NULL) x"
    " WHERE m.org_id = :org AND m.id % 100 <> 0 AND random() < 0.15",
)


def _activity(conn: Connection, p: dict) -> None:
    for statement in ACTIVITY:
        _run(conn, statement, **p)


def _production(conn: Connection, p: dict) -> None:
    _run(
        conn,
        "INSERT INTO production_metrics (org_id, name, unit, higher_is_better, aggregation,"
        "  description, active, created_at)"
        " VALUES (:org, 'Orders gepickt', 'orders', true, 'sum', '', true, now()),"
        "        (:org, 'Foutpercentage', '%', false, 'average', '', true, now()),"
        "        (:org, 'Klanttevredenheid', 'cijfer', true, 'average', '', true, now())",
        **p,
    )
    _run(
        conn,
        "INSERT INTO production_values (org_id, metric_id, team_id, month, value, source,"
        "  updated_at)"
        " SELECT :org, pm.id, t.id,"
        "        CAST(date_trunc('month', CAST(:today AS date))"
        "             - make_interval(months => i) AS date),"
        "        CASE pm.name WHEN 'Orders gepickt' THEN 1000 + random() * 500"
        "                     WHEN 'Foutpercentage' THEN 1 + random() * 3"
        "                     ELSE 6 + random() * 3 END,"
        "        'csv', now()"
        " FROM teams t CROSS JOIN production_metrics pm CROSS JOIN generate_series(0, 12) i"
        " WHERE t.org_id = :org AND t.name LIKE 'Team %' AND pm.org_id = :org",
        **p,
    )
    _run(
        conn,
        "INSERT INTO kpi_targets (org_id, kpi_key, team_id, team_key, valid_from, value, status,"
        "  note, created_at)"
        " SELECT :org, k, CAST(NULL AS integer), 0,"
        "        CAST(date_trunc('month', CAST(:today AS date)) - interval '12 months' AS date),"
        "        v, 'approved', '', now()"
        " FROM (VALUES ('conversations', 0.8), ('participation', 0.6)) AS x(k, v)"
        " UNION ALL"
        " SELECT :org, 'metric:' || id, NULL, 0,"
        "        CAST(date_trunc('month', CAST(:today AS date)) - interval '12 months' AS date),"
        "        2.5, 'approved', '', now()"
        " FROM production_metrics WHERE org_id = :org AND name = 'Foutpercentage'",
        **p,
    )
