"""Every public page, in English and Spanish, is valid HTML by the Nu HTML checker (vnu.jar,
installed from npm into node_modules by `npm ci`; Java runs it)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

VNU_JAR = Path(
    os.environ.get("VNU_JAR")
    or settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
PAGES = [
    "/",
    "/faq/",
    "/faq/?q=ketamine",
    "/faq/?q=zzzzqqq",
    "/faq/is-ketamine-safe/",
    "/privacy/",
    "/consultation/",
    "/consultation/thanks/",
    "/no-such-page/",
]


def test_public_pages_are_valid_html_in_both_languages(client, tmp_path):
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `npm ci` (package.json lists vnu-jar)"
    java = shutil.which("java")
    assert java, "Java is needed to run the Nu HTML checker"
    files = []
    for prefix in ["", "/es"]:
        responses = [(path, client.get(prefix + path)) for path in PAGES]
        responses.append(("/consultation/ with errors", client.post(prefix + "/consultation/")))
        for path, response in responses:
            name = f"{prefix or '/en'}{path}".strip("/").replace("/", "_").replace("?", "_")
            target = tmp_path / f"{name or 'home'}.html"
            target.write_bytes(response.content)
            files.append(target)
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]
    assert problems == []
    assert result.returncode == 0
