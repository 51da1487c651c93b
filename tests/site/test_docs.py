"""The README's settings tables stay true: every variable the code reads is documented."""

import re

from ..servers import BASE_DIR


def variables_read_by(path, pattern):
    return set(re.findall(pattern, (BASE_DIR / path).read_text()))


def test_every_setting_is_in_the_readme():
    """Each environment variable read by settings.py or gunicorn.conf.py has a README row."""
    readme = (BASE_DIR / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    read = variables_read_by("clinic/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z_]+)"')
    read |= variables_read_by("gunicorn.conf.py", r'os\.environ\.get\(\s*"([A-Z_]+)"')
    read |= variables_read_by("gunicorn.conf.py", r"os\.environ\.get\(\s*'([A-Z_]+)'")
    assert read, "the patterns above no longer find the settings"
    assert read - documented == set()


def test_every_setting_is_in_env_example():
    """.env.example mentions each variable settings.py reads."""
    example = (BASE_DIR / ".env.example").read_text()
    read = variables_read_by("clinic/settings.py", r'env(?:\.\w+)?\(\s*"([A-Z_]+)"')
    missing = {name for name in read if not re.search(rf"^#? ?{name}=", example, re.MULTILINE)}
    assert missing == set()
