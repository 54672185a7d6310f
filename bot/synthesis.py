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

# --- grammar ----------------------------------------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Cardinal numerals: a noun next to one is a unit or a label ("twee keer", "dag één").
_NUMERALS = _wordset(
    "één eén twee drie vier vijf zes zeven acht negen tien elf twaalf twintig dertig "
    "veertig vijftig honderd duizend"
)
# Determiners: the word they introduce (past degree words and inflected adjectives) is a
# noun. Demonstratives are left out: "Dat zie je" fronts an object before a verb.
_DETERMINERS = _wordset(
    "de het een geen elk elke ieder iedere mijn jouw ons onze hun uw meer veel weinig genoeg "
    "alle sommige enkele welke"
)
# Prepositions: what follows one is a noun phrase, often without article ("met tijd").
_PREPOSITIONS = _wordset("met voor in op naar zonder tegen over bij uit van aan door tijdens")
_DEGREE = _wordset("heel zeer erg best echt nog zo te wat")
# Separable particles missing from the stop words: "mee|kijken" is a verb, no compound.
_PARTICLES = _wordset("mee terug vast los neer")
# Derivational affixes that are also dictionary words: no compound part ("tijd|e|lijk").
_AFFIX_WORDS = _wordset("heid lijk ling schap baar loos dom zaam achtig isch ver her ont")
# Linking elements between the parts of a compound ("begeleiding|s|uur", "boek|en|kast").
_LINKS = ("s", "en")

# Saying "not enough / not there (yet)": lemmas of shortfall, and words of sufficiency that
# count the other way unless negated.
_SHORTFALL = _wordset("onvoldoende weinig zelden nauwelijks ontbreken tekort gebrek missen")
_ENOUGH = _wordset("genoeg voldoende toereikend optimaal")
_NEGATORS = _wordset("niet geen nooit")

# Clause openers that introduce what involving someone should yield.
_YIELD_MARKER = re.compile(
    r"(?:\b(?:zodat|opdat|waardoor|met als doel(?: dat| om)?|ik wil dat|wil ik dat|ik hoop dat)"
    r"|\bom\b(?=[^.;:!?]*\bte\s+\w))\s*",
    re.IGNORECASE,
)
_YIELD_SENTENCE = re.compile(r"\b(?:opleveren|oplevert|opleverde|levert\b[^.;:!?]*\bop)\b", re.I)

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+|[^\w\s]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


# --- words ------------------------------------------------------------------------------


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(stopwordsiso.stopwords("nl"))


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("dutch_porter")


@lru_cache(maxsize=65536)
def _normal(lower: str) -> tuple[str, str]:
    """(lemma, stem) of a lower-case word; cached because the stemmer is pure Python."""
    lemma = simplemma.lemmatize(lower, lang="nl").lower()
    stem: str = _stemmer().stemWord(lemma)
    return lemma, stem


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return len(word) >= MIN_COMPOUND_PART and simplemma.is_known(word, lang="nl")


@lru_cache(maxsize=65536)
def _is_part(piece: str) -> bool:
    """Whether ``piece`` can be one side of a compound: a word, maybe with a linking s/en."""
    candidates = [piece]
    for link in _LINKS:
        if piece.startswith(link):
            candidates.append(piece[len(link) :])
        if piece.endswith(link):
            candidates.append(piece[: -len(link)])
    return any(
        c not in _AFFIX_WORDS and c not in _PARTICLES and c not in _stopwords() and _known(c)
        for c in candidates
    )


def _infinitive(lower: str) -> bool:
    return lower.endswith("en") and _normal(lower)[0] == lower


def _inflected(lower: str) -> bool:
    """An attributive adjective or past verb form: "vaste" (vast), "dagelijkse", "maakte"."""
    lemma = _normal(lower)[0]
    return lower.endswith("e") and lemma != lower and not lemma.endswith("e")


def _plural(lower: str) -> bool:
    """A noun plural: "studenten" (student), "dagen" (dag); verbs lemmatise to "-en"."""
    lemma = _normal(lower)[0]
    return (
        lemma != lower
        and not lemma.endswith("n")
        and lower.endswith(("en", "s"))
        and lower[:3] == lemma[:3]
    )


