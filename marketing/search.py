"""The catalogue's full-text search (PostgreSQL), in a form that suits Indonesian: words are stemmed with the
Snowball Indonesian stemmer ("indonesian" configuration: "keripiknya" finds "keripik") and also kept as typed
("simple": brand names and words the stemmer would cut). Each product's vector holds its name (weight A), its
business's public name (B) and its description (C); each listing's its public name (A) and description (C).
Nothing of the participant's registration is in a vector: only what the business typed for the public.

A product's vector also holds the words of its name and of its business's public name once more, marked
(`NAME_MARK` + the word: "~keripik"). No typed word can become such a lexeme (the parser drops the mark), so
they never match a search; they let the GIN index find the products whose *name* has a word (`name_query`)
without reading every match of a word that half the descriptions use. The catalogue ranks those by `ts_rank`
and lists the products that match only in their description after them, newest first
(marketing.selectors.catalogue): a word in many descriptions ("halal", "kemasan") costs what a rare one does.

The vectors are stored (GIN-indexed) and refreshed by the services that change what they are made of: products
call `reindex_products`, a listing's change `reindex_business` (its public name is in its products' vectors too),
in their own transaction.

What a person types is read as a web search (`websearch_to_tsquery`: words, "a phrase", -not, or) in both
configurations, either matching; the last word typed also matches as the start of a word ("kerip" finds
"keripik"), a prefix the GIN index answers too. Matches are ranked with `ts_rank` by the weights above."""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL

STEMMED = "indonesian"
AS_TYPED = "simple"
MIN_PREFIX = 3  # a shorter start of a word would match too much of the index to help
NAME_MARK = "~"  # the default parser never keeps it in a word


def _vector(sql_text: str, weight: str) -> str:
    return (
        f"setweight(to_tsvector('{STEMMED}', {sql_text}), '{weight}') || "
        f"setweight(to_tsvector('{AS_TYPED}', {sql_text}), '{weight}')"
    )


def _marked(sql_text: str) -> str:
    """The words of the text, stemmed and as typed, each with NAME_MARK before it (no position, no weight)."""
    return (
        f"array_to_tsvector(ARRAY(SELECT '{NAME_MARK}' || lexeme FROM "  # noqa: S608  (constants only)
        f"unnest(to_tsvector('{STEMMED}', {sql_text}) || to_tsvector('{AS_TYPED}', {sql_text}))))"
    )


_LISTING_NAME = "coalesce((SELECT l.public_name FROM marketing_listing l WHERE l.business_id = p.business_id), '')"
_PRODUCT_VECTOR = " || ".join(
    [
        _vector("coalesce(p.name, '')", "A"),
        _vector(_LISTING_NAME, "B"),
        _vector("coalesce(p.description, '')", "C"),
        _marked("coalesce(p.name, '')"),
        _marked(_LISTING_NAME),
    ]
)
_LISTING_VECTOR = " || ".join(
    [_vector("coalesce(l.public_name, '')", "A"), _vector("coalesce(l.description, '')", "C")]
)


def reindex_products(product_ids: Iterable[int]) -> None:
    """Refresh the search vector of these products (one UPDATE)."""
    ids = list(product_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE marketing_product p SET search_vector = {_PRODUCT_VECTOR} WHERE p.id = ANY(%s)",  # noqa: S608  (constants only)
            [ids],
        )


def reindex_business(business_id: int) -> None:
    """Refresh the vectors of a business's listing and of all its products (its public name is in both)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE marketing_listing l SET search_vector = {_LISTING_VECTOR} WHERE l.business_id = %s",  # noqa: S608
            [business_id],
        )
        cursor.execute(
            f"UPDATE marketing_product p SET search_vector = {_PRODUCT_VECTOR} WHERE p.business_id = %s",  # noqa: S608
            [business_id],
        )


def reindex_all() -> None:
    """Refresh every vector, two UPDATEs (a data load, the benchmark)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE marketing_listing l SET search_vector = {_LISTING_VECTOR}")  # noqa: S608
        cursor.execute(f"UPDATE marketing_product p SET search_vector = {_PRODUCT_VECTOR}")  # noqa: S608


def _last_word(text: str) -> tuple[str, str] | None:
    """What comes before the last word typed, and that word, when it may match as the start of a word: not
    quoted, not negated, not "or", and of MIN_PREFIX letters or digits at least."""
    last = text.split()[-1]
    if text.count('"') % 2 or '"' in last or last.startswith("-"):
        return None
    start = len(last)
    while start and last[start - 1].isalnum():
        start -= 1
    word = last[start:]
    if len(word) < MIN_PREFIX or word.lower() == "or":
        return None
    return text[: len(text) - len(word)], word


def _prefix(text: str) -> SearchQuery | None:
    """The words before the last one, and the last one as the start of a word: "keripik ped" also finds
    "keripik pedas"."""
    found = _last_word(text)
    if found is None:
        return None
    head, word = found
    prefix = SearchQuery(f"{word}:*", search_type="raw", config=AS_TYPED)  # letters and digits only: safe
    if head.strip():
        return SearchQuery(head, search_type="websearch", config=AS_TYPED) & prefix
    return prefix


def _stemmed(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=STEMMED)


def catalogue_query(text: str) -> SearchQuery | None:
    """The tsquery that finds what a person typed: stemmed, as typed, or the last word as a prefix. None for
    nothing typed."""
    text = text.strip()
    if not text:
        return None
    query = _stemmed(text) | SearchQuery(text, search_type="websearch", config=AS_TYPED)
    prefix = _prefix(text)
    return query | prefix if prefix is not None else query


def rank(text: str) -> SearchRank:
    """`ts_rank` of a stored vector by the weights of the vectors (A 1.0, B 0.4, C 0.2), against the stemmed words
    and the prefix: every word typed is in a vector stemmed too, so the words as typed would rank nothing more, and
    each operand costs the ranking of every row ranked."""
    text = text.strip()
    prefix = _prefix(text)
    query = _stemmed(text) | prefix if prefix is not None else _stemmed(text)
    return SearchRank(F("search_vector"), query)


_ESCAPED_MARKED = f"'''' || replace(replace('{NAME_MARK}' || lexeme, '\\', '\\\\'), '''', '''''') || ''''"


def name_query(text: str) -> str:
    """A tsquery, as text, that matches the products with any word typed (stemmed or as typed, the last also as a
    prefix) in their name or their business's public name: the marked lexemes. "" when nothing was typed. (A
    negated word is in it too: the search itself leaves its products out.) One query, for the stemmer."""
    text = text.strip()
    if not text:
        return ""
    found = _last_word(text)
    prefix = f"'{NAME_MARK}{found[1].lower()}':*" if found else ""  # letters and digits only: safe
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (coalesce((SELECT string_agg({_ESCAPED_MARKED}, ' | ') FROM "  # noqa: S608  (constants only)
            f"unnest(to_tsvector('{STEMMED}', %s) || to_tsvector('{AS_TYPED}', %s))), '')::tsquery"
            " || %s::tsquery)::text",
            [text, text, prefix],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def in_name(marked: str) -> RawSQL:
    """A product matches `name_query`'s query (the product table's own column: its queries join no other)."""
    return RawSQL('"marketing_product"."search_vector" @@ %s::tsquery', [marked], output_field=BooleanField())
