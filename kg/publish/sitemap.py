"""sitemap.xml of the site's own pages (home, the lists, the research pages, dumps, catalog, ontology, API docs),
then the entity pages (/doc/...) of every agency, legal instrument, event and report under {base}id/.

A sitemap file holds at most 50,000 URLs (sitemaps.org). Beyond that, /sitemap.xml becomes a sitemap index that
points at {base}sitemap-{n}.xml pages, each produced by `sitemap_xml(store, settings, page=n)` with an ordered,
paged query, so no page ever holds more than one page of IRIs in memory.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from kg.config import Settings
from kg.rdf.namespaces import GK
from kg.store.base import Store

MAX_URLS = 50_000
ENTITY_CLASSES = [GK.Agency, GK.LegalInstrument, GK.Event, GK.Report]
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The site's HTML pages, relative to the base: what a crawler should find besides the entities (robots.txt keeps
# it out of /sparql, /search and /resource). tests/web/test_hygiene.py checks each one answers.
SITE_PAGES = ("", "agencies", "instruments", "events", "reports", "initiatives", "queries", "network", "dumps",
              "catalog", "ontology", "docs")


def _pattern(settings: Settings) -> str:
    values = " ".join(f"<{c}>" for c in ENTITY_CLASSES)
    return (f'VALUES ?c {{ {values} }} ?s a ?c '
            f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{settings.base_iri}id/"))')


def entity_count(store: Store, settings: Settings) -> int:
    rows = store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {_pattern(settings)} }}").rows
    return int(rows[0]["n"]) if rows else 0


def page_count(store: Store, settings: Settings, per_page: int = MAX_URLS) -> int:
    return max(1, -(-(len(SITE_PAGES) + entity_count(store, settings)) // per_page))


def page_url(settings: Settings, page: int) -> str:
    return f"{settings.base_iri}sitemap-{page}.xml"


def entity_iris(store: Store, settings: Settings, offset: int = 0, limit: int = MAX_URLS) -> list[str]:
    if limit <= 0:
        return []
    q = f"SELECT DISTINCT ?s WHERE {{ {_pattern(settings)} }} ORDER BY ?s LIMIT {limit} OFFSET {offset}"
    return [str(r["s"]) for r in store.query(q).rows]


def sitemap_xml(store: Store, settings: Settings, page: int | None = None, per_page: int = MAX_URLS) -> str:
    """page=None: the sitemap itself, or a sitemap index when there are more than `per_page` entities.
    page=n: the n-th page (0-based) of the index."""
    if page is None:
        pages = page_count(store, settings, per_page)
        if pages > 1:
            items = "".join(f"<sitemap><loc>{escape(page_url(settings, n))}</loc></sitemap>\n" for n in range(pages))
            return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
                    f"{items}</sitemapindex>\n")
        page = 0
    if not 0 <= page < page_count(store, settings, per_page):
        raise ValueError(f"no sitemap page {page}")
    # One sequence cut into pages: the site's pages first, then the entities. Entity pages themselves (/doc/...),
    # not the identifiers that answer 303 to them.
    first, last = page * per_page, (page + 1) * per_page
    site = [settings.base_iri + p for p in SITE_PAGES[first:last]]
    offset = max(0, first - len(SITE_PAGES))
    urls = site + [settings.base_iri + "doc/" + iri[len(settings.base_iri) + 3:]
                   for iri in entity_iris(store, settings, offset, per_page - len(site))]
    items = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{items}</urlset>\n'