def _is_content(lower: str, names: frozenset[str]) -> bool:
    """Whether a word can carry a topic: no stop word, name, numeral or verb in -t/-d.

    A third person or participle ("werkt", "helpt", "gewerkt") lemmatises to an
    infinitive; left in, "het werkt" would count towards a theme "werk". The bare stem
    stays, because it is usually also the noun ("het rooster", "een plan", "de vraag"),
    and so do infinitives: "het nabespreken" is a topic.
    """
    stop = _stopwords()
    if lower in stop or lower in names or lower in _NUMERALS:
        return False
    lemma, stem = _normal(lower)
    if lemma != lower and lemma.endswith("en") and lower.endswith(("t", "d")):
        return False
    return lemma not in stop and len(lemma) >= 3 and len(stem) >= 3


class _Token(NamedTuple):
    text: str
    lower: str
    word: bool


def _tokens(sentence: str) -> list[_Token]:
    out: list[_Token] = []
    for text in _TOKEN.findall(sentence):
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


def _after_determiner(tokens: list[_Token], k: int) -> bool:
    """Whether a determiner or preposition introduces the word, past degree words and
    inflected adjectives ("een heel diverse groep", "met tijd ervoor")."""
    j = k - 1
    while j >= 0 and k - j <= 3 and tokens[j].word:
        if tokens[j].lower in _DETERMINERS or tokens[j].lower in _PREPOSITIONS:
            return True
        if tokens[j].lower not in _DEGREE and not _inflected(tokens[j].lower):
            return False
        j -= 1
    return False


def _attributive(tokens: list[_Token], k: int, names: frozenset[str]) -> bool:
    """A word right before another content word modifies it ("een vast uur", "de ervaren
    collega's"); a following infinitive does not count ("hun vragen stellen")."""
    if k + 1 >= len(tokens) or not tokens[k + 1].word:
        return False
    following = tokens[k + 1].lower
    return _is_content(following, names) and not _infinitive(following)


def _counted(lower: str) -> bool:
    return lower.isdigit() or lower in _NUMERALS


def _read_sentence(tokens: list[_Token], names: frozenset[str]) -> tuple[set[str], set[str]]:
    """(content words, those used as nouns) of one sentence.

    A word next to a numeral or "per" is a unit or a label ("twee keer per jaar", "een dag
    per week", "dag één"), not a topic.
    """
    content: set[str] = set()
    nouns: set[str] = set()
    for k, token in enumerate(tokens):
        if not token.word:
            continue
        previous = tokens[k - 1].lower if k else ""
        following = tokens[k + 1].lower if k + 1 < len(tokens) else ""
        if "per" in (previous, following) or _counted(previous) or _counted(following):
            continue
        if not _is_content(token.lower, names):
            continue
        content.add(token.lower)
        if (len(token.text) > 1 and token.text.isupper()) or (
            not _inflected(token.lower)
            and not _infinitive(token.lower)
            and not _attributive(tokens, k, names)
            and (_plural(token.lower) or _after_determiner(tokens, k))
        ):
            nouns.add(token.lower)
    return content, nouns


def _read(statements: Sequence[Statement]) -> list[_Answer]:
    """Every answer split into sentences and words, each text tokenised once."""
    split = [_sentences(st.text) for st in statements]
    tokenised = [[_tokens(sentence) for sentence in sentences] for sentences in split]
    names = _names(statements, tokenised)
    answers: list[_Answer] = []
    for index, st in enumerate(statements):
        words: list[set[str]] = []
        nouns: set[str] = set()
        for tokens in tokenised[index]:
            content, used_as_noun = _read_sentence(tokens, names)
            words.append(content)
            nouns |= used_as_noun
        answers.append(_Answer(index, st, split[index], tokenised[index], words, nouns))
    return answers


def _card_vocabulary(card_text: str) -> frozenset[str]:
    """Stems the card uses at least twice: the subject of the whole round, not a theme."""
    counts: Counter[str] = Counter()
    for sentence in _sentences(card_text):
        for token in _tokens(sentence):
            if token.word and _is_content(token.lower, frozenset()):
                counts[_normal(token.lower)[1]] += 1
    return frozenset(stem for stem, n in counts.items() if n >= CARD_REPEATS)


@dataclass(slots=True)
class _Round:
    """What every part of the synthesis needs to know about the round, computed once."""

    answers: list[_Answer]
    excluded: frozenset[str]  # stems of card vocabulary
    nouns: frozenset[str]  # words used as nouns anywhere in the round
    surface: Counter[str]  # words as written, for display
    step_order: dict[str, int]  # ref -> position of its first answer


