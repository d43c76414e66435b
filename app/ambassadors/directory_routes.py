"""The ambassador directory for colleagues and booking a talk in three taps (B2), the
short link and poster that lead there, and the ambassador's own profile page (B1).

Only in a company. The short link ``/a/<org_slug>`` lives outside ``/o/<org_slug>/`` but
keeps the endpoint name ``ambassadors.short_link``: it is added to the app directly when
the blueprint is registered. Someone not signed in goes to the sign-in page first and
comes back through the short link to the directory.
"""

from __future__ import annotations

import segno
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..forms import MAX_ID
from ..htmx import redirect_to
from ..orgs.models import Role
from ..permissions import has_role, only_in, require_member, require_roles
from . import bp
from .booking import (
    AmbassadorCard,
    BookingRefused,
    TalkRequest,
    book_talk,
    directory_cards,
    existing_request,
    former_ambassador_name,
)
from .directory_forms import BookForm, ProfileForm, channel_label, topic_label
from .models import Channel
from .profiles import own_profile, save_own_profile


@bp.app_template_global()
def ambassador_channel_label(value) -> str:
    """Words for a way to talk ("in_person" -> "Face to face"), for any template."""
    return channel_label(value)


@bp.app_template_global()
def ambassador_topic_label(value) -> str:
    """Words for a booking topic ("basic_skills" -> "Reading, writing, ..."), for any template."""
    return topic_label(value)


@bp.get("/")
@only_in("company")
@require_member
def directory():
    """The organisation's learning ambassadors, with a big button to talk to each."""
    return render_template(
        "ambassadors/directory/index.html",
        cards=directory_cards(g.org.id),
        can_print_poster=has_role(Role.admin, Role.ambassador),
    )


def _chosen_ambassador() -> tuple[bool, int | None]:
    """(someone chosen?, their user id). No ``ambassador`` in the query: "whoever is free
    first". A value that cannot be an id names nobody who can be booked (id None)."""
    raw = (request.args.get("ambassador") or "").strip()
    if not raw:
        return False, None
    try:
        number = int(raw)
    except ValueError:
        return True, None
    return True, number if 0 < number <= MAX_ID else None


def _refusal_message(refused: BookingRefused) -> str:
    if refused.reason == "yourself":
        return _("You cannot book a talk with yourself.")
    if refused.name:
        return _("%(name)s is no longer a learning ambassador.", name=refused.name)
    return _("This ambassador cannot be booked.")


def _refusal(
    chosen: bool, wanted: int | None, card: AmbassadorCard | None
) -> BookingRefused | None:
    """Why the chosen ambassador cannot be booked (before the form is sent), or None."""
    if not chosen or card is not None:
        return None
    if wanted is not None and wanted == current_user.id:
        return BookingRefused("yourself")
    return BookingRefused("not_bookable", former_ambassador_name(g.org.id, wanted))


def _refused_page(refused: BookingRefused, cards: list[AmbassadorCard], status: int):
    """Nothing was saved: say why, and offer the others and "whoever is free first"."""
    return render_template(
        "ambassadors/directory/refused.html",
        message=_refusal_message(refused),
        others=[c for c in cards if c.user_id != current_user.id],
    ), status


@bp.route("/book", methods=["GET", "POST"])
@only_in("company")
@require_member
def book():
    """Tap 2 and 3: a way to talk (and a topic if you like), then "Send"."""
    chosen, wanted = _chosen_ambassador()
    cards = directory_cards(g.org.id)
    others = [c for c in cards if c.user_id != current_user.id]
    card = next((c for c in others if c.user_id == wanted), None) if chosen else None
    if request.method == "POST":
        # A second click on "Send" finds the talk the first one asked for.
        token = (request.form.get("client_token") or "")[:64]
        found = existing_request(current_user.id, token) if token else None
        if found is not None:
            return redirect_to(url_for("ambassadors.conversation", conversation_id=found))
    refused = _refusal(chosen, wanted, card)
    if refused is not None:
        return _refused_page(refused, cards, 409 if request.method == "POST" else 200)
    if not others:
        return render_template("ambassadors/directory/none.html", only_me=bool(cards)), (
            409 if request.method == "POST" else 200
        )
    form = BookForm(channels=card.channels if card else list(Channel))
    if form.validate_on_submit():
        topic, words = form.topic_values()
        talk = TalkRequest(
            ambassador_id=card.user_id if card else None,
            channel=Channel(form.channel.data),
            topic=topic,
            topic_text=words,
            client_token=form.client_token.data,
        )
        try:
            conversation_id, _created = book_talk(g.org, current_user, talk, utcnow())
        except BookingRefused as refusal:
            db.session.rollback()
            if refusal.reason in ("yourself", "not_bookable"):
                # Retired (or switched off) between showing the form and sending it.
                return _refused_page(refusal, directory_cards(g.org.id), 409)
            if refusal.reason == "nobody":
                form.channel.errors = [_("Nobody can talk this way right now. Choose another way.")]
            else:
                form.channel.errors = [
                    _("This ambassador does not talk this way. Choose another way.")
                ]
        else:
            db.session.commit()
            flash(
                _("Your question is sent. The learning ambassador will contact you soon."),
                "success",
            )
            return redirect_to(url_for("ambassadors.conversation", conversation_id=conversation_id))
    return render_template("ambassadors/directory/book.html", form=form, card=card), (
        400 if form.errors else 200
    )


@only_in("company")
@require_member
def short_link():
    """``/a/<org_slug>``: the short link on the poster, straight to the directory."""
    return redirect(url_for("ambassadors.directory"))


@bp.record_once
def _add_short_link(state) -> None:
    # Outside the blueprint's /o/<org_slug>/ambassadors prefix, same endpoint family.
    state.app.add_url_rule("/a/<org_slug>", endpoint="ambassadors.short_link", view_func=short_link)


def short_link_url() -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for("ambassadors.short_link", org_slug=g.org.slug)


@bp.get("/poster")
@only_in("company")
@require_roles(Role.admin, Role.ambassador)
def poster():
    """A printable A4 poster: a big QR code of the short link and the ambassadors' names."""
    link = short_link_url()
    return render_template(
        "ambassadors/directory/poster.html",
        cards=directory_cards(g.org.id),
        link=link,
        qr=segno.make(link, error="m").svg_data_uri(scale=10, border=2),
    )


@bp.route("/my-profile", methods=["GET", "POST"])
@only_in("company")
@require_roles(Role.ambassador)
def my_profile():
    """An ambassador keeps up what colleagues see of them (not the hours granted)."""
    profile = own_profile(g.org.id, current_user.id)
    form = ProfileForm()
    if request.method == "GET":
        form.fill_from(profile)
    elif form.validate_on_submit():
        save_own_profile(g.org.id, current_user.id, form.profile_values(), utcnow())
        db.session.commit()
        flash(_("Saved. This is what colleagues see."), "success")
        return redirect(url_for("ambassadors.directory", _anchor=f"ambassador-{current_user.id}"))
    return render_template("ambassadors/directory/my_profile.html", form=form, profile=profile), (
        400 if form.errors else 200
    )
