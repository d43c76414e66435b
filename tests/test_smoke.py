from tests.conftest import login


def test_home_page_names_the_product(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Leercultuur" in response.get_data(as_text=True)


def test_member_sees_org_home(client, make):
    org = make.org(name="Bakkerij De Korenschoof")
    person = make.member(org, name="Fatima")
    login(client, person.user)
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 200
    assert "Fatima" in response.get_data(as_text=True)