@dataclass(slots=True)
class _Vocabulary:
    """The content words of some answers, and where each occurs."""

    answers: list[_Answer]
    occurs: dict[str, set[int]] = field(default_factory=dict)  # word -> answer indices
    stem_words: dict[str, set[str]] = field(default_factory=dict)  # stem -> words

    def __post_init__(self) -> None:
        for answer in self.answers:
            for word in answer.all_words:
                self.occurs.setdefault(word, set()).add(answer.index)
                self.stem_words.setdefault(_normal(word)[1], set()).add(word)


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
    term is a lookup and not a scan over every word of the round.
    """
    heads: dict[str, set[str]] = {}
    starts: dict[str, set[str]] = {}
    for word in vocab.occurs:
        lemma, stem = _normal(word)
        for form in {word, lemma, stem}:
            for cut in range(MIN_COMPOUND_PART, len(form) - MIN_COMPOUND_PART + 1):
                head, modifier = form[cut:], form[:cut]
                if len(head) < MIN_COMPOUND_TERM and len(modifier) <= MIN_COMPOUND_TERM:
                    continue
                if _is_part(modifier):
                    heads.setdefault(head, set()).add(word)
        for cut in range(MIN_COMPOUND_TERM, len(word) - MIN_COMPOUND_PART + 1):
            if _is_part(word[cut:]):
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
        forms = {stem, *exact, *(_normal(w)[0] for w in exact)}
        headed = set().union(*(heads.get(f, set()) for f in forms)) - exact
        if not (exact & rnd.nouns or any(w in rnd.nouns or not _known(w) for w in headed)):
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


def _source(answer: _Answer, words: frozenset[str] | None = None) -> Source:
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
                (m.start() for m in _TOKEN.finditer(text) if m.group().lower() in words), 0
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
            sources=[_source(by_index[i], words) for i in ordered],
        )
        found.append(((-people * len(refs), -len(answers), theme.title), _Found(theme, answers)))
    found.sort(key=lambda pair: pair[0])
    return [f for _key, f in found[:MAX_THEMES]]


# --- contrasts --------------------------------------------------------------------------


def _shortfall(answer: _Answer) -> int:
    """How an answer weighs sufficiency: below zero when it says "not enough".

    Plain negation is not counted: "niet alleen de ervaren collega's" or "dat had ik niet
    verwacht" is no complaint. What counts is a word of shortfall ("weinig", "zelden",
    "ontbreekt"), "nog te …", "nog niet", "te veel", the answer "van niet", and a negated
    word of sufficiency ("niet optimaal"); an unnegated "voldoende" weighs the other way.
    Questions the writer asks ("Of dat genoeg is?") are not their view and are skipped.
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
            if word == "nog" and following in ("te", "niet"):
                score -= 1
                i += 3  # "nog te veel" is one shortfall
                continue
            if (word, following) in (("te", "veel"), ("te", "weinig"), ("van", "niet")):
                score -= 1
                i += 2
                continue
            if word in _ENOUGH:
                score += -1 if _NEGATORS & set(words[max(0, i - 2) : i]) else 1
            elif word in _SHORTFALL or _normal(word)[0] in _SHORTFALL:
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
        short = {a.statement.person for a in group if _shortfall(a) < 0}
        others = {a.statement.person for a in group} - short
        diverges = bool(short) and bool(others)
        terms = _terms(_Vocabulary(group), rnd, min_people=MIN_PEOPLE, min_steps=1)
        shared = [t.display for t in terms]
        if not diverges and not shared:
            continue
        out.append(
            Contrast(
                ref=ref,
                label=group[0].statement.label,
                kind="verschil" if diverges else "gedeeld",
                shared_terms=shared,
                sides=[_source(a) for a in group],
            )
        )
    return out


# --- the dream --------------------------------------------------------------------------


def _dream(rnd: _Round) -> Dream | None:
    """What several people dream alike, and the dreams that share none of it."""
    dreams = [a for a in rnd.answers if a.statement.section == "droomvraag"]
    if not dreams:
        return None
    recurring = _themes(_Vocabulary(dreams), rnd, min_steps=1)
    covered = frozenset().union(*(f.answers for f in recurring))
    return Dream(
        recurring=[f.theme for f in recurring],
        alone=[_source(a) for a in dreams if a.index not in covered],
    )


# --- actions ----------------------------------------------------------------------------


def _tidy(part: str) -> str | None:
    part = part.strip(" ,;:.-–—")
    return part[:1].upper() + part[1:] if part else None


