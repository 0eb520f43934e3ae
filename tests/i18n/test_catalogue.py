"""The Chinese catalogue is complete: `make messages` would add nothing, every
entry is translated and not fuzzy, placeholders match, and the compiled .mo
is the .po's.

Fix a failure by running `make messages`, translating the new or fuzzy
entries in locale/zh_Hans/LC_MESSAGES/django.po (terms in locale/GLOSSARY.md),
and running `make messages` again to compile.
"""

import fnmatch
import os
import re
import shlex
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import services_required

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")
FIX = "run `make messages` and translate the entries in " + str(PO.relative_to(ROOT))


def makefile_messages_args() -> list[str]:
    """MESSAGES_ARGS from the Makefile, so the test extracts as `make messages`."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^MESSAGES_ARGS\s*:?=(.*)$", text, re.MULTILINE)
    assert match, "the Makefile has no MESSAGES_ARGS"
    return shlex.split(match.group(1))


def makemessages_options(args: list[str]) -> tuple[dict, list[str]]:
    """The Makefile's makemessages arguments as call_command options, and the
    ignore patterns on their own (the copy below leaves those folders out)."""
    options: dict = {"locale": [], "ignore_patterns": []}
    names = {
        "--locale": "locale",
        "-l": "locale",
        "--ignore": "ignore_patterns",
        "-i": "ignore_patterns",
        "--add-location": "add_location",
        "--domain": "domain",
        "-d": "domain",
        "--extension": "extensions",
        "-e": "extensions",
    }
    flags = {"--no-obsolete": "no_obsolete", "--no-wrap": "no_wrap"}
    words = iter(args)
    for word in words:
        name, _, value = word.partition("=")
        if name in flags:
            options[flags[name]] = True
            continue
        assert name in names, f"the test does not know makemessages' {name}"
        value = value or next(words)
        key = names[name]
        if key in {"locale", "ignore_patterns", "extensions"}:
            options.setdefault(key, []).append(value)
        else:
            options[key] = value
    return options, options["ignore_patterns"]


def copy_sources(dest: Path, ignore_patterns: list[str], extensions: set[str]):
    """The files makemessages reads, copied to `dest` at the same paths.

    makemessages writes beside the sources (a temporary .py for each template)
    and into ./locale when there is one in its working folder, whatever
    LOCALE_PATHS says; in a copy it touches neither the working tree nor the
    committed catalogue."""
    folders = [p.removesuffix("/*") for p in ignore_patterns]

    def ignored(rel: str) -> bool:
        name = os.path.basename(rel)
        return (
            name.startswith(".")
            or name in {"__pycache__", "locale"}
            or any(fnmatch.fnmatchcase(rel, f) for f in folders)
        )

    for folder, subfolders, files in os.walk(ROOT):
        rel_folder = os.path.relpath(folder, ROOT)
        subfolders[:] = [
            d for d in subfolders if not ignored(os.path.normpath(f"{rel_folder}/{d}"))
        ]
        for name in files:
            if os.path.splitext(name)[1] in extensions and not name.startswith("."):
                target = dest / rel_folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(os.path.join(folder, name), target)


def extract_catalogue(tmp: Path) -> polib.POFile:
    """What `make messages` would extract now, as a fresh catalogue."""
    options, ignore_patterns = makemessages_options(makefile_messages_args())
    extensions = {"." + e for e in options.get("extensions", ["html", "txt", "py"])}
    source = tmp / "src"
    copy_sources(source, ignore_patterns, extensions)
    locale_path = tmp / "locale"
    locale_path.mkdir()
    with override_settings(LOCALE_PATHS=[str(locale_path)]):
        cwd = Path.cwd()
        os.chdir(source)
        try:
            call_command("makemessages", verbosity=0, **options)
        finally:
            os.chdir(cwd)
    (locale_name,) = options["locale"]
    domain = options.get("domain", "django")
    return polib.pofile(str(locale_path / locale_name / "LC_MESSAGES" / f"{domain}.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(sorted({path for path, _ in entry.occurrences}))
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"  {context}{entry.msgid!r} ({where})"


@pytest.fixture(scope="module")
def committed() -> polib.POFile:
    assert PO.exists(), f"{PO.relative_to(ROOT)} is missing: {FIX}"
    return polib.pofile(str(PO))


def test_the_catalogue_holds_every_marked_string(committed, tmp_path):
    if shutil.which("xgettext") is None:
        message = "needs GNU gettext's xgettext (Debian package gettext)"
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {message}", pytrace=False)
        pytest.skip(message)
    fresh = extract_catalogue(tmp_path)
    known = {key(entry) for entry in committed}
    missing = [entry for entry in fresh if key(entry) not in known]
    assert not missing, (
        f"{len(missing)} marked strings are not in the catalogue ({FIX}):\n"
        + "\n".join(describe(entry) for entry in missing)
    )


def test_every_entry_is_translated_and_not_fuzzy(committed):
    untranslated = [e for e in committed if not e.obsolete and not e.translated()]
    fuzzy = [e for e in committed if not e.obsolete and "fuzzy" in e.flags]
    problems = []
    untranslated = [e for e in untranslated if "fuzzy" not in e.flags]
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:")
        problems += [describe(e) for e in untranslated]
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy (check, then remove the flag):")
        problems += [describe(e) for e in fuzzy]
    assert not problems, f"{FIX}\n" + "\n".join(problems)


# %(name)s, %s, %d, %%, … as Python's %-formatting reads them.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # %(name)…
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)


def placeholders(text: str) -> tuple[frozenset, tuple]:
    """The placeholders of a python-format string: the named ones (in any
    order, each as often as wanted) and the positional ones in order."""
    found = [m for m in PLACEHOLDER.finditer(text) if m.group("type") != "%"]
    named = frozenset(
        f"%({m.group('name')}){m.group('type')}" for m in found if m.group("name")
    )
    positional = tuple(f"%{m.group('type')}" for m in found if not m.group("name"))
    return named, positional


def shown(found: tuple[frozenset, tuple]) -> str:
    named, positional = found
    return ", ".join(sorted(named) + list(positional)) or "none"


def test_translations_keep_the_placeholders(committed):
    wrong = []
    for entry in committed:
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            # Chinese has one plural form, said for every count: it has the
            # plural's placeholders (the singular's may leave out the count).
            expected = placeholders(entry.msgid_plural)
            texts = [t for t in entry.msgstr_plural.values() if t]
        else:
            expected = placeholders(entry.msgid)
            texts = [entry.msgstr] if entry.msgstr else []
        for text in texts:
            if placeholders(text) != expected:
                wrong.append(
                    f"{describe(entry)}\n    {text!r} has "
                    f"{shown(placeholders(text))}, not {shown(expected)}"
                )
    assert not wrong, "placeholders differ between English and Chinese:\n" + (
        "\n".join(wrong)
    )


def test_the_compiled_catalogue_is_the_po(committed):
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `make messages`"
    compiled = {
        key(e): (e.msgstr, dict(e.msgstr_plural))
        for e in polib.mofile(str(MO))
        if e.msgid
    }
    expected = {
        key(e): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        for e in committed
        if e.translated() and "fuzzy" not in e.flags and not e.obsolete
    }
    compiled = {
        k: (s, {int(n): v for n, v in p.items()}) for k, (s, p) in compiled.items()
    }
    stale = sorted(
        (
            str(k[1])
            for k in expected.keys() | compiled.keys()
            if expected.get(k) != compiled.get(k)
        ),
    )
    assert not stale, (
        f"{MO.relative_to(ROOT)} is not the compiled {PO.name} "
        f"({len(stale)} entries differ): run `make messages`\n"
        + "\n".join(f"  {m!r}" for m in stale[:50])
    )
