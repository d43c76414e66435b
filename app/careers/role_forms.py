"""Forms of the admin's role pages (R1): a role, a role's skill, who is in a role."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..forms import options
from ..orgs.forms import MultiCheckboxField
from .models import Horizon, RewardKind
from .roles import (
    DESCRIPTION_MAX,
    NAME_MAX,
    REASON_MAX,
    REWARD_TEXT_MAX,
    SKILL_NAME_MAX,
    RoleSkillValues,
    RoleValues,
)

HORIZON_LABELS = {
    Horizon.now: _l("Needed now"),
    Horizon.within_year: _l("Needed within a year"),
    Horizon.two_three_years: _l("Needed in 2 to 3 years"),
}
REWARD_LABELS = {
    RewardKind.none: _l("Nothing extra"),
    RewardKind.pay_step: _l("A pay step"),
    RewardKind.new_role: _l("A new role"),
    RewardKind.certificate: _l("A certificate"),
    RewardKind.other: _l("Something else"),
}


def _max(limit: int):
    return Length(max=limit, message=_l("Use at most %(max)d characters.", max=limit))


def _optional_id(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: the field says so


class RoleForm(FlaskForm):
    name = StringField(
        _l("Name of the role"),
        validators=[DataRequired(_l("Give the role a name.")), _max(NAME_MAX)],
    )
    description = TextAreaField(
        _l("What the work is (optional)"), validators=[_max(DESCRIPTION_MAX)]
    )

    def values(self) -> RoleValues:
        return RoleValues(name=self.name.data or "", description=self.description.data or "")


class RoleSkillForm(FlaskForm):
    """A skill of a role. ``skill_name`` only when adding (the route deletes it on edit);
    the offers' choices are set by the route."""

    skill_name = StringField(
        _l("Skill"),
        validators=[
            DataRequired(_l("Choose a skill from the list or type a new one.")),
            _max(SKILL_NAME_MAX),
        ],
        render_kw={"list": "skill-vocabulary", "autocomplete": "off"},
    )
    horizon = RadioField(
        _l("When does the role need it?"),
        choices=options((h.value, HORIZON_LABELS[h]) for h in Horizon),
        default=Horizon.now.value,
        validators=[InputRequired(_l("Choose when the role needs this skill."))],
    )
    reason = TextAreaField(
        _l("Why? In plain words"),
        validators=[
            DataRequired(_l("Say in a few plain words why the role needs this skill.")),
            _max(REASON_MAX),
        ],
    )
    reward_kind = RadioField(
        _l("What does the company give when someone has it?"),
        choices=options((k.value, REWARD_LABELS[k]) for k in RewardKind),
        default=RewardKind.none.value,
        validators=[InputRequired(_l("Choose what the company gives."))],
    )
    reward_text = StringField(
        _l("In your own words (optional)"), validators=[_max(REWARD_TEXT_MAX)]
    )
    offer_ids = MultiCheckboxField(_l("Offers that teach it"), coerce=int, validate_choice=True)

    def validate_reward_text(self, field) -> None:
        if self.reward_kind.data == RewardKind.other.value and not (field.data or "").strip():
            raise ValidationError(_l("Say what the company gives."))

    def values(self) -> RoleSkillValues:
        return RoleSkillValues(
            horizon=Horizon(self.horizon.data),
            reason=self.reason.data or "",
            reward_kind=RewardKind(self.reward_kind.data),
            reward_text=self.reward_text.data or "",
            offer_ids=tuple(self.offer_ids.data or ()),
            skill_name=(self.skill_name.data or "") if "skill_name" in self else "",
        )

    def fill_from(self, role_skill, offer_ids: list[int]) -> None:
        self.horizon.data = str(role_skill.horizon)
        self.reason.data = role_skill.reason
        self.reward_kind.data = str(role_skill.reward_kind)
        self.reward_text.data = role_skill.reward_text
        self.offer_ids.data = offer_ids


class PeopleForm(FlaskForm):
    """Tick people, then "put in this role" or "take out of this role" (``action``)."""

    people = SelectMultipleField(coerce=int, validate_choice=False)
    action = StringField()


class TeamFilterForm(FlaskForm):
    """Which team's people to list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    team = SelectField(_l("Team"), coerce=_optional_id, validate_choice=False)


class MemberRoleForm(FlaskForm):
    """The role of one person, on the admin's person page."""

    job_role_id = SelectField(
        _l("Role (from the list of roles)"),
        coerce=_optional_id,
        validators=[Optional()],
        validate_choice=True,
    )
