"""The public catalogue's reads: published listings and their curated products, nothing else.

What the public sees is decided here once, for the pages and the partner API alike: a listing the business
published (`Listing.published`) and, of it, the products a curator graded A or B (`choices.PUBLIC_GRADES`; C is
"not ready yet"). The rows are
loaded with only the fields the catalogue shows (`.only`), and never with the participant: neither a page nor
an API answer can reach a name, NIK, address or contact of the registration through them.

Search and filters (`CatalogueFilters`) are the same everywhere; the pages put the best matches first
(`_NameMatchesFirst`, marketing.search), the API keeps its cursor's stable order and uses the same conditions."""

from dataclasses import dataclass
from typing import cast

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from core.pagination import Page, paginate
from geography.models import Kecamatan

from .. import search
from ..choices import PUBLIC_GRADES
from ..models import Listing, OnlineStore, Product, ProductPhoto

PAGE_SIZE = 24  # two, three or four cards a row
# Past this many matches: "more than 1,000 found" (counting every match of a common word costs more than it
# tells), and only the name matches are ranked (_NameMatchesFirst).
COUNT_CAP = 1000

# what a card and a page show, and what their joins need
_PRODUCT_FIELDS = (
    "name",
    "description",
    "price",
    "category",
    "grade",
    "graded_at",
    "business_id",
    "business__kecamatan_id",
    "business__kecamatan__code",
    "business__kecamatan__name",
    "business__listing__id",
    "business__listing__public_name",
    "business__listing__public_phone",
    "business__listing__public_email",
    "business__listing__eorder_url",
)
_LISTING_FIELDS = (
    "public_name",
    "description",
    "public_phone",
    "public_email",
    "eorder_url",
    "updated_at",
    "business_id",
    "business__kecamatan_id",
    "business__kecamatan__code",
    "business__kecamatan__name",
)


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor or a partner asks for; an empty value asks for nothing. `kecamatan` is a Kemendagri code
    (31.74.01): the business's kecamatan."""

    text: str = ""
    category: str = ""
    grade: str = ""
    kecamatan: str = ""

    @property
    def used(self) -> int:
        """How many filters are set, beside the text."""
        return sum(1 for value in (self.category, self.grade, self.kecamatan) if value)


def public_products() -> QuerySet[Product]:
    """Every product the public sees: graded A or B, of a published listing (the partial index on category and
    grade holds the graded ones)."""
    published = Listing.objects.filter(business_id=OuterRef("business_id"), published=True)
    return Product.objects.filter(Exists(published), grade__in=PUBLIC_GRADES)


def public_listings() -> QuerySet[Listing]:
    return Listing.objects.filter(published=True)


def public_stores() -> QuerySet[OnlineStore]:
    """The online stores the catalogue links to: those the business's mentor checked (real, and the business's)."""
    return OnlineStore.objects.filter(checked_at__isnull=False).only("business_id", "platform", "url")


def filter_products(products: QuerySet[Product], filters: CatalogueFilters) -> QuerySet[Product]:
    """The products matching the text (full-text, marketing.search) and the filters; not ordered."""
    query = search.catalogue_query(filters.text)
    if query is not None:
        products = products.filter(search_vector=query)
    if filters.category:
        products = products.filter(category=filters.category)
    if filters.grade:
        products = products.filter(grade=filters.grade)
    if filters.kecamatan:
        products = products.filter(business__kecamatan__code=filters.kecamatan)
    return products


def filter_listings(listings: QuerySet[Listing], filters: CatalogueFilters) -> QuerySet[Listing]:
    """The listings matching the text and the kecamatan; with a category or a grade, those with a public
    product of it. Not ordered."""
    query = search.catalogue_query(filters.text)
    if query is not None:
        listings = listings.filter(search_vector=query)
    if filters.kecamatan:
        listings = listings.filter(business__kecamatan__code=filters.kecamatan)
    if filters.category or filters.grade:
        products = Product.objects.filter(business_id=OuterRef("business_id"), grade__in=PUBLIC_GRADES)
        if filters.category:
            products = products.filter(category=filters.category)
        if filters.grade:
            products = products.filter(grade=filters.grade)
        listings = listings.filter(Exists(products))
    return listings


def with_product_details(products: QuerySet[Product]) -> QuerySet[Product]:
    """What a product card, page or API answer shows: its listing's public name, the kecamatan and the photos."""
    return (
        products.select_related("business__kecamatan", "business__listing")
        .only(*_PRODUCT_FIELDS)
        .prefetch_related(
            Prefetch("photos", queryset=ProductPhoto.objects.only("product_id", "public_id", "position"))
        )
    )


