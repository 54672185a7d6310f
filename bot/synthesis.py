"""Draw a round's answers together: shared themes, where views differ, the dream, actions.

The group has to be able to check every line of this, so nothing here guesses from outside
knowledge: a theme is a word the participants themselves used, counted only when at least
two people brought it up in at least two steps, and it carries the answers it came from.
Everything runs offline and is deterministic: the same answers give the same draft, and no
answer leaves the process.

How words are compared. Dutch inflects and compounds heavily, so "tijd", "tijden" and
"nabespreektijd" must count as one topic. Each word is lemmatised with simplemma's Dutch
dictionary and the lemma is then stemmed with Snowball's Dutch (Porter) stemmer, which
folds what the dictionary leaves apart ("rooster"/"roosteren", "begeleiding"/"begeleiden").
Snowball's newer Dutch stemmer is not used: it strips "ge-", so "begeleiding" would become
"beleid" (policy). Stop words come from the maintained stopwords-iso list.

Compounds are head-final, so a term also gathers a word that ends in it when what comes
before is itself a Dutch word ("nabespreek|tijd", "les|tijd", "begeleidings|uur"), and a
word that starts with it when what follows is one ("rooster|tijd"). Both sides are checked
against the lemmatiser's dictionary, which keeps "tijdelijk" out of "tijd" and
"verbinding" out of "ding"; a three-letter term such as "uur" is only found after a long
first part, so "cultuur" stays out.

A theme is about a thing, so a term must be used as a noun somewhere in the round: after a
determiner or preposition ("het rooster", "met tijd"), in the plural, as an acronym, or as
the head of a compound. That keeps "zien", "soms" and "fijn" out without a list of such
words. The only hand-written word sets are grammar and short: determiners, prepositions,
numerals (a noun next to a number or "per" is a unit: "twee keer per jaar"), separable
particles, affixes that happen to be words, the Dutch ways of saying "not enough", and the
clause openers that introduce what an action should yield.

Words the card keeps using ("Samen Opleiden", "aanstaande leraren", "team") are what the
whole round is about, so they are not themes. A word the card uses only once is the prompt
of one question ("tijd" and "rooster" in 4.4); when people carry it into other steps that
is exactly the thread the group should see, so only words the card uses at least twice are
left out.

Limits: this counts words, it does not understand them. Words for the round's own subject
that the card does not use ("studenten", "pabo") rank high because everybody uses them,
and a concern that two people voice in different words ("tijd", "uren", "rooster") stays
several small terms. Whether views differ is read from a few Dutch markers of shortfall,
not from meaning. The first call in a process loads simplemma's Dutch dictionary (about a
third of a second); after that a round of 40 people and 31 steps takes a fraction of that.
The result is a draft for the group to confirm, never a conclusion.

Other languages. The answers are read in the card's language, and everything that
belongs to one language sits in its profile (``_Language``): stop words, lemmatiser,
stemmer, the short grammar lists, the markers of shortfall and of what an action should
yield, and the words around dates; month names come from babel. Dutch is read as above.
English is read the same way with English lists: simplemma's English dictionary, Snowball's
English (Porter2) stemmer and the stopwords-iso English list, so "times" counts as "time"
and "debriefing" as "debriefs". English writes compounds apart, so nothing is split:
"timetable" is not "time", and "planning time" is two words, "planning" modifying "time"
(the theme is "time", never "planning time"). A hyphenated word is one word ("part-time",
"follow-up"). The noun cues are a determiner or preposition before the word, a plural and
an acronym; "to" is no preposition, since "to plan" is a verb, and a plural before another
word is still a noun, since English modifiers are singular ("student teachers"). English
has no verb ending to tell "the plans" from "she plans", so an "-s" form counts as a
plural unless a subject pronoun stands right before it ("it costs", "this helps"); past
forms in "-ed" ("worked", "planned") are verbs and no content. Limits of English: the
stopwords-iso list is broad and also holds nouns such as "work", "group", "problem",
"research", "information", "year", "room" and "welcome", which are never a theme; an
irregular plural ("children") gives no noun cue; the shortfall markers are a short list
("little", "rarely", "lacks", "still too …", "too many", "not yet", "isn't enough"); a
numeric date is read day first, as in British English.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Literal, NamedTuple

import simplemma
import snowballstemmer
import stopwordsiso
from babel.dates import get_month_names
from pydantic import BaseModel

from bot.i18n import _


@dataclass(frozen=True, slots=True)
class Statement:
    """One answer as the synthesis sees it, privacy already applied by the caller.

    ``person`` is an opaque key only for counting distinct people; it is never shown.
    ``author`` is what the group may see: a name, "deelnemer A", or None (private).
    ``section`` is the evaluation key ("inzichten", "acties", "betrekken") for
    evaluation answers, "droomvraag", "opening" or "question".
    """

    ref: str
    label: str
    section: str
    person: str
    author: str | None
    text: str


class Source(BaseModel):
    """An answer a finding came from, so a reader can check it."""

    ref: str
    label: str
    author: str | None
    excerpt: str


class Theme(BaseModel):
    title: str
    terms: list[str]
    refs: list[str]
    people: int
    sources: list[Source]


class Contrast(BaseModel):
    """Where the answers to one question agree (``gedeeld``) or diverge (``verschil``)."""

    ref: str
    label: str
    kind: Literal["gedeeld", "verschil"]
    shared_terms: list[str]
    sides: list[Source]


class Dream(BaseModel):
    recurring: list[Theme]
    alone: list[Source]


class ActionRow(BaseModel):
    """One person's follow-up; ``starts`` holds a "vanaf januari", a start and no deadline."""

    author: str | None
    what: str
    with_whom: str | None = None
    yields: str | None = None
    by_when: date | None = None
    starts: date | None = None


