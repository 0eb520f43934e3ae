"""Text analysis shared by the search index and the search queries.

Two languages, two ways:

- English (and any other alphabetic text): words, lower-cased, PostgreSQL's
  English stop words dropped, stemmed with Snowball's English stemmer — the
  same algorithm as PostgreSQL's ``english_stem`` dictionary, so the embedded
  SQLite run finds what PostgreSQL finds.
- Chinese, Japanese and Korean: no spaces between words, so each run of CJK
  characters becomes overlapping character bigrams ("评测标准" → 评测 测标 标准),
  a one-character run stays a unigram — the approach of Lucene's
  CJKBigramFilter. A query is split the same way and all its bigrams must match.

The index and the query both call these functions; nothing else tokenises.
"""

import functools
import re
from dataclasses import dataclass

import snowballstemmer

# Han (incl. extension A and compatibility ideographs), kana and hangul.
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
# Letters and digits that are not CJK: PostgreSQL's parser splits words there.
WORD = re.compile(rf"[^\W_{CJK_CHARS}]+")
WORD_CHAR = re.compile(rf"[^\W_{CJK_CHARS}]")

# PostgreSQL's tsearch_data/english.stop, so both backends drop the same words.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs
    themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few
    more most other some such no nor not only own same so than too very s t can
    will just don should now
    """.split()  # noqa: SIM905 — the file's own layout
)


@functools.cache
def _stemmer():
    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def english_words(text: str) -> list[str]:
    """The words of ``text`` that search looks at, lower-cased, unstemmed."""
    return [w for w in WORD.findall(text.lower()) if w not in STOP_WORDS]


def english_stems(text: str) -> list[str]:
    return [stem(w) for w in english_words(text)]


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(text)


def bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def cjk_terms(text: str) -> list[str]:
    """Overlapping bigrams of every CJK run, in order."""
    return [gram for run in cjk_runs(text) for gram in bigrams(run)]


def terms_field(terms) -> str:
    """Distinct terms as one space-padded string: `` a b c ``, so that a term
    is found with a plain ``LIKE '% a %'`` (SQLite) or parsed into a
    ``tsvector`` (PostgreSQL)."""
    unique = sorted(set(terms))
    return f" {' '.join(unique)} " if unique else ""


@dataclass(frozen=True)
class ParsedQuery:
    """A search as both backends run it: every English stem and every CJK
    term must occur in the standard (AND), as with ``plainto_tsquery``."""

    text: str
    words: tuple[str, ...]  # English words, unstemmed: PostgreSQL stems them
    stems: tuple[str, ...]
    cjk: tuple[str, ...]  # bigrams, and unigrams of one-character runs
    cjk_prefix: tuple[str, ...]  # one-character runs: match any bigram they start

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.cjk or self.cjk_prefix)

    def cjk_tsquery(self, operator: str = "&") -> str:
        """The CJK part as ``to_tsquery('simple', ...)`` text: every term
        (``operator`` "&"), or any of them ("|")."""
        parts = list(dict.fromkeys(self.cjk))
        parts += [f"{char}:*" for char in dict.fromkeys(self.cjk_prefix)]
        return f" {operator} ".join(parts)


def parse_query(text: str) -> ParsedQuery:
    text = (text or "").strip()
    words = tuple(dict.fromkeys(english_words(text)))
    cjk, prefix = [], []
    for run in cjk_runs(text):
        if len(run) == 1:
            # A lone character is rarely a word; matching the bigrams it
            # starts finds it inside longer runs too.
            prefix.append(run)
        else:
            cjk.extend(bigrams(run))
    return ParsedQuery(
        text=text,
        words=words,
        stems=tuple(dict.fromkeys(stem(w) for w in words)),
        cjk=tuple(dict.fromkeys(cjk)),
        cjk_prefix=tuple(dict.fromkeys(prefix)),
    )


MARKDOWN_NOISE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"<[^>]+>"), " "),  # raw HTML tags
    (re.compile(r"^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+", re.M), ""),  # blocks
    (re.compile(r"[*_`~|]+"), " "),  # emphasis, code, tables
    (re.compile(r"^[\s:-]+$", re.M), ""),  # table rules
    (re.compile(r"[ \t]+"), " "),
    (re.compile(r"\n{3,}"), "\n\n"),
]


def markdown_to_text(body: str) -> str:
    """Markdown reduced to its words, for indexing and snippets."""
    for pattern, replacement in MARKDOWN_NOISE:
        body = pattern.sub(replacement, body)
    return body.strip()
