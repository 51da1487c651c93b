"""Where code may reach: the apps stay independent of each other, history of the live code."""

import ast

import pytest

from ..servers import BASE_DIR


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def imports_of(package):
    return {
        (path.relative_to(BASE_DIR).as_posix(), module)
        for path in sorted((BASE_DIR / package).rglob("*.py"))
        for module in imported_modules(path)
    }


@pytest.mark.parametrize(("package", "other"), [("faq", "consultations"), ("consultations", "faq")])
def test_the_apps_import_nothing_from_each_other(package, other):
    """Project-wide code (the demo command, the sitemap, the roles) lives in clinic/ instead."""
    assert imports_of(package), "no imports found: the scan is broken"
    crossing = {
        (path, module)
        for path, module in imports_of(package)
        if module == other or module.startswith(f"{other}.")
    }
    assert crossing == set()


def test_migrations_never_import_the_live_role_definition():
    """A later change to clinic/roles.py must not rewrite what an old migration did."""
    migrations = [
        (path, module)
        for package in ("clinic", "faq", "consultations")
        for path, module in imports_of(package)
        if "/migrations/" in path
    ]
    assert migrations, "no migration imports found: the scan is broken"
    assert [item for item in migrations if item[1].startswith("clinic.roles")] == []