class Synthesis(BaseModel):
    enough: bool
    note: str | None = None
    themes: list[Theme] = []
    contrasts: list[Contrast] = []
    dream: Dream | None = None
    actions: list[ActionRow] = []


# --- tuning -----------------------------------------------------------------------------

MIN_PEOPLE = 2
MIN_ANSWERS = 6
MAX_THEMES = 5
TITLE_TERMS = 3
EXCERPT_LIMIT = 200
# Two terms are one theme when their answers overlap this much (Jaccard).
MERGE_OVERLAP = 0.6
# Each side of a compound has at least MIN_COMPOUND_PART letters; a term shorter than
# MIN_COMPOUND_TERM is only found after a first part longer than that ("studie|dag", not
# "cult|uur").
MIN_COMPOUND_PART = 3
MIN_COMPOUND_TERM = 4
# The card "keeps using" a word from this many occurrences on.
CARD_REPEATS = 2

# --- languages --------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


@dataclass(frozen=True, slots=True, eq=False)
class _Language:
    """What the synthesis knows of one language: short word lists, word-form cues, and the
    patterns of dates and of what an action should yield.

    There is one profile per language and it is compared by identity, so the caches below
    are keyed by it at the cost of a pointer.
    """

    code: str  # for simplemma, stopwords-iso and babel
    stemmer: str  # Snowball's name for it
    # A word, a number or a sign. English keeps a hyphenated word whole ("part-time",
    # "follow-up"): it is one word, where a Dutch "pabo-docent" is two.
    token: re.Pattern[str]
    # Cardinal numerals: a noun next to one is a unit or a label ("twee keer", "dag één").
    numerals: frozenset[str]
    # Determiners: the word they introduce (past degree words and inflected adjectives) is
    # a noun. Demonstratives are left out: "Dat zie je" fronts an object before a verb.
    determiners: frozenset[str]
    # Prepositions: what follows one is a noun phrase, often without article ("met tijd").
    prepositions: frozenset[str]
    degree: frozenset[str]
    # Whether compounds are written as one word and are split (Dutch), or apart (English).
    compounds: bool
    # Separable particles missing from the stop words: "mee|kijken" is a verb, no compound.
    particles: frozenset[str]
    # Derivational affixes that are also dictionary words: no compound part ("tijd|e|lijk").
    affix_words: frozenset[str]
    # Linking elements between the parts of a compound ("begeleiding|s|uur").
    links: tuple[str, ...]
    # Word forms. A plural ends in one of ``plural_endings`` and lemmatises to a word that
    # shares its first three letters and does not end in ``plural_lemma_not`` (Dutch verbs
    # lemmatise to "-en"). An infinitive ends in ``infinitive`` and is its own lemma (None:
    # English infinitives look like nouns). A word ending in ``inflection`` whose lemma
    # does not is an inflected adjective or past verb form ("vaste", "fixed"). A word
    # ending in one of ``verb_forms`` whose lemma differs and ends in ``verb_lemma`` is a
    # verb form and no content ("werkt", "worked"); so is a plural-looking word right after
    # one of ``subjects`` ("it works"). Without ``plural_modifies`` a plural is never a
    # modifier of the next word (English modifiers are singular: "student teachers").
    plural_endings: tuple[str, ...]
    plural_lemma_not: tuple[str, ...]
    infinitive: str | None
    inflection: str
    verb_forms: tuple[str, ...]
    verb_lemma: str
    subjects: frozenset[str]
    plural_modifies: bool
    # Saying "not enough / not there (yet)": lemmas of shortfall, and words of sufficiency
    # that count the other way unless negated; ``still`` followed by one of ``still_with``
    # ("nog te", "nog niet") and the word pairs in ``short_pairs`` are one shortfall each,
    # the pairs in ``neutral_pairs`` ("a few") none.
    shortfall: frozenset[str]
    enough: frozenset[str]
    negators: frozenset[str]
    still: str
    still_with: tuple[str, ...]
    short_pairs: tuple[tuple[str, str], ...]
    neutral_pairs: tuple[tuple[str, str], ...]
    # Clause openers that introduce what involving someone should yield, and the verbs of a
    # later sentence that says it.
    yield_marker: re.Pattern[str]
    yield_sentence: re.Pattern[str]
    # Dates: a month with what may come around it (``{months}`` is filled in from babel),
    # and a numeric date. Of the words before a month, ``month_start`` name its first day as
    # the boundary and ``starts`` open a period; the others mean its last day. Months in
    # ``verb_months`` are also verbs ("may") and count only with a word before, a day or a
    # year.
    month_pattern: str
    numeric_date: re.Pattern[str]
    month_start: frozenset[str]
    starts: frozenset[str]
    verb_months: frozenset[str]


