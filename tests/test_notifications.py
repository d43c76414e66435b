"""The notification centre: notify() from any feature, a bell polled by htmx, mark read."""

from app.db_types import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify
from app.tenancy import org_context
from tests.conftest import csrf_token, login


def send_note(app, org, user, key=None, text="Karin applauded your success"):
    with app.app_context(), org_context((org.id,)):
        added = notify(org.id, user.id, "test", {"text": text}, utcnow(), dedupe_key=key)
        db.session.commit()
        db.session.remove()
    return added


def test_bell_counts_unread_and_list_marks_read(app, client, make, dbs):
    org = make.org()
    person = make.member(org).user
    other = make.member(org).user
    send_note(app, org, person)
    send_note(app, org, person, text="Second")
    send_note(app, org, other, text="Not for you")
    login(client, person)
    home = client.get(f"/o/{org.slug}/").get_data(as_text=True)
    assert 'class="badge">2<' in home
    bell = client.get(f"/o/{org.slug}/notifications/bell", headers={"HX-Request": "true"})
    page = bell.get_data(as_text=True)
    assert "<html" not in page and 'class="badge">2<' in page and 'hx-trigger="every 60s"' in page
    listing = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "Karin applauded your success" in listing and "Not for you" not in listing
    url = f"/o/{org.slug}/notifications/"
    client.post(f"/o/{org.slug}/notifications/read", data={"csrf_token": csrf_token(client, url)})
    dbs.expire_all()
    unread = dbs.query(Notification).filter_by(user_id=person.id, read_at=None).count()
    assert unread == 0
    assert dbs.query(Notification).filter_by(user_id=other.id, read_at=None).count() == 1
    assert 'class="badge"' not in client.get(url).get_data(as_text=True)


def test_same_dedupe_key_notifies_once(app, make, dbs):
    org = make.org()
    person = make.member(org).user
    assert send_note(app, org, person, key="applause:1:2") is True
    assert send_note(app, org, person, key="applause:1:2") is False
    assert dbs.query(Notification).filter_by(user_id=person.id).count() == 1


def test_user_text_in_a_notification_is_escaped(app, client, make):
    org = make.org()
    person = make.member(org).user
    send_note(app, org, person, text='<script>alert("x")</script>')
    login(client, person)
    page = client.get(f"/o/{org.slug}/notifications/").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
