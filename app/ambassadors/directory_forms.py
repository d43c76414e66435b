"""Forms and words of the ambassador directory (B1, B2): the profile an admin fills in
when appointing, the profile an ambassador keeps up themselves, and the booking form."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..development.goal_forms import client_token_field, optional_id
from ..forms import options
from ..orgs.forms import MultiCheckboxField
from .models import Channel, Topic

INTRO_MAX = 1000
STORY_MAX = 2000
LANGUAGES_MAX = 200
AVAILABILITY_MAX = 300
TOPIC_TEXT_MAX = 300
MAX_FACILITY_HOURS = 200
# Whole or half hours: 8, 8,5 or 8.5 (Dutch or English decimal mark).
HALF_HOURS_RE = re.compile(r"^\d{1,3}(?:[.,](?:0|00|5|50))?$")


def channel_labels() -> dict[str, str]:
    return {
        Channel.in_person: _l("Face to face"),
        Channel.phone: _l("By phone"),
        Channel.video: _l("Video call"),
    }


def topic_labels() -> dict[str, str]:
    return {
        Topic.course: _l("A course or training"),
        Topic.future: _l("My future at work"),
        Topic.basic_skills: _l("Reading, writing, numbers or computers"),
        Topic.money: _l("Paying for learning"),
        Topic.diploma: _l("A certificate or diploma"),
        Topic.other: _l("Something else"),
    }


def channel_label(value) -> str:
    return str(channel_labels().get(value, value)) if value else ""


def topic_label(value) -> str:
    return str(topic_labels().get(value, value)) if value else ""


def parse_half_hours(text: str | None) -> int | None:
    """Minutes from whole or half hours as typed ("8", "8,5", "8.5"); None otherwise."""
    value = (text or "").strip()
    if not HALF_HOURS_RE.match(value):
        return None
    try:
        hours = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None
    return int(hours * 60)


def hours_text(minutes: int | None) -> str:
    """Minutes as hours for a form field: 480 -> "8", 510 -> "8,5"."""
    minutes = minutes or 0
    whole, rest = divmod(minutes, 60)
    return f"{whole},5" if rest >= 30 else str(whole)


def _facility_hours(form, field) -> None:
    minutes = parse_half_hours(field.data)
    if minutes is None:
        raise ValidationError(_l("Give whole or half hours, for example 8 or 8,5."))
    if minutes > MAX_FACILITY_HOURS * 60:
        raise ValidationError(_l("Give at most %(max)d hours.", max=MAX_FACILITY_HOURS))


def _text(label, maximum: int) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum)),
        ],
    )


class ProfileForm(FlaskForm):
    """What colleagues see of an ambassador: the ambassador keeps this up themselves."""

    intro = _text(_l("A few words about you"), INTRO_MAX)
    story = _text(_l("My learning story"), STORY_MAX)
    languages = StringField(
        _l("Languages you speak"),
        validators=[
            Optional(),
            Length(
                max=LANGUAGES_MAX, message=_l("Use at most %(max)d characters.", max=LANGUAGES_MAX)
            ),
        ],
    )
    availability = StringField(
        _l("When can colleagues reach you?"),
        validators=[
            Optional(),
            Length(
                max=AVAILABILITY_MAX,
                message=_l("Use at most %(max)d characters.", max=AVAILABILITY_MAX),
            ),
        ],
    )
    channels = MultiCheckboxField(
        _l("How can colleagues talk to you?"),
        validators=[DataRequired(_l("Choose at least one way to talk."))],
        invalid_choice_message=_l("Choose from the list."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channels.choices = options(channel_labels().items())

    def profile_values(self) -> dict:
        chosen = set(self.channels.data or ())
        return {
            "intro": (self.intro.data or "").strip(),
            "story": (self.story.data or "").strip(),
            "languages": " ".join((self.languages.data or "").split()),
            "availability": " ".join((self.availability.data or "").split()),
            **{channel.value: channel.value in chosen for channel in Channel},
        }

    def fill_from(self, profile) -> None:
        """Fill the fields from a profile (or the defaults when there is none)."""
        if profile is None:
            self.channels.data = [Channel.in_person.value, Channel.phone.value]
            return
        self.intro.data = profile.intro
        self.story.data = profile.story
        self.languages.data = profile.languages
        self.availability.data = profile.availability
        self.channels.data = [c.value for c in profile.channels()]


class AdminProfileForm(ProfileForm):
    """The admin also sets the facility time granted (hours per month)."""

    facility_hours = StringField(
        _l("Hours per month for ambassador work"),
        validators=[InputRequired(_l("Fill in the hours, for example 8 or 8,5.")), _facility_hours],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 6},
    )

    def profile_values(self) -> dict:
        values = super().profile_values()
        values["facility_minutes_per_month"] = parse_half_hours(self.facility_hours.data)
        return values

    def fill_from(self, profile) -> None:
        super().fill_from(profile)
        self.facility_hours.data = hours_text(profile.facility_minutes_per_month if profile else 0)


class AppointForm(AdminProfileForm):
    person_id = SelectField(
        _l("Who?"),
        coerce=optional_id,
        validate_choice=False,  # the route checks the person is one of the candidates
        validators=[DataRequired(_l("Choose a person."))],
    )


class BookForm(FlaskForm):
    """Book a talk: a way to talk and, if you like, what it is about."""

    # No InputRequired: a missing or unknown choice gets this one message.
    channel = RadioField(
        _l("How do you want to talk?"),
        invalid_choice_message=_l("Choose how you want to talk."),
    )
    topic = RadioField(
        _l("What is it about? (you do not have to say)"),
        default="",
        invalid_choice_message=_l("Choose a topic from the list."),
    )
    topic_text = TextAreaField(
        _l("In your own words (optional)"),
        validators=[
            Optional(),
            Length(
                max=TOPIC_TEXT_MAX,
                message=_l("Use at most %(max)d characters.", max=TOPIC_TEXT_MAX),
            ),
        ],
        render_kw={"rows": 3, "maxlength": TOPIC_TEXT_MAX},
    )
    client_token = client_token_field()

    def __init__(self, *args, channels: list[Channel], **kwargs):
        super().__init__(*args, **kwargs)
        labels = channel_labels()
        self.channel.choices = options((c.value, labels[c]) for c in channels)
        if len(channels) == 1 and not self.channel.data:
            self.channel.data = channels[0].value
        self.topic.choices = options(
            [
                ("", _l("I will tell in the talk")),
                *((t.value, lbl) for t, lbl in topic_labels().items()),
            ]
        )

    def topic_values(self) -> tuple[Topic | None, str]:
        words = " ".join((self.topic_text.data or "").split())
        topic = Topic(self.topic.data) if self.topic.data else None
        if topic is None and words:
            topic = Topic.other
        return topic, words