def with_listing_details(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    """What a listing card, page or API answer shows: the kecamatan and the checked online stores."""
    return (
        listings.select_related("business__kecamatan")
        .only(*_LISTING_FIELDS)
        .prefetch_related(Prefetch("business__online_stores", queryset=public_stores(), to_attr="public_stores"))
    )


class _NameMatchesFirst:
    """The products matching a text as one list that `paginate` slices: first those with a word of it in their
    name or their business's public name, best `ts_rank` first; then those matching only in their description,
    newest first (the primary key's order: a page of them is a short index scan however many there are).

    For a text with more than COUNT_CAP matches: the description matches share the description's weight, so
    their ranks differ only by how often a word is repeated, and ranking them too would read every match of a
    word that half the descriptions use ("halal", "kemasan")."""

    def __init__(self, matching: QuerySet[Product], text: str) -> None:
        marked = search.name_query(text)
        self.named = _ranked(matching.filter(search.in_name(marked)), text)
        self.described = matching.exclude(search.in_name(marked)).order_by("-pk")

    def __getitem__(self, rows: slice) -> list[Product]:
        start, stop = rows.start or 0, rows.stop
        named = list(self.named.values_list("pk", flat=True)[:stop])  # all the name matches up to the page's end
        ids = named[start:stop]
        if len(named) < stop:
            skip = max(0, start - len(named))
            ids += self.described.values_list("pk", flat=True)[skip : stop - len(named)]
        return [Product(pk=pk) for pk in ids]


def _ranked(products: QuerySet[Product], text: str) -> QuerySet[Product]:
    return products.only("pk").annotate(rank=search.rank(text)).order_by("-rank", "pk")


def find_products(filters: CatalogueFilters, page: str | None) -> tuple[Page[Product], int]:
    """A page of the catalogue's products for a visitor, with their details, and how many match (capped).

    Without a text, newest first (the primary key's order: the index gives it unsorted). With one, the best
    match first: up to COUNT_CAP matches all ranked by `ts_rank`, more in `_NameMatchesFirst`'s order.

    The page's ids come first, from the product table alone (its GIN index, the ranking and the filters), then
    the details of those rows only: joining the listing, the business and the kecamatan into the ranked query
    would join every match of a common word before its LIMIT."""
    matching = filter_products(public_products(), filters)
    if not filters.text.strip():
        found = paginate(matching.only("pk").order_by("-pk"), page, per_page=PAGE_SIZE)
        count = _count(found, matching)
    else:
        count = capped_count(matching)
        ordered = (
            _ranked(matching, filters.text)
            if count <= COUNT_CAP
            else cast(QuerySet[Product], _NameMatchesFirst(matching, filters.text))  # paginate only slices it
        )
        found = paginate(ordered, page, per_page=PAGE_SIZE)
    by_id = {p.pk: p for p in with_product_details(Product.objects.filter(pk__in=[p.pk for p in found.items]))}
    found.items = [by_id[p.pk] for p in found.items if p.pk in by_id]
    return found, count


def find_listings(filters: CatalogueFilters, page: str | None) -> tuple[Page[Listing], int]:
    """A page of the catalogue's businesses for a visitor (the best match first, by name without a text), and how
    many match (capped)."""
    listings = filter_listings(public_listings(), filters)
    if not filters.text.strip():
        ordered = listings.order_by("public_name", "pk")
    else:
        ordered = listings.annotate(rank=search.rank(filters.text)).order_by("-rank", "pk")
    found = paginate(with_listing_details(ordered), page, per_page=PAGE_SIZE)
    return found, _count(found, listings)


def _count(found: Page[Product] | Page[Listing], matching: QuerySet[Product] | QuerySet[Listing]) -> int:
    """A first page with no page after it has counted its matches already."""
    if found.number == 1 and not found.has_next:
        return len(found.items)
    return capped_count(matching)


def capped_count(queryset: QuerySet[Product] | QuerySet[Listing]) -> int:
    """How many match, counted up to COUNT_CAP + 1 (COUNT_CAP + 1 reads "more than COUNT_CAP")."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def public_product(pk: int) -> Product | None:
    return with_product_details(public_products()).filter(pk=pk).first()


def public_listing(pk: int) -> Listing | None:
    return with_listing_details(public_listings()).filter(pk=pk).first()


def listing_products(listing: Listing, page: str | None) -> Page[Product]:
    """A page of a published listing's public products, by name (on the index product_business)."""
    products = public_products().filter(business_id=listing.business_id).order_by("name", "pk")
    return paginate(with_product_details(products), page, per_page=PAGE_SIZE)


def stores_of(business_id: int) -> list[OnlineStore]:
    return list(public_stores().filter(business_id=business_id))


def kecamatan_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The 44 kecamatan by wilayah, as grouped choices of their codes (one query)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for kecamatan in Kecamatan.objects.select_related("wilayah").order_by("wilayah__code", "name"):
        groups.setdefault(kecamatan.wilayah.name, []).append((kecamatan.code, kecamatan.name))
    return list(groups.items())
