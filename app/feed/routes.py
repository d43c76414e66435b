"""The learning successes feed (D1-D4): post, read, applaud, comment, "I want this too"."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from ..accounts.routes import safe_next
from ..db_types import utcnow
from ..extensions import db, htmx
from ..forms import query_int
from ..htmx import render
from ..permissions import require_member
from ..tenancy import scoped_get_or_404
from . import bp
from .forms import (
    COMMENT_MAX_LENGTH,
    POST_MAX_LENGTH,
    ApplauseForm,
    CommentForm,
    PostForm,
    WantForm,
    how_label,
    new_client_token,
    time_label,
)
from .models import Audience, SuccessPost
from .queries import (
    FeedItem,
    Viewer,
    can_see_post,
    feed_page,
    offer_choices,
    offer_title,
    post_item,
)
from .services import add_comment, create_post, set_applause, want_to_learn_too

# Offers are another feature's pages: link to an offer's own page when there is one.
OFFER_ENDPOINTS = (("offers.offer", "offer_id"), ("offers.index", None))


@bp.context_processor
def feed_helpers() -> dict:
    return {
        "how_label": how_label,
        "time_label": time_label,
        "new_client_token": new_client_token,
        "offer_url": offer_url,
        "comment_max_length": COMMENT_MAX_LENGTH,
        "post_max_length": POST_MAX_LENGTH,
    }


def offer_url(offer_id: int) -> str | None:
    for endpoint, argument in OFFER_ENDPOINTS:
        try:
            if argument:
                return url_for(endpoint, **{argument: offer_id})
            return url_for(endpoint) + f"#offer-{offer_id}"
        except BuildError:
            continue
    return None


def _viewer() -> Viewer:
    return Viewer(org_id=g.org.id, user_id=current_user.id, team_id=g.membership.team_id)


def _visible_post_or_404(post_id: int) -> SuccessPost:
    """The post, if the current person may see it; otherwise the same 404 as a missing id."""
    post = scoped_get_or_404(SuccessPost, post_id)
    if not can_see_post(_viewer(), post.id):
        abort(404)
    return post


def _item_or_404(post_id: int, all_comments: bool) -> FeedItem:
    item = post_item(_viewer(), post_id, all_comments=all_comments)
    if item is None:
        abort(404)
    return item


def _back_to(next_url: str | None, post_id: int):
    """Without JavaScript: back to the page the person came from, at the post."""
    target = safe_next(next_url) or url_for("feed.post", post_id=post_id)
    if "#" not in target:
        target += f"#post-{post_id}"
    return redirect(target)


@bp.get("/")
@require_member
def index():
    viewer = _viewer()
    scope = request.args.get("scope")
    team_only = viewer.team_id is not None and scope != "company"
    before = query_int("before")
    page = feed_page(viewer, team_only=team_only, before=before)
    return render(
        "feed/index.html",
        "feed/_page.html",
        page=page,
        team_only=team_only,
        has_team=viewer.team_id is not None,
        before=before,
        view="feed",
        back=request.full_path,
    )


@bp.route("/new", methods=["GET", "POST"])
@require_member
def new_post():
    has_team = g.membership.team_id is not None
    form = PostForm().set_choices(offer_choices(g.org.id), has_team)
    if form.validate_on_submit():
        post_id, _created = create_post(
            g.org.id,
            current_user.id,
            g.membership.team_id,
            body=form.body.data,
            audience=Audience(form.audience.data),
            how=form.how_value,
            minutes_spent=form.minutes_value,
            offer_id=form.offer_value,
            client_token=form.client_token.data,
            now=utcnow(),
        )
        db.session.commit()
        flash(_("Thank you for sharing what you learned!"), "success")
        scope = "team" if form.audience.data == Audience.team else "company"
        return redirect(url_for("feed.index", scope=scope) + f"#post-{post_id}")
    return render_template("feed/new.html", form=form), (400 if form.errors else 200)


@bp.get("/posts/<int:post_id>")
@require_member
def post(post_id: int):
    _visible_post_or_404(post_id)
    return render_template(
        "feed/post.html", item=_item_or_404(post_id, all_comments=True), view="post", back=None
    )


@bp.post("/posts/<int:post_id>/applause")
@require_member
def applaud(post_id: int):
    post = _visible_post_or_404(post_id)
    form = ApplauseForm()
    if form.validate_on_submit():
        set_applause(
            g.org.id, post, current_user.id, current_user.name, form.applaud.data == "1", utcnow()
        )
        db.session.commit()
    if htmx:
        item = _item_or_404(post.id, all_comments=False)
        return render_template("feed/_applause.html", item=item, back=form.next.data)
    return _back_to(form.next.data, post.id)


@bp.post("/posts/<int:post_id>/comments")
@require_member
def comment(post_id: int):
    post = _visible_post_or_404(post_id)
    form = CommentForm()
    view = "post" if form.view.data == "post" or not htmx else "feed"
    if form.validate_on_submit():
        add_comment(
            g.org.id,
            post,
            current_user.id,
            current_user.name,
            form.body.data,
            form.client_token.data,
            utcnow(),
        )
        db.session.commit()
        if not htmx:
            return _back_to(form.next.data, post.id)
        item = _item_or_404(post.id, all_comments=view == "post")
        return render_template("feed/_comments.html", item=item, view=view, back=form.next.data)
    # The message and the typed text come back: in place with htmx, else on the post page.
    item = _item_or_404(post.id, all_comments=view == "post")
    template = "feed/_comments.html" if htmx else "feed/post.html"
    return render_template(
        template, item=item, comment_form=form, view=view, back=form.next.data
    ), 400


@bp.post("/posts/<int:post_id>/want")
@require_member
def want(post_id: int):
    post = _visible_post_or_404(post_id)
    form = WantForm()
    if form.validate_on_submit():
        created = want_to_learn_too(
            g.org.id,
            post,
            offer_title(g.org.id, post.offer_id),
            current_user.id,
            current_user.name,
            utcnow(),
        )
        db.session.commit()
        if created and not htmx:
            flash(_("It is on your wish list now."), "success")
    if htmx:
        item = _item_or_404(post.id, all_comments=False)
        return render_template("feed/_want.html", item=item, back=form.next.data)
    return _back_to(form.next.data, post.id)
