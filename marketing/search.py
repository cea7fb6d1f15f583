"""The catalogue's full-text search (PostgreSQL), in a form that suits Indonesian: words are stemmed with the
Snowball Indonesian stemmer ("indonesian" configuration: "keripiknya" finds "keripik") and also kept as typed
("simple": brand names and words the stemmer would cut). Each product's vector holds its name (weight A), its
business's public name (B) and its description (C); each listing's its public name (A) and description (C).

The vectors are stored (GIN-indexed) and refreshed by the services that change what they are made of: products
and listings call `reindex_products` / `reindex_listing` in their own transaction."""

from collections.abc import Iterable

from django.db import connection

STEMMED = "indonesian"
AS_TYPED = "simple"


def _vector(sql_text: str, weight: str) -> str:
    return (
        f"setweight(to_tsvector('{STEMMED}', {sql_text}), '{weight}') || "
        f"setweight(to_tsvector('{AS_TYPED}', {sql_text}), '{weight}')"
    )


_PRODUCT_VECTOR = " || ".join(
    [
        _vector("coalesce(p.name, '')", "A"),
        _vector(
            "coalesce((SELECT l.public_name FROM marketing_listing l WHERE l.business_id = p.business_id), '')",
            "B",
        ),
        _vector("coalesce(p.description, '')", "C"),
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
