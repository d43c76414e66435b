"""User text rendering (D4): light formatting survives, nothing executable ever does."""

from hypothesis import given, settings

from app.text import plain_excerpt, render_user_text
from tests.safety import executable_markup, hostile_text


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_rendered_user_text_never_contains_executable_markup(text):
    html = str(render_user_text(text))
    assert executable_markup(html) == []


def test_light_formatting_and_safe_links_are_kept():
    html = str(render_user_text("**Heftruck** gehaald!\n\n[Info](https://example.org/cursus)"))
    assert "<strong>Heftruck</strong>" in html
    assert '<a href="https://example.org/cursus" rel="nofollow noopener noreferrer">' in html


def test_raw_html_is_shown_as_text():
    html = str(render_user_text("<b>hoi</b> <script>alert(1)</script>"))
    assert "&lt;b&gt;hoi&lt;/b&gt;" in html and "<script" not in html


def test_plain_excerpt_is_short_plain_text():
    assert plain_excerpt("een  twee\n drie", 50) == "een twee drie"
    assert plain_excerpt("x" * 200, 10) == "x" * 9 + "…"
