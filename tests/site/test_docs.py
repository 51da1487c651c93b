"""The docs stay true and findable: every setting has its row, the README stays short and points
to the guides, and every picture and page the docs link to exists."""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
README = BASE_DIR / "README.md"
OPERATIONS = BASE_DIR / "docs" / "operations.md"
STAFF_GUIDE = BASE_DIR / "docs" / "staff-guide.md"
DOCS = [README, *sorted((BASE_DIR / "docs").glob("*.md"))]

README_LIMIT_BYTES = 8 * 1024
SETTING_ROW = re.compile(r"^\| `([A-Z_]+)` \|", flags=re.MULTILINE)
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
HTML_IMAGE = re.compile(r"<img\s[^>]*src=\"([^\"]+)\"")
MARKDOWN_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def variables_read_by(path, pattern):
    return set(re.findall(pattern, (BASE_DIR / path).read_text()))


def settings_read():
    read = variables_read_by("clinic/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z_]+)"')
    read |= variables_read_by("gunicorn.conf.py", r'os\.environ\.get\(\s*"([A-Z_]+)"')
    read |= variables_read_by("gunicorn.conf.py", r"os\.environ\.get\(\s*'([A-Z_]+)'")
    assert read, "the patterns above no longer find the settings"
    return read


def local_targets(doc, pattern):
    """Where a doc's links or images of one kind point inside the repository, as
    (path, fragment) pairs; addresses on other sites are left out."""
    for target in pattern.findall(doc.read_text()):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, fragment = target.partition("#")
        yield (doc.parent / unquote(path)).resolve() if path else doc, fragment


def heading_anchors(doc):
    """The anchors a Markdown viewer gives a doc's headings: lower case, punctuation dropped,
    spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", doc.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_setting_is_in_the_operations_guide():
    """Each environment variable read by settings.py or gunicorn.conf.py has a row in
    docs/operations.md, and the README repeats none of them."""
    documented = set(SETTING_ROW.findall(OPERATIONS.read_text()))
    assert settings_read() - documented == set()
    assert SETTING_ROW.findall(README.read_text()) == []


def test_every_setting_is_in_env_example():
    """.env.example mentions each variable settings.py reads."""
    example = (BASE_DIR / ".env.example").read_text()
    read = variables_read_by("clinic/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z_]+)"')
    missing = {name for name in read if not re.search(rf"^#? ?{name}=", example, re.MULTILINE)}
    assert missing == set()


def test_readme_is_short_and_points_to_the_guides():
    """A newcomer's README: at most 8 KB, the two commands, links to both guides."""
    readme = README.read_text()
    assert len(readme.encode()) <= README_LIMIT_BYTES
    assert "make run" in readme
    assert "make test" in readme
    linked = {path for path, _ in local_targets(README, MARKDOWN_LINK)}
    assert {OPERATIONS, STAFF_GUIDE} <= linked


def test_the_staff_guide_shows_its_steps_in_pictures():
    """The staff guide illustrates each task with the screenshots `make screenshots` takes."""
    pictures = {path.name for path, _ in local_targets(STAFF_GUIDE, MARKDOWN_IMAGE)}
    assert {
        "staff-sign-in.png",
        "staff-sign-in-code.png",
        "admin-requests-desktop.png",
        "staff-request-call-log.png",
        "staff-close-requests.png",
        "staff-question-edit.png",
    } <= pictures
    taken = (BASE_DIR / "tests" / "browser" / "screenshots.py").read_text()
    assert all(f'"{name}"' in taken for name in pictures)


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_image_the_docs_show_exists(doc):
    """No broken picture: each image a doc shows is a file in the repository."""
    images = [*local_targets(doc, MARKDOWN_IMAGE), *local_targets(doc, HTML_IMAGE)]
    missing = [str(path.relative_to(BASE_DIR)) for path, _ in images if not path.is_file()]
    assert missing == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_link_between_the_docs_leads_somewhere(doc):
    """Each link to a file in the repository finds it, and each #section finds its heading."""
    broken = []
    for path, fragment in local_targets(doc, MARKDOWN_LINK):
        if not path.exists():
            broken.append(f"{path.relative_to(BASE_DIR)} does not exist")
        elif fragment and path.suffix == ".md" and fragment not in heading_anchors(path):
            broken.append(f"{path.relative_to(BASE_DIR)} has no section #{fragment}")
    assert broken == []