_DUTCH = _Language(
    code="nl",
    # Snowball's newer Dutch stemmer strips "ge-": see the module docstring.
    stemmer="dutch_porter",
    token=re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]"),
    numerals=_wordset(
        "één eén twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig "
        "veertig vijftig honderd duizend"
    ),
    determiners=_wordset(
        "de het een geen elk elke ieder iedere mijn jouw ons onze hun uw meer veel weinig "
        "genoeg alle sommige enkele welke"
    ),
    prepositions=_wordset("met voor in op naar zonder tegen over bij uit van aan door tijdens"),
    degree=_wordset("heel zeer erg best echt nog zo te wat"),
    compounds=True,
    particles=_wordset("mee terug vast los neer"),
    affix_words=_wordset("heid lijk ling schap baar loos dom zaam achtig isch ver her ont"),
    links=("s", "en"),
    plural_endings=("en", "s"),
    plural_lemma_not=("n",),
    infinitive="en",
    inflection="e",
    verb_forms=("t", "d"),
    verb_lemma="en",
    subjects=frozenset(),
    plural_modifies=True,
    shortfall=_wordset("onvoldoende weinig zelden nauwelijks ontbreken tekort gebrek missen"),
    enough=_wordset("genoeg voldoende toereikend optimaal"),
    negators=_wordset("niet geen nooit"),
    still="nog",
    still_with=("te", "niet"),
    short_pairs=(("te", "veel"), ("te", "weinig"), ("van", "niet")),
    neutral_pairs=(),
    yield_marker=re.compile(
        r"(?:\b(?:zodat|opdat|waardoor|met als doel(?: dat| om)?|ik wil dat|wil ik dat|ik hoop dat)"
        r"|\bom\b(?=[^.;:!?]*\bte\s+\w))\s*",
        re.IGNORECASE,
    ),
    yield_sentence=re.compile(
        r"\b(?:opleveren|oplevert|opleverde|levert\b[^.;:!?]*\bop)\b", re.IGNORECASE
    ),
    month_pattern=(
        r"(?:\b(?P<prep>voor|vóór|uiterlijk|eind|einde|begin|in|vanaf|per)\s+)?"
        r"(?:\b(?P<day>\d{{1,2}})\s+)?"
        r"\b(?P<month>{months})\b"
        r"(?:\s+(?P<year>\d{{4}})\b)?"
    ),
    numeric_date=re.compile(
        r"(?:\b(?P<prep>vanaf|per)\s+)?\b(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4}))\b",
        re.IGNORECASE,
    ),
    month_start=_wordset("voor vóór begin vanaf per"),
    starts=_wordset("vanaf per"),
    verb_months=frozenset(),
)

# Words before an English month: the last day, the first day as boundary, a start.
_EN_MONTH_END = (
    "by the end of|by end of|before the end of|at the end of|the end of|end of|no later than"
    "|by late|in late|late|by|in"
)
_EN_MONTH_FIRST = (
    "by the beginning of|at the beginning of|the beginning of|beginning of|by the start of"
    "|at the start of|the start of|start of|by early|in early|early|before"
)
_EN_STARTS = (
    "from the beginning of|from the start of|starting from|starting in|from early|starting"
    "|as from|as of|from"
)


def _phrases(alternatives: str) -> frozenset[str]:
    return frozenset(alternatives.split("|"))


def _alternation(*alternatives: str) -> str:
    """A regular expression for any of the phrases, the longest first, spaces flexible."""
    phrases = sorted({p for a in alternatives for p in a.split("|")}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)


_ENGLISH = _Language(
    code="en",
    stemmer="english",
    token=re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+|[^\w\s]"),
    numerals=_wordset(
        "one two three four five six seven eight nine ten eleven twelve twenty thirty forty "
        "fifty hundred thousand"
    ),
    # "this" and "that" are left out as in Dutch: "that helps" is a pronoun and a verb.
    determiners=_wordset(
        "the a an no every each my your our their his her its more many much few little "
        "enough all some several any which whose other another"
    ),
    # Without "to": "to plan" is an infinitive.
    prepositions=_wordset(
        "with for in on at about from of by without against during through into after "
        "before between among over via within across"
    ),
    degree=_wordset("very really quite too so rather fairly pretty still even just"),
    compounds=False,
    particles=frozenset(),
    affix_words=frozenset(),
    links=(),
    plural_endings=("s",),
    plural_lemma_not=(),
    infinitive=None,
    inflection="ed",
    verb_forms=("ed",),
    verb_lemma="",
    subjects=_wordset("he she it this that who"),
    plural_modifies=False,
    shortfall=_wordset(
        "insufficient insufficiently inadequate inadequately few little hardly barely rarely "
        "seldom lack shortage shortfall scarce miss"
    ),
    enough=_wordset("enough sufficient sufficiently adequate adequately optimal"),
    negators=_wordset(
        "not no never nor isn't aren't wasn't weren't don't doesn't didn't haven't hasn't "
        "hadn't can't cannot won't wouldn't couldn't shouldn't"
    ),
    still="still",
    still_with=("too", "not"),
    short_pairs=(
        ("too", "much"),
        ("too", "many"),
        ("too", "little"),
        ("too", "few"),
        ("not", "yet"),
    ),
    neutral_pairs=(("a", "few"), ("a", "little")),
    # "to" alone opens a purpose only after a comma and before a lower-case word that is no
    # determiner or pronoun: ", to plan the debriefs", not ", to the board" or "talk to".
    # "I want to", "I hope to", "I'd like to" say what the writer will do, not what it yields.
    yield_marker=re.compile(
        r"(?:\b(?:so\s+that|in\s+order\s+(?:to|that)|with\s+the\s+(?:aim|goal)\s+(?:of|to|that)"
        r"|i\s+(?:want|hope(?:\s+that)?|would\s+like)(?!\s+to\b)|i['’]d\s+like(?!\s+to\b))"
        r"|\bso\b(?=\s+(?:we|they|you|i|he|she|everyone|everybody)\s+"
        r"(?:can|could|will|would|may|might)\b)"
        r"|[,;:]\s*\bto\b(?=\s+(?!(?:the|a|an|our|my|your|their|his|her|its|this|that|these|"
        r"those|them|him|us|me|you|whom|which|what|all|every|each|some|any)\b)(?-i:[a-z])))\s*",
        re.IGNORECASE,
    ),
    yield_sentence=re.compile(
        r"\b(?:yield(?:s|ed|ing)?|deliver(?:s|ed|ing)?|result(?:s|ed|ing)?\s+in)\b",
        re.IGNORECASE,
    ),
    # British "1 April" and "the 1st of April", American "April 1st, 2027"
    month_pattern=(
        rf"(?:\b(?P<prep>{_alternation(_EN_MONTH_END, _EN_MONTH_FIRST, _EN_STARTS)})\s+)?"
        r"(?:\b(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+)?"
        r"\b(?P<month>{months})\b"
        r"(?:\s+(?P<day_after>\d{{1,2}})(?:st|nd|rd|th)?\b)?"
        r"(?:,?\s+(?P<year>\d{{4}})\b)?"
    ),
    # day-month-year, as in British English; 2027-03-15 as everywhere
    numeric_date=re.compile(
        rf"(?:\b(?P<prep>{_alternation(_EN_STARTS)})\s+)?"
        r"\b(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
        r"|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4}))\b",
        re.IGNORECASE,
    ),
    month_start=_phrases(_EN_MONTH_FIRST) | _phrases(_EN_STARTS),
    starts=_phrases(_EN_STARTS),
    verb_months=_wordset("may march"),
)

