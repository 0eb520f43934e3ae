"""How to cite a published standard: a plain-text reference and BibTeX.

The working group is the author and publisher; the number, title, edition
and date are those of the edition in force; the URL is the standard's public
page. Every value put in BibTeX is escaped, so a title with ``{``, ``%`` or
``\\`` cannot break the entry (or smuggle in LaTeX commands).
"""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from django.utils.translation import gettext as _

from portal.localized import localized
from portal.naming import portal_name

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def bibtex_escape(value: str) -> str:
    """``value`` as the text of a BibTeX field: special characters escaped,
    line breaks and runs of spaces made one space."""
    flat = " ".join(str(value).split())
    return _BIBTEX_SPECIAL_RE.sub(lambda m: _BIBTEX_SPECIAL[m[0]], flat)


def bibtex_url(url: str) -> str:
    """``url`` for BibTeX's ``url`` field, which is taken verbatim: braces,
    backslashes, spaces and non-ASCII characters percent-encoded instead of
    escaped."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%-._~")


@dataclass(frozen=True)
class Citation:
    number: str
    title: str
    edition: int | None
    published_on: date | None
    url: str
    organisation: str
    key: str

    @property
    def year(self) -> str:
        return str(self.published_on.year) if self.published_on else ""

    def plain_text(self) -> str:
        """``LLM Standards Working Group. LLMSWG 0001:2026, Title. Edition 2,
        2026-03-01. https://…``"""
        parts = [f"{self.organisation}."]
        parts.append(
            f"{self.number}, {self.title}." if self.number else f"{self.title}."
        )
        if self.edition and self.published_on:
            parts.append(
                _("Edition %(edition)s, %(date)s.")
                % {"edition": self.edition, "date": self.published_on.isoformat()}
            )
        elif self.edition:
            parts.append(_("Edition %(edition)s.") % {"edition": self.edition})
        parts.append(self.url)
        return " ".join(parts)

    def bibtex(self) -> str:
        fields = [
            ("author", "{" + bibtex_escape(self.organisation) + "}"),
            ("title", bibtex_escape(self.title)),
            ("type", "Standard"),
            ("number", bibtex_escape(self.number)),
            ("institution", bibtex_escape(self.organisation)),
            ("organization", bibtex_escape(self.organisation)),
            ("publisher", bibtex_escape(self.organisation)),
            ("edition", str(self.edition) if self.edition else ""),
            ("year", self.year),
            ("date", self.published_on.isoformat() if self.published_on else ""),
            ("url", bibtex_url(self.url)),
        ]
        lines = [f"@techreport{{{self.key},"]
        lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
        lines.append("}")
        return "\n".join(lines) + "\n"


def citation_for(standard, url: str) -> Citation:
    """The citation of ``standard`` (with ``in_force`` set by a selector)
    whose public page is at the absolute ``url``."""
    edition = getattr(standard, "in_force", None)
    number = (edition.number if edition else "") or standard.number or ""
    key = _KEY_UNSAFE.sub("-", number).strip("-").lower() or f"standard-{standard.pk}"
    return Citation(
        number=number,
        # The reader's language where the edition has it, else the other.
        title=localized(edition, "title") if edition else localized(standard, "title"),
        edition=edition.edition if edition else None,
        published_on=edition.published_on if edition else None,
        url=url,
        organisation=portal_name(),
        key=key,
    )
