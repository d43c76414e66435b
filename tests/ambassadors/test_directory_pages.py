"""The ambassador directory for colleagues (B2): only active ambassadors, with initials,
story, languages, availability and ways to talk; the short link and the poster that lead
there; a link from the learning check; the same number of queries for 2 or 20."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from app.orgs.models import OrgKind, Role
from tests.conftest import login

from ..development.helpers_check import take_check
from .helpers import make_ambassador
from .helpers_directory import english, profile_of, send, text_of, url


def test_directory_shows_active_ambassadors_only(make, client, dbs):
    org = make.org()
    make_ambassador(
        make,
        org,
        user_kwargs={"name": "Anna de Vries"},
        intro="I drive the forklift.",
        story="I got my diploma at 50.",
        languages="Dutch, Polish",
        availability="Monday morning",
        video=True,
    )
    retired = make_ambassador(make, org, user_kwargs={"name": "Retired Rob"})
    login(client, make.admin(org).user)
    profile = profile_of(dbs, org, retired.user_id)
    assert send(client, org, url(org, f"manage/{profile.id}/retire")).status_code == 302
    make_ambassador(make, org, user_kwargs={"name": "Switched Off Sam", "active": False})
    make_ambassador(make, make.org(), user_kwargs={"name": "Other Company Olga"})
    make.member(org, roles=(Role.employee, Role.ambassador), name="Role Only Rick")
    me = make.member(org).user
    login(client, me)
    english(client)

    response = client.get(url(org))

    page = text_of(response)
    assert response.status_code == 200
    assert "Anna de Vries" in page and ">AV<" in page
    assert "I drive the forklift." in page and "I got my diploma at 50." in page
    assert "Dutch, Polish" in page and "Monday morning" in page
    assert "Face to face, By phone, Video call" in page
    assert "Talk to Anna de Vries" in page
    assert "Whoever is free first" in page
    # Someone given the role on the roles page: name only, and bookable.
    assert "Talk to Role Only Rick" in page
    for name in ("Retired Rob", "Switched Off Sam", "Other Company Olga"):
        assert name not in page


def test_directory_without_ambassadors_is_kind(make, client):
    org = make.org()
    login(client, make.member(org).user)
    english(client)

    page = text_of(client.get(url(org)))

    assert "There are no learning ambassadors here yet." in page
    assert "Whoever is free first" not in page


def test_an_ambassador_sees_themselves_without_a_button(make, client):
    org = make.org()
    ambassador = make_ambassador(make, org, user_kwargs={"name": "Ida Self"})
    login(client, ambassador.user)
    english(client)

    page = text_of(client.get(url(org)))

    assert "This is you." in page
    assert "Talk to Ida Self" not in page
    assert "Whoever is free first" not in page  # nobody else to book
    assert "Print a poster with a QR code" in page


def test_short_link_leads_to_the_directory_after_sign_in(make, client):
    org = make.org()
    member = make.member(org).user

    anonymous = client.get(f"/a/{org.slug}")

    assert anonymous.status_code == 302
    location = urlsplit(anonymous.location)
    assert location.path == "/login"
    assert parse_qs(location.query)["next"][0].rstrip("?") == f"/a/{org.slug}"

    login(client, member)
    signed_in = client.get(f"/a/{org.slug}")
    assert signed_in.status_code == 302
    assert urlsplit(signed_in.location).path == url(org)
    assert client.get(signed_in.location).status_code == 200


def test_short_link_of_another_organisation_or_a_union_is_not_found(make, client):
    org = make.org()
    union = make.org(kind=OrgKind.union)
    login(client, make.member(org).user)
    assert client.get(f"/a/{make.org().slug}").status_code == 404
    assert client.get("/a/no-such-organisation").status_code == 404
    login(client, make.admin(union).user)
    assert client.get(f"/a/{union.slug}").status_code == 404


def test_poster_has_a_big_qr_code_of_the_short_link_and_the_names(make, client, app):
    org = make.org(name="Bakery Bol")
    make_ambassador(make, org, user_kwargs={"name": "Anna de Vries"})
    make_ambassador(make, org, user_kwargs={"name": "Bram Bakker"})
    login(client, make.admin(org).user)
    english(client)

    response = client.get(url(org, "poster"))

    page = text_of(response)
    assert response.status_code == 200
    assert 'src="data:image/svg+xml' in page
    assert app.config["BASE_URL"].rstrip("/") + f"/a/{org.slug}" in page
    assert "Anna de Vries" in page and "Bram Bakker" in page
    assert "Talk to a learning ambassador" in page
    assert "data-print" in page
    assert "<script" not in page.split("</head>")[1]  # no inline scripts (CSP)


def test_employees_cannot_print_the_poster(make, client):
    org = make.org()
    login(client, make.member(org).user)
    assert client.get(url(org, "poster")).status_code == 403


def test_learning_check_result_links_to_the_directory(make, client):
    org = make.org()
    make_ambassador(make, org, user_kwargs={"name": "Anna de Vries"})
    login(client, make.member(org).user)
    english(client)

    page = text_of(take_check(client, org, {"know": "no"}, follow_redirects=True))

    assert "Anna de Vries" in page
    assert f'href="{url(org)}"' in page


def test_directory_runs_the_same_number_of_queries_for_2_or_20_ambassadors(
    make, client, count_queries
):
    def queries(number: int) -> int:
        org = make.org()
        for index in range(number):
            make_ambassador(make, org, user_kwargs={"name": f"Ambassador {index}"})
        login(client, make.member(org).user)
        english(client)
        client.get(url(org))  # warm up (session, language)
        with count_queries() as counter:
            response = client.get(url(org))
        assert response.status_code == 200
        assert text_of(response).count("Talk to Ambassador") == number
        return counter.count

    assert queries(2) == queries(20)