_LANGUAGES = {"nl": _DUTCH, "en": _ENGLISH}

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


# --- words ------------------------------------------------------------------------------


@cache
def _stopwords(lang: _Language) -> frozenset[str]:
    return frozenset(stopwordsiso.stopwords(lang.code))


@cache
def _stemmer(lang: _Language) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(lang.stemmer)


@lru_cache(maxsize=65536)
def _normal(lower: str, lang: _Language) -> tuple[str, str]:
    """(lemma, stem) of a lower-case word; cached because the stemmer is pure Python."""
    lemma = simplemma.lemmatize(lower, lang=lang.code).lower()
    stem: str = _stemmer(lang).stemWord(lemma)
    return lemma, stem


@lru_cache(maxsize=65536)
def _known(word: str, lang: _Language) -> bool:
    return len(word) >= MIN_COMPOUND_PART and simplemma.is_known(word, lang=lang.code)


@lru_cache(maxsize=65536)
def _is_part(piece: str, lang: _Language) -> bool:
    """Whether ``piece`` can be one side of a compound: a word, maybe with a linking s/en."""
    candidates = [piece]
    for link in lang.links:
        if piece.startswith(link):
            candidates.append(piece[len(link) :])
        if piece.endswith(link):
            candidates.append(piece[: -len(link)])
    stop = _stopwords(lang)
    return any(
        c not in lang.affix_words and c not in lang.particles and c not in stop and _known(c, lang)
        for c in candidates
    )


def _infinitive(lower: str, lang: _Language) -> bool:
    return (
        lang.infinitive is not None
        and lower.endswith(lang.infinitive)
        and _normal(lower, lang)[0] == lower
    )


def _inflected(lower: str, lang: _Language) -> bool:
    """An attributive adjective or past verb form: "vaste" (vast), "dagelijkse", "maakte";
    in English a past form: "fixed", "planned"."""
    lemma = _normal(lower, lang)[0]
    return (
        lower.endswith(lang.inflection) and lemma != lower and not lemma.endswith(lang.inflection)
    )


def _plural(lower: str, lang: _Language) -> bool:
    """A noun plural: "studenten" (student), "dagen" (dag); verbs lemmatise to "-en".

    In English "plans" may as well be a verb: only a subject pronoun before it tells (see
    ``_read_sentence``).
    """
    lemma = _normal(lower, lang)[0]
    return (
        lemma != lower
        and not lemma.endswith(lang.plural_lemma_not)
        and lower.endswith(lang.plural_endings)
        and lower[:3] == lemma[:3]
    )


def _is_content(lower: str, names: frozenset[str], lang: _Language) -> bool:
    """Whether a word can carry a topic: no stop word, name, numeral or verb in -t/-d.

    A third person or participle ("werkt", "helpt", "gewerkt") lemmatises to an
    infinitive; left in, "het werkt" would count towards a theme "werk". The bare stem
    stays, because it is usually also the noun ("het rooster", "een plan", "de vraag"),
    and so do infinitives: "het nabespreken" is a topic. In English the past form in -ed
    goes ("worked", "planned"), and "-ing" stays: "the planning" is a topic.
    """
    stop = _stopwords(lang)
    if lower in stop or lower in names or lower in lang.numerals:
        return False
    lemma, stem = _normal(lower, lang)
    if lemma != lower and lemma.endswith(lang.verb_lemma) and lower.endswith(lang.verb_forms):
        return False
    return lemma not in stop and len(lemma) >= 3 and len(stem) >= 3


class _Token(NamedTuple):
    text: str
    lower: str
    word: bool


def _tokens(sentence: str, lang: _Language) -> list[_Token]:
    out: list[_Token] = []
    for text in lang.token.findall(sentence):
        out.append(_Token(text, text.lower().replace("’", "'"), text[0].isalpha()))
    return out


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _shorten(text: str, limit: int = EXCERPT_LIMIT) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


# --- reading the answers ----------------------------------------------------------------


@dataclass(slots=True)
class _Answer:
    index: int
    statement: Statement
    sentences: list[str]
    tokens: list[list[_Token]]  # per sentence
    words: list[set[str]]  # per sentence, its content words in lower case
    nouns: set[str]  # content words this answer uses as nouns

    @property
    def all_words(self) -> set[str]:
        return set().union(*self.words)


