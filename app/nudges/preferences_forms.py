"""The preferences form (N5) and the plain words for each category of nudges."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from .models import Category

# What a person switches on or off, in their words (label, one line of explanation).
CATEGORY_TEXT = {
    Category.encouragement: (
        _l("Encouragement to learn"),
        _l("For example: who the learning ambassadors are, or a small step that suits you."),
    ),
    Category.reminders: (
        _l("Reminders"),
        _l("For example: a next step you agreed with a learning ambassador, or your goal."),
    ),
    Category.colleagues: (
        _l("News from colleagues"),
        _l("For example: what your team learned this week, or a colleague to give applause."),
    ),
    Category.manager: (
        _l("Tips for managers"),
        _l("For example: someone in your team you could talk with about learning."),
    ),
}


class PreferencesForm(FlaskForm):
    """One box per category: ticked means "yes, send me these"."""

    encouragement = BooleanField(CATEGORY_TEXT[Category.encouragement][0])
    reminders = BooleanField(CATEGORY_TEXT[Category.reminders][0])
    colleagues = BooleanField(CATEGORY_TEXT[Category.colleagues][0])
    manager = BooleanField(CATEGORY_TEXT[Category.manager][0])
