"""Checks that a piece of HTML holds nothing that can run: shared by every XSS test."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import strategies as st

HOSTILE_PARTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[c](JaVaScRiPt:alert(1))",
    '<div hx-get="/o/x/admin" hx-trigger="load">',
    '<svg onload="alert(1)">',
    "<iframe src=//evil>",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    "<style>body{display:none}</style>",
    '<p style="x">',
    "<b",
    "<scr<script>ipt>",
    "\"'><script>alert(1)</script>",
    "**bold** _it_",
    "[ok](https://example.org)",
    "&lt;script&gt;",
    "<!-- <script> -->",
    "`<script>`",
    "> quote <script>",
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PARTS), st.text(max_size=20)), min_size=1, max_size=6
).map(" ".join)


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "iframe", "object", "embed", "style", "svg", "math", "base", "form"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith(("on", "hx-", "data-hx", "style", "srcdoc", "formaction")):
                self.problems.append(f"{tag} {name}")
            if name in {"href", "src", "action"} and value:
                scheme = value.strip().split(":", 1)[0].lower() if ":" in value else ""
                if scheme and scheme not in {"http", "https", "mailto"}:
                    self.problems.append(f"{tag} {name}={value}")


def executable_markup(html: str, allowed_scripts: tuple[str, ...] = ()) -> list[str]:
    """Everything in ``html`` that could run code; ``allowed_scripts`` are our own <script src>."""
    for src in allowed_scripts:
        html = html.replace(f'<script src="{src}" defer></script>', "")
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan.problems
