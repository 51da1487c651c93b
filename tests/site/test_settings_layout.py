"""clinic/settings.py keeps its headings, and each app's settings stay under one of them."""

import re

from ..servers import BASE_DIR

HEADINGS = [
    "SITE",
    "SECURITY",
    "STAFF SIGN-IN",
    "FAQ",
    "CONSULTATION REQUESTS",
    "EMAIL AND TASKS",
    "LOGGING",
    "BACKUPS",
]


def settings_by_heading():
    """{heading: [names assigned under it]}, in the order of the file."""
    sections = {}
    current = None
    lines = (BASE_DIR / "clinic" / "settings.py").read_text().splitlines()
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if re.fullmatch(r"# [A-Z][A-Z -]+", line) and re.fullmatch(r"# -{20,}", following):
            current = line.removeprefix("# ")
            sections[current] = []
        elif match := re.match(r"([A-Z][A-Z0-9_]*) = ", line):
            sections.setdefault(current, []).append(match.group(1))
    return sections


def test_settings_are_grouped_under_the_headings_in_order():
    sections = settings_by_heading()
    assert [heading for heading in sections if heading is not None] == HEADINGS
    assert sections.get(None, []) == ["BASE_DIR"]  # only what every group needs comes first


def test_each_group_holds_its_own_settings():
    sections = settings_by_heading()
    placed = {name: heading for heading, names in sections.items() for name in names}
    consultation = [name for name in placed if name.startswith("CONSULTATION_")]
    assert consultation, "no consultation settings found: the scan is broken"
    assert {placed[name] for name in consultation} == {"CONSULTATION REQUESTS"}
    assert {placed[name] for name in placed if name.startswith(("AXES_", "OTP_"))} == {
        "STAFF SIGN-IN"
    }
    assert {placed[name] for name in placed if name.startswith(("SECURE_", "CSRF_COOKIE"))} == {
        "SECURITY"
    }
    assert {placed[name] for name in placed if name.startswith("FAQ_")} == {"FAQ"}
    assert placed["TRUSTED_PROXY_COUNT"] == "SECURITY"
    assert {placed[name] for name in placed if name.startswith("MODELTRANSLATION_")} == {"SITE"}
    assert placed["SITE_LANGUAGES"] == placed["LANGUAGES"] == placed["LOCALE_PATHS"] == "SITE"
    assert placed["LOGGING"] == "LOGGING"
    assert placed["TASKS"] == placed["MAILERS"] == "EMAIL AND TASKS"