def _split_involvement(text: str) -> tuple[str | None, str | None]:
    """(with whom, what it should yield) from the answer to "wie ga je betrekken …".

    The yield is the clause a Dutch writer opens with "zodat", "om … te", "ik wil dat" and
    the like, or a later sentence on what it should "opleveren"; the rest names the people.
    Without either, everything is "with whom": better unsplit than cut in the wrong place.
    """
    text = " ".join(text.split())
    if not text:
        return None, None
    marker = _YIELD_MARKER.search(text)
    if marker and marker.start() > 0:
        return _tidy(text[: marker.start()]), _tidy(text[marker.end() :])
    sentences = _sentences(text)
    at = next((i for i, s in enumerate(sentences) if i and _YIELD_SENTENCE.search(s)), None)
    if at is None:
        return _tidy(text), None
    return _tidy(" ".join(sentences[:at])), _tidy(" ".join(sentences[at:]))


@cache
def _months() -> dict[str, int]:
    names = get_month_names("wide", locale="nl")
    return {str(names[m]).lower(): m for m in range(1, 13)}


@cache
def _month_pattern() -> re.Pattern[str]:
    months = "|".join(sorted(_months(), key=len, reverse=True))
    return re.compile(
        r"(?:\b(?P<prep>voor|vóór|uiterlijk|eind|einde|begin|in|vanaf|per)\s+)?"
        r"(?:\b(?P<day>\d{1,2})\s+)?"
        rf"\b(?P<month>{months})\b"
        r"(?:\s+(?P<year>\d{4})\b)?",
        re.IGNORECASE,
    )


_NUMERIC_DATE = re.compile(
    r"(?:\b(?P<prep>vanaf|per)\s+)?\b(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4}))\b",
    re.IGNORECASE,
)
_STARTS = ("vanaf", "per")
_MONTH_START = ("voor", "vóór", "begin", *_STARTS)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_date(match: re.Match[str], year: int) -> date | None:
    month = _months()[match.group("month").lower()]
    if match.group("day"):
        return _day(year, month, int(match.group("day")))
    if (match.group("prep") or "").lower() in _MONTH_START:
        return date(year, month, 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def _dates(text: str, today: date) -> tuple[date | None, date | None]:
    """(deadline, start) named in an action; the first of each in the text wins.

    A day and month is that day; a bare month is its last day ("in maart", "eind maart",
    "uiterlijk maart"), except after "voor"/"vóór"/"begin", which name the month's first
    day as the boundary. Without a year the next such date on or after ``today`` is meant;
    a year given is kept even when past. "vanaf"/"per" open a period rather than close it,
    so they give a start, never a deadline. Relative phrases ("volgend schooljaar", "na de
    zomer") are left alone: turning them into a date would be a guess.
    """
    found: list[tuple[int, date, bool]] = []
    for m in _NUMERIC_DATE.finditer(text):
        if m.group("y"):
            d = _day(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            d = _day(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        if d is not None:
            found.append((m.start(), d, bool(m.group("prep"))))
    for m in _month_pattern().finditer(text):
        if m.group("year"):
            d = _month_date(m, int(m.group("year")))
        else:
            d = _month_date(m, today.year)
            if d is None or d < today:
                d = _month_date(m, today.year + 1)
        if d is not None:
            found.append((m.start(), d, (m.group("prep") or "").lower() in _STARTS))
    found.sort(key=lambda f: f[0])
    deadline = next((d for _at, d, start in found if not start), None)
    begins = next((d for _at, d, start in found if start), None)
    return deadline, begins


def _actions(statements: Sequence[Statement], today: date) -> list[ActionRow]:
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
        with_whom, yields = _split_involvement(" ".join(st.text for st in involve.get(person, [])))
        deadline, begins = _dates(" ".join(st.text for st in own), today)
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


def _round(statements: Sequence[Statement], card_text: str) -> _Round:
    answers = _read(statements)
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
        answers=answers,
        excluded=_card_vocabulary(card_text),
        nouns=frozenset().union(*(a.nouns for a in answers)),
        surface=surface,
        step_order=step_order,
    )


def synthesize(statements: Sequence[Statement], *, card_text: str, today: date) -> Synthesis:
    """A draft of what the round's answers share, where they differ, and who does what.

    Below two people or six answers no theme can honestly be called shared, so the draft
    says so and gives only the action rows, which need no quorum.
    """
    actions = _actions(statements, today)
    if len({st.person for st in statements}) < MIN_PEOPLE or len(statements) < MIN_ANSWERS:
        return Synthesis(
            enough=False,
            note=_(
                "Te weinig antwoorden om thema's samen te brengen: daarvoor zijn minstens "
                "{people} deelnemers en {answers} antwoorden nodig."
            ).format(people=MIN_PEOPLE, answers=MIN_ANSWERS),
            actions=actions,
        )
    rnd = _round(statements, card_text)
    themes = [f.theme for f in _themes(_Vocabulary(rnd.answers), rnd, min_steps=2)]
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