def _names(statements: Sequence[Statement], tokenised: list[list[list[_Token]]]) -> frozenset[str]:
    """Words that are names: authors' names, and capitalised words never written in lower case.

    Colleagues name each other ("Via Bram", "Anna laat het zien"); a name is no theme, and in
    a theme title it would say who was talked about.
    """
    capitalised: set[str] = set()
    lowered: set[str] = set()
    for sentences in tokenised:
        for tokens in sentences:
            words = [t for t in tokens if t.word]
            for position, token in enumerate(words):
                if token.text.islower():
                    lowered.add(token.lower)
                elif position > 0 and not token.text.isupper():
                    capitalised.add(token.lower)
    authors = {
        part.lower()
        for st in statements
        if st.author
        for part in re.split(r"[\s\-]+", st.author)
        if len(part) >= MIN_COMPOUND_PART
    }
    return frozenset((capitalised - lowered) | authors)


def _after_determiner(tokens: list[_Token], k: int, lang: _Language) -> bool:
    """Whether a determiner or preposition introduces the word, past degree words and
    inflected adjectives ("een heel diverse groep", "met tijd ervoor", "a fixed hour")."""
    j = k - 1
    while j >= 0 and k - j <= 3 and tokens[j].word:
        if tokens[j].lower in lang.determiners or tokens[j].lower in lang.prepositions:
            return True
        if tokens[j].lower not in lang.degree and not _inflected(tokens[j].lower, lang):
            return False
        j -= 1
    return False


def _attributive(tokens: list[_Token], k: int, names: frozenset[str], lang: _Language) -> bool:
    """A word right before another content word modifies it ("een vast uur", "de ervaren
    collega's"); a following infinitive does not count ("hun vragen stellen"). An English
    plural modifies nothing: "the mentors meet" is a subject and its verb."""
    if k + 1 >= len(tokens) or not tokens[k + 1].word:
        return False
    if not lang.plural_modifies and _plural(tokens[k].lower, lang):
        return False
    following = tokens[k + 1].lower
    return _is_content(following, names, lang) and not _infinitive(following, lang)


def _counted(lower: str, lang: _Language) -> bool:
    return lower.isdigit() or lower in lang.numerals


def _read_sentence(
    tokens: list[_Token], names: frozenset[str], lang: _Language
) -> tuple[set[str], set[str]]:
    """(content words, those used as nouns) of one sentence.

    A word next to a numeral or "per" is a unit or a label ("twee keer per jaar", "een dag
    per week", "dag één"), not a topic. A plural-looking word right after a subject pronoun
    is a verb ("it works", "she plans"), so it is no content either.
    """
    content: set[str] = set()
    nouns: set[str] = set()
    for k, token in enumerate(tokens):
        if not token.word:
            continue
        previous = tokens[k - 1].lower if k else ""
        following = tokens[k + 1].lower if k + 1 < len(tokens) else ""
        if "per" in (previous, following) or _counted(previous, lang) or _counted(following, lang):
            continue
        if not _is_content(token.lower, names, lang):
            continue
        if previous in lang.subjects and _plural(token.lower, lang):
            continue
        content.add(token.lower)
        if (len(token.text) > 1 and token.text.isupper()) or (
            not _inflected(token.lower, lang)
            and not _infinitive(token.lower, lang)
            and not _attributive(tokens, k, names, lang)
            and (_plural(token.lower, lang) or _after_determiner(tokens, k, lang))
        ):
            nouns.add(token.lower)
    return content, nouns


def _read(statements: Sequence[Statement], lang: _Language) -> list[_Answer]:
    """Every answer split into sentences and words, each text tokenised once."""
    split = [_sentences(st.text) for st in statements]
    tokenised = [[_tokens(sentence, lang) for sentence in sentences] for sentences in split]
    names = _names(statements, tokenised)
    answers: list[_Answer] = []
    for index, st in enumerate(statements):
        words: list[set[str]] = []
        nouns: set[str] = set()
        for tokens in tokenised[index]:
            content, used_as_noun = _read_sentence(tokens, names, lang)
            words.append(content)
            nouns |= used_as_noun
        answers.append(_Answer(index, st, split[index], tokenised[index], words, nouns))
    return answers


def _card_vocabulary(card_text: str, lang: _Language) -> frozenset[str]:
    """Stems the card uses at least twice: the subject of the whole round, not a theme."""
    counts: Counter[str] = Counter()
    for sentence in _sentences(card_text):
        for token in _tokens(sentence, lang):
            if token.word and _is_content(token.lower, frozenset(), lang):
                counts[_normal(token.lower, lang)[1]] += 1
    return frozenset(stem for stem, n in counts.items() if n >= CARD_REPEATS)


@dataclass(slots=True)
class _Round:
    """What every part of the synthesis needs to know about the round, computed once."""

    lang: _Language
    answers: list[_Answer]
    excluded: frozenset[str]  # stems of card vocabulary
    nouns: frozenset[str]  # words used as nouns anywhere in the round
    surface: Counter[str]  # words as written, for display
    step_order: dict[str, int]  # ref -> position of its first answer


@dataclass(slots=True)
class _Vocabulary:
    """The content words of some answers, and where each occurs."""

    answers: list[_Answer]
    lang: _Language
    occurs: dict[str, set[int]] = field(default_factory=dict)  # word -> answer indices
    stem_words: dict[str, set[str]] = field(default_factory=dict)  # stem -> words

    def __post_init__(self) -> None:
        for answer in self.answers:
            for word in answer.all_words:
                self.occurs.setdefault(word, set()).add(answer.index)
                self.stem_words.setdefault(_normal(word, self.lang)[1], set()).add(word)


# --- terms and themes -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    stem: str
    display: str
    words: frozenset[str]  # the words (compounds included) that count as this term
    answers: frozenset[int]
    people: int
    steps: int

    @property
    def rank(self) -> tuple[int, int, str, str]:
        return (-self.people * self.steps, -len(self.answers), self.display, self.stem)


