"""One way to show a name held in both languages.

The working group's own names (fields, organisations, work items, steps, the
goal and vision) and a standard's title and scope have their English (or the
language they were written in) in the main column and their Chinese in a
``<name>_zh`` column beside it. Readers of Chinese see the Chinese where there
is one and the main column where there is none; every other reader sees the
main column.
"""

from typing import NamedTuple

from django import forms
from django.utils import translation

CHINESE = "zh-hans"


def reads_chinese(language: str | None = None) -> bool:
    """Whether ``language`` (by default the active one) is Simplified Chinese."""
    language = (language or translation.get_language() or "").lower()
    return language == CHINESE or language.startswith("zh")


def localized(obj, attr: str, language: str | None = None):
    """``obj.<attr>_zh`` for a reader of Chinese when it is not empty, else
    ``obj.<attr>``."""
    if obj is None:
        return ""
    if reads_chinese(language):
        value = getattr(obj, f"{attr}_zh", None)
        if value:
            return value
    return getattr(obj, attr)


class Text(NamedTuple):
    text: str
    lang: str  # for an HTML ``lang`` attribute


def html_lang(code: str) -> str:
    """A language code as HTML writes it ("zh-hans" → "zh-Hans")."""
    head, _, script = (code or "en").partition("-")
    return f"{head}-{script.title()}" if len(script) == 4 else code or "en"


def both(obj, attr: str, language: str | None = None) -> list[Text]:
    """The value of ``attr`` in both languages, the reader's first; one value
    when the other is empty or the same. The main column is in the row's
    ``language`` (a standard's) or else English."""
    main = getattr(obj, attr) or ""
    chinese = getattr(obj, f"{attr}_zh", None) or ""
    values = [
        Text(main, html_lang(getattr(obj, "language", "") or "en")),
        Text(chinese, html_lang(CHINESE)),
    ]
    if reads_chinese(language):
        values.reverse()
    seen: list[Text] = []
    for value in values:
        if value.text and value.text not in {v.text for v in seen}:
            seen.append(value)
    return seen


class LocalizedModelChoiceField(forms.ModelChoiceField):
    """A select whose options are named in the reader's language."""

    def __init__(self, *args, attr: str = "name", **kwargs):
        self.attr = attr
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return localized(obj, self.attr)