def _compound_index(vocab: _Vocabulary) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Where a term can be found inside longer words: as their head or as their start.

    Heads are keyed by the tail of each word as written, as lemma and as stem, so
    "begeleidingsuren" is found under "uur" through its lemma. Built once, so matching a
    term is a lookup and not a scan over every word of the round. A language that writes
    its compounds apart (English) has none.
    """
    heads: dict[str, set[str]] = {}
    starts: dict[str, set[str]] = {}
    lang = vocab.lang
    if not lang.compounds:
        return heads, starts
    for word in vocab.occurs:
        lemma, stem = _normal(word, lang)
        for form in {word, lemma, stem}:
            for cut in range(MIN_COMPOUND_PART, len(form) - MIN_COMPOUND_PART + 1):
                head, modifier = form[cut:], form[:cut]
                if len(head) < MIN_COMPOUND_TERM and len(modifier) <= MIN_COMPOUND_TERM:
                    continue
                if _is_part(modifier, lang):
                    heads.setdefault(head, set()).add(word)
        for cut in range(MIN_COMPOUND_TERM, len(word) - MIN_COMPOUND_PART + 1):
            if _is_part(word[cut:], lang):
                starts.setdefault(word[:cut], set()).add(word)
    return heads, starts


def _display(words: set[str], rnd: _Round) -> str:
    """The most used way of writing a term; acronyms keep their capitals."""
    best = min(words, key=lambda w: (-rnd.surface[w] - rnd.surface[w.upper()], len(w), w))
    return best.upper() if rnd.surface[best.upper()] > rnd.surface[best] else best


def _terms(vocab: _Vocabulary, rnd: _Round, *, min_people: int, min_steps: int) -> list[_Term]:
    """Every word that enough people used in enough steps, with the compounds that hold it.

    Only words used as nouns somewhere in the round qualify: "zien" or "soms" are not what a
    group's theme is about, "het rooster" and "nabespreektijd" are. A compound counts as a
    noun when it is used as one or when the dictionary does not know it: a compound made up
    on the spot is almost always a noun.
    """
    heads, starts = _compound_index(vocab)
    by_index = {a.index: a.statement for a in vocab.answers}
    terms: list[_Term] = []
    for stem, exact in vocab.stem_words.items():
        if stem in rnd.excluded:
            continue
        forms = {stem, *exact, *(_normal(w, rnd.lang)[0] for w in exact)}
        headed = set().union(*(heads.get(f, set()) for f in forms)) - exact
        if not (
            exact & rnd.nouns or any(w in rnd.nouns or not _known(w, rnd.lang) for w in headed)
        ):
            continue
        started = set().union(*(starts.get(f, set()) for f in forms if len(f) >= 4))
        words = frozenset(exact | headed | started)
        answers = frozenset(i for w in words for i in vocab.occurs[w])
        people = len({by_index[i].person for i in answers})
        steps = len({by_index[i].ref for i in answers})
        if people >= min_people and steps >= min_steps:
            terms.append(_Term(stem, _display(exact, rnd), words, answers, people, steps))
    terms.sort(key=lambda t: t.rank)
    return terms


def _source(answer: _Answer, lang: _Language, words: frozenset[str] | None = None) -> Source:
    """The answer as a source: the sentences holding ``words``, or all of it.

    When those sentences are too long to show, the excerpt starts shortly before the first
    word found, so the reader still sees what the finding is about.
    """
    if words is None:
        text = " ".join(" ".join(answer.sentences).split())
    else:
        held = zip(answer.sentences, answer.words, strict=True)
        text = " ".join(" ".join(s for s, found in held if found & words).split())
        if len(text) > EXCERPT_LIMIT:
            first = next(
                (m.start() for m in lang.token.finditer(text) if m.group().lower() in words), 0
            )
            cut = text.rfind(" ", 0, max(0, first - EXCERPT_LIMIT // 4))
            if cut > 0:
                text = "…" + text[cut + 1 :]
    st = answer.statement
    return Source(ref=st.ref, label=st.label, author=st.author, excerpt=_shorten(text))


@dataclass(frozen=True, slots=True)
class _Found:
    theme: Theme
    answers: frozenset[int]


def _themes(vocab: _Vocabulary, rnd: _Round, *, min_steps: int) -> list[_Found]:
    """Terms used by enough people, merged when they sit in nearly the same answers.

    A term joins the first (strongest) theme whose leading term shares most of its answers;
    comparing with the leading term rather than the growing theme keeps themes from
    chaining into one. A title leaves out terms whose words an earlier term already holds
    ("werkplekbegeleider" after "begeleider").
    """
    groups: list[list[_Term]] = []
    for term in _terms(vocab, rnd, min_people=MIN_PEOPLE, min_steps=min_steps):
        for group in groups:
            lead = group[0].answers
            if len(lead & term.answers) >= MERGE_OVERLAP * len(lead | term.answers):
                group.append(term)
                break
        else:
            groups.append([term])

    by_index = {a.index: a for a in vocab.answers}
    found: list[tuple[tuple[int, int, str], _Found]] = []
    for group in groups:
        answers = frozenset().union(*(t.answers for t in group))
        words = frozenset().union(*(t.words for t in group))
        ordered = sorted(answers, key=lambda i: (rnd.step_order[by_index[i].statement.ref], i))
        refs = list(dict.fromkeys(by_index[i].statement.ref for i in ordered))
        people = len({by_index[i].statement.person for i in answers})
        titled: list[_Term] = []
        for term in group:
            if not any(term.words <= t.words for t in titled):
                titled.append(term)
        theme = Theme(
            title=_(" · ").join(t.display for t in titled[:TITLE_TERMS]),
            terms=[t.display for t in group],
            refs=refs,
            people=people,
            sources=[_source(by_index[i], rnd.lang, words) for i in ordered],
        )
        found.append(((-people * len(refs), -len(answers), theme.title), _Found(theme, answers)))
    found.sort(key=lambda pair: pair[0])
    return [f for _key, f in found[:MAX_THEMES]]


# --- contrasts --------------------------------------------------------------------------


def _shortfall(answer: _Answer, lang: _Language) -> int:
    """How an answer weighs sufficiency: below zero when it says "not enough".

    Plain negation is not counted: "niet alleen de ervaren collega's" or "dat had ik niet
    verwacht" is no complaint. What counts is a word of shortfall ("weinig", "zelden",
    "ontbreekt"), "nog te …", "nog niet", "te veel", the answer "van niet", and a negated
    word of sufficiency ("niet optimaal"); an unnegated "voldoende" weighs the other way.
    In English: "little", "rarely", "lacks", "still too …", "too much", "not yet", "isn't
    enough"; "a few" and "a little" are no shortfall. Questions the writer asks ("Of dat
    genoeg is?") are not their view and are skipped.
    """
    score = 0
    for sentence, tokens in zip(answer.sentences, answer.tokens, strict=True):
        if sentence.endswith("?"):
            continue
        words = [t.lower for t in tokens if t.word]
        i = 0
        while i < len(words):
            word = words[i]
            following = words[i + 1] if i + 1 < len(words) else ""
            if word == lang.still and following in lang.still_with:
                score -= 1
                i += 3  # "nog te veel" is one shortfall
                continue
            if (word, following) in lang.short_pairs:
                score -= 1
                i += 2
                continue
            if (word, following) in lang.neutral_pairs:
                i += 2
                continue
            if word in lang.enough:
                score += -1 if lang.negators & set(words[max(0, i - 2) : i]) else 1
            elif word in lang.shortfall or _normal(word, lang)[0] in lang.shortfall:
                score -= 1
            i += 1
    return score


def _contrasts(rnd: _Round) -> list[Contrast]:
    """Per question, whether views diverge, and otherwise which words people share.

    Only questions that carry information are reported: one person saying "not enough"
    where another does not, or a content word (compounds included) used by two or more
    people. Card vocabulary does not count as shared: everybody shares it.
    """
    by_ref: dict[str, list[_Answer]] = {}
    for answer in rnd.answers:
        if answer.statement.section in ("question", "opening"):
            by_ref.setdefault(answer.statement.ref, []).append(answer)
    out: list[Contrast] = []
    for ref, group in by_ref.items():
        if len({a.statement.person for a in group}) < MIN_PEOPLE:
            continue
        short = {a.statement.person for a in group if _shortfall(a, rnd.lang) < 0}
        others = {a.statement.person for a in group} - short
        diverges = bool(short) and bool(others)
        terms = _terms(_Vocabulary(group, rnd.lang), rnd, min_people=MIN_PEOPLE, min_steps=1)
        shared = [t.display for t in terms]
        if not diverges and not shared:
            continue
        out.append(
            Contrast(
                ref=ref,
                label=group[0].statement.label,
                kind="verschil" if diverges else "gedeeld",
                shared_terms=shared,
                sides=[_source(a, rnd.lang) for a in group],
            )
        )
    return out


# --- the dream --------------------------------------------------------------------------


def _dream(rnd: _Round) -> Dream | None:
    """What several people dream alike, and the dreams that share none of it."""
    dreams = [a for a in rnd.answers if a.statement.section == "droomvraag"]
    if not dreams:
        return None
    recurring = _themes(_Vocabulary(dreams, rnd.lang), rnd, min_steps=1)
    covered = frozenset().union(*(f.answers for f in recurring))
    return Dream(
        recurring=[f.theme for f in recurring],
        alone=[_source(a, rnd.lang) for a in dreams if a.index not in covered],
    )


# --- actions ----------------------------------------------------------------------------


def _tidy(part: str) -> str | None:
    part = part.strip(" ,;:.-–—")
    return part[:1].upper() + part[1:] if part else None


def _split_involvement(text: str, lang: _Language) -> tuple[str | None, str | None]:
    """(with whom, what it should yield) from the answer to "wie ga je betrekken …".

    The yield is the clause a Dutch writer opens with "zodat", "om … te", "ik wil dat" and
    the like, or a later sentence on what it should "opleveren"; the rest names the people.
    An English writer opens it with "so that", "in order to", ", to …", "I want …", "so we
    can …", or says in a later sentence what it should "yield", "deliver" or "result in".
    Without either, everything is "with whom": better unsplit than cut in the wrong place.
    """
    text = " ".join(text.split())
    if not text:
        return None, None
    marker = lang.yield_marker.search(text)
    if marker and marker.start() > 0:
        return _tidy(text[: marker.start()]), _tidy(text[marker.end() :])
    sentences = _sentences(text)
    at = next((i for i, s in enumerate(sentences) if i and lang.yield_sentence.search(s)), None)
    if at is None:
        return _tidy(text), None
    return _tidy(" ".join(sentences[:at])), _tidy(" ".join(sentences[at:]))


@cache
def _months(lang: _Language) -> dict[str, int]:
    names = get_month_names("wide", locale=lang.code)
    return {str(names[m]).lower(): m for m in range(1, 13)}


@cache
def _month_pattern(lang: _Language) -> re.Pattern[str]:
    months = "|".join(sorted(_months(lang), key=len, reverse=True))
    return re.compile(lang.month_pattern.format(months=months), re.IGNORECASE)


def _prep(match: re.Match[str]) -> str:
    """The words before a date, lower case and single-spaced ("by the end of")."""
    return " ".join((match.group("prep") or "").lower().split())


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_date(match: re.Match[str], year: int, lang: _Language) -> date | None:
    month = _months(lang)[match.group("month").lower()]
    day = match.group("day") or match.groupdict().get("day_after")
    if day:
        return _day(year, month, int(day))
    if _prep(match) in lang.month_start:
        return date(year, month, 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def _dates(text: str, today: date, lang: _Language) -> tuple[date | None, date | None]:
    """(deadline, start) named in an action; the first of each in the text wins.

    A day and month is that day; a bare month is its last day ("in maart", "eind maart",
    "uiterlijk maart"), except after "voor"/"vóór"/"begin", which name the month's first
    day as the boundary. Without a year the next such date on or after ``today`` is meant;
    a year given is kept even when past. "vanaf"/"per" open a period rather than close it,
    so they give a start, never a deadline. Relative phrases ("volgend schooljaar", "na de
    zomer") are left alone: turning them into a date would be a guess.

    English reads the same way: "in March", "by March", "by the end of March" are its last
    day; "before", "early" and "the beginning of" its first; "from", "as of" and "starting"
    give a start. A numeric date is day-month-year as in British English; "May" and
    "March" only count with a word before them, a day or a year ("we may", "May I").
    """
    found: list[tuple[int, date, bool]] = []
    for m in lang.numeric_date.finditer(text):
        if m.group("y"):
            d = _day(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            d = _day(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        if d is not None:
            found.append((m.start(), d, bool(m.group("prep"))))
    for m in _month_pattern(lang).finditer(text):
        context = (*m.group("prep", "day", "year"), m.groupdict().get("day_after"))
        if m.group("month").lower() in lang.verb_months and not any(context):
            continue  # "we may", "May I"
        if m.group("year"):
            d = _month_date(m, int(m.group("year")), lang)
        else:
            d = _month_date(m, today.year, lang)
            if d is None or d < today:
                d = _month_date(m, today.year + 1, lang)
        if d is not None:
            found.append((m.start(), d, _prep(m) in lang.starts))
    found.sort(key=lambda f: f[0])
    deadline = next((d for _at, d, start in found if not start), None)
    begins = next((d for _at, d, start in found if start), None)
    return deadline, begins


def _actions(statements: Sequence[Statement], today: date, lang: _Language) -> list[ActionRow]:
    """One row per person who said what they will do or whom they will involve.

    Rows follow the order in which people first answered, so the table reads like the
    round. A row needs no quorum: one person's commitment is worth following up alone. If
    any answer in a row was given privately the row carries no name, since the row would
    otherwise say who wrote it.
    """
    acts: dict[str, list[Statement]] = {}
    involve: dict[str, list[Statement]] = {}
    order: dict[str, None] = {}
    for st in statements:
        order.setdefault(st.person)
        if not st.text.strip():
            continue
        if st.section == "acties":
            acts.setdefault(st.person, []).append(st)
        elif st.section == "betrekken":
            involve.setdefault(st.person, []).append(st)
    rows: list[ActionRow] = []
    for person in order:
        own = acts.get(person, []) + involve.get(person, [])
        if not own:
            continue
        involved = " ".join(st.text for st in involve.get(person, []))
        with_whom, yields = _split_involvement(involved, lang)
        deadline, begins = _dates(" ".join(st.text for st in own), today, lang)
        authors = [st.author for st in own]
        rows.append(
            ActionRow(
                author=None if None in authors else authors[0],
                what=" ".join(" ".join(st.text.split()) for st in acts.get(person, [])),
                with_whom=with_whom,
                yields=yields,
                by_when=deadline,
                starts=begins,
            )
        )
    return rows


# --- the whole --------------------------------------------------------------------------


def _round(statements: Sequence[Statement], card_text: str, lang: _Language) -> _Round:
    answers = _read(statements, lang)
    surface: Counter[str] = Counter()
    for answer in answers:
        for tokens in answer.tokens:
            for token in tokens:
                if token.word:
                    surface[token.text if token.text.isupper() else token.lower] += 1
    step_order: dict[str, int] = {}
    for position, st in enumerate(statements):
        step_order.setdefault(st.ref, position)
    return _Round(
        lang=lang,
        answers=answers,
        excluded=_card_vocabulary(card_text, lang),
        nouns=frozenset().union(*(a.nouns for a in answers)),
        surface=surface,
        step_order=step_order,
    )


def synthesize(
    statements: Sequence[Statement],
    *,
    card_text: str,
    today: date,
    language: Literal["nl", "en"] = "nl",
) -> Synthesis:
    """A draft of what the round's answers share, where they differ, and who does what.

    The answers are read in ``language``, the card's. Below two people or six answers no
    theme can honestly be called shared, so the draft says so and gives only the action
    rows, which need no quorum.
    """
    lang = _LANGUAGES[language]
    actions = _actions(statements, today, lang)
    if len({st.person for st in statements}) < MIN_PEOPLE or len(statements) < MIN_ANSWERS:
        return Synthesis(
            enough=False,
            note=_(
                "Te weinig antwoorden om thema's samen te brengen: daarvoor zijn minstens "
                "{people} deelnemers en {answers} antwoorden nodig."
            ).format(people=MIN_PEOPLE, answers=MIN_ANSWERS),
            actions=actions,
        )
    rnd = _round(statements, card_text, lang)
    themes = [f.theme for f in _themes(_Vocabulary(rnd.answers, lang), rnd, min_steps=2)]
    note = None
    if not themes:
        note = _(
            "Er springt geen gedeeld thema uit: geen onderwerp kwam bij meerdere deelnemers "
            "in meerdere stappen terug."
        )
    return Synthesis(
        enough=True,
        note=note,
        themes=themes,
        contrasts=_contrasts(rnd),
        dream=_dream(rnd),
        actions=actions,
    )
