"""What /openapi.json says a machine-readable route answers: the media types of its 200 (or its 303), and its errors
with their status and media types. Given to the routes as FastAPI's own `responses=`; a route that answers anything
but JSON also says `response_class=Response`, so FastAPI does not claim application/json for it.

    responses(ok(...) or see_other(...), errors(400, 404, ...))
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from kg.web.common import RDF_FORMATS

TEXT = {"type": "string"}
RDF_TYPES = [mt for mt, _ in RDF_FORMATS.values()]   # text/turtle, application/n-triples, application/ld+json, …
# The body of a 400 on the routes that answer errors as JSON (the stored queries' .json form).
ERROR_JSON = {"type": "object", "required": ["error", "problems"], "properties": {
    "error": {"type": "string", "description": "what kind of error, in the request's language"},
    "problems": {"type": "array", "items": {"type": "string"},
                 "description": "one sentence per parameter that is wrong, naming it and saying why"}}}

ERRORS = {
    400: "Bad request: a parameter is not valid. The answer names each one and says why, in the request's language "
         "(?lang=zh|en, else Accept-Language).",
    403: "Forbidden: SPARQL Update is not accepted (the endpoint is read-only).",
    404: "Not found.",
    406: "Not acceptable: none of the media types on offer is acceptable; the answer names them.",
    413: "The query or the request body is longer than the limit.",
    414: "The URL is longer than 65,535 bytes (kg serve): send the query by POST.",
    415: "Unsupported media type of the request body, or not UTF-8.",
    429: "Too many queries running for this client at once; see Retry-After.",
    503: "The query ran longer than the time limit (narrow it: retrying the same query does not help), or the "
         "store is unavailable (see Retry-After).",
}


def content(media_types, schema: dict | None = None) -> dict:
    return {mt: {"schema": dict(schema or TEXT)} for mt in media_types}


def ok(media_types, description: str = "OK", schema: dict | None = None) -> dict:
    """A 200 in these media types (which one: by Accept, by suffix or by the query form, as the route says)."""
    return {200: {"description": description, "content": content(media_types, schema)}}


def see_other(description: str) -> dict:
    return {303: {"description": description, "headers": {
        "Location": {"description": "where the answer is", "schema": {"type": "string"}},
        "Vary": {"description": "Accept: the target depends on it", "schema": {"type": "string"}}}}}


def errors(*codes: int, json_400: bool = False) -> dict:
    """Errors as text/plain, or as an HTML page for clients that ask for text/html; with json_400 a 400 is JSON
    ({"error": …, "problems": […]}) for every client that does not ask for HTML."""
    out = {}
    for code in codes:
        if code == 400 and json_400:
            body = {"application/json": {"schema": dict(ERROR_JSON)}, "text/html": {"schema": dict(TEXT)}}
        else:
            body = content(["text/plain", "text/html"])
        out[code] = {"description": ERRORS[code], "content": body}
    return out


def responses(*parts: dict) -> dict:
    out: dict = {}
    for p in parts:
        out.update(p)
    return out


# -- which routes /openapi.json lists, and what /docs says of them ---------------------------------------------------

@dataclass(frozen=True)
class RouteDoc:
    """A machine-readable route's summary and, where its own `description=` does not say it, a longer description:
    (zh, en) each. /openapi.json (for machines) takes the English, /docs the page's language. A description left
    "" in English is the route's own; in Chinese, none."""
    summary: tuple[str, str]
    description: tuple[str, str] = ("", "")


# Parameters of the stored queries, for their two routes' Chinese descriptions (English: each route's own).
_QUERY_PARAMS_ZH = ("各查询的参数：instruments-cited-by-agency：agency；most-cited：year；agencies-citing-both：a、b；"
                    "co-citation：instrument；citing-agencies：instrument；changes：agency（可选）、from、to。机关和法律规范"
                    "可用 IRI 或其中文名称的一部分；参数留空时取默认值。")

# Every route listed by /openapi.json, keyed by its path as declared ({path:path} where FastAPI converts); all others
# are HTML pages and stay out of it.
API_ROUTES: dict[str, RouteDoc] = {
    "/sparql": RouteDoc(
        ("SPARQL 1.1 协议端点（GET 或 POST 查询；结果格式按 Accept 或 ?format= 选择）",
         "SPARQL 1.1 Protocol endpoint (query by GET or POST; results by Accept or ?format=)")),
    "/search.json": RouteDoc(
        ("按名称搜索（可输入部分中文）",
         "Search labels (Chinese substrings work)")),
    "/agencies.json": RouteDoc(
        ("机关列表（分页，?page=）",
         "List agencies (paged, ?page=)")),
    "/instruments.json": RouteDoc(
        ("法律规范列表（分页，?page=）",
         "List legal instruments (paged, ?page=)")),
    "/events.json": RouteDoc(
        ("活动列表（分页，?page=）",
         "List events (paged, ?page=)")),
    "/reports.json": RouteDoc(
        ("报告列表（分页，?page=）",
         "List reports (paged, ?page=)")),
    "/initiatives.json": RouteDoc(
        ("工作举措列表（分页，?page=）",
         "List initiatives (paged, ?page=)")),
    "/id/{path:path}": RouteDoc(
        ("解析条目 IRI：以 303 See Other 转到其文档（按 Accept 给出 HTML 或 RDF）",
         "Dereference an entity IRI: 303 See Other to its document (HTML or RDF by Accept)")),
    "/doc/{path:path}": RouteDoc(
        ("条目文档：HTML，或按 Accept 或 .ttl/.nt/.jsonld/.rdf 后缀给出 Turtle/N-Triples/JSON-LD/RDF-XML",
         "An entity's document: HTML, or Turtle/N-Triples/JSON-LD/RDF-XML by Accept or .ttl/.nt/.jsonld/.rdf")),
    "/dumps.json": RouteDoc(
        ("数据下载文件及其大小和 SHA-256 校验和",
         "Dump files with sizes and SHA-256 checksums")),
    "/dumps/{name}": RouteDoc(
        ("下载一个数据文件",
         "Download one dump file")),
    "/catalog.{suffix}": RouteDoc(
        ("DCAT-AP 数据目录（ttl、jsonld、nt、rdf）",
         "DCAT-AP catalog (ttl, jsonld, nt, rdf)")),
    "/.well-known/void": RouteDoc(
        ("VoID 数据集描述（按 Accept 给出 RDF）",
         "VoID dataset description (RDF by Accept)")),
    "/.well-known/void.{suffix}": RouteDoc(
        ("VoID 数据集描述的指定格式（ttl、jsonld、nt、rdf）",
         "VoID dataset description in one RDF format (ttl, jsonld, nt, rdf)")),
    "/sitemap.xml": RouteDoc(
        ("站点页面与实体页面的站点地图（超过 50,000 个时为 /sitemap-{n}.xml 的索引）",
         "Sitemap of the site's pages and the entity pages (a sitemap index of /sitemap-{n}.xml past 50,000)"),
        ("供搜索引擎使用：先列出首页、各列表页、研究问题、引用网络、数据下载、目录、本体与 API 文档，再列出各实体页面"
         "（/doc/…）的 <urlset>；超过 50,000 个时改为 /sitemap-{n}.xml 各页的 <sitemapindex>。",
         "For search engines: a <urlset> of the home page, the lists, the research questions, the citation network, "
         "dumps, catalog, ontology and API docs, then the entity pages (/doc/…); when there are more than 50,000 it "
         "is a <sitemapindex> of /sitemap-{n}.xml pages instead.")),
    "/ontology.ttl": RouteDoc(
        ("本体（Turtle）",
         "The ontology in Turtle")),
    "/ontology.{suffix}": RouteDoc(
        ("本体的 N-Triples、JSON-LD 或 RDF/XML 格式（nt、jsonld、rdf）",
         "The ontology as N-Triples, JSON-LD or RDF/XML (nt, jsonld, rdf)"),
        ("本体的其他 RDF 格式（graph/ontology 把要这些格式的客户端转到这里）。",
         "The ontology in the other RDF formats (graph/ontology sends clients that ask for them here).")),
    "/graph/report/{h}": RouteDoc(
        ("一份报告的命名图（按 Accept 或 .ttl/.nt/.jsonld/.rdf 后缀给出 RDF；浏览器以 303 转到报告页）",
         "One report's named graph (RDF by Accept or .ttl/.nt/.jsonld/.rdf; browsers: 303 to the report page)"),
        ("一份报告的命名图，与 SPARQL 图存储协议 GET 该图的结果相同：按 Accept 或 .ttl/.nt/.jsonld/.rdf 后缀给出 Turtle、N-Triples、JSON-LD "
         "或 RDF/XML。浏览器（HTML）以 303 转到报告页。报告即图中的 gk:Report；图按报告命名（id/report/{h}）。",
         "A report's named graph, as a SPARQL Graph Store Protocol GET of it would give it: Turtle, N-Triples, "
         "JSON-LD or RDF/XML by Accept or by a .ttl/.nt/.jsonld/.rdf suffix. Browsers (HTML) get a 303 to the "
         "report's page. The graph is named after the report in it (id/report/{h}).")),
    "/dataset": RouteDoc(
        ("数据集：以 303 See Other 转到 DCAT 数据目录",
         "The dataset: 303 See Other to the DCAT catalog"),
        ("数据集及其 SPARQL 数据服务由 DCAT 数据目录描述（数据集也由 VoID 描述）。",
         "The dataset and its SPARQL data service are described by the DCAT catalog (the dataset by VoID too).")),
    "/shapes.ttl": RouteDoc(
        ("SHACL 约束（Turtle）",
         "The SHACL shapes in Turtle")),
    "/healthz": RouteDoc(
        ("健康检查",
         "Health check")),
    "/queries.json": RouteDoc(
        ("常用查询列表",
         "List the stored queries"),
        ("每个常用查询的代号、标题和参数名；各查询可在 /queries/{slug}.json 和 /queries/{slug}.csv 运行。",
         "")),
    "/queries/{slug}.json": RouteDoc(
        ("运行常用查询（JSON）",
         "Run a stored query (JSON)"),
        ('列名、各行（IRI 和文本为字符串，计数为数字）以及实际运行的 SPARQL 文本；changes 另给出 reports_per_year'
         '（各年度的报告数，即计数的分母）和 notes（没有报告的年度）。' + _QUERY_PARAMS_ZH,
         "")),
    "/queries/{slug}.csv": RouteDoc(
        ("运行常用查询（CSV）",
         "Run a stored query (CSV)"),
        ('与 JSON 相同的各行，UTF-8 CSV（以字节顺序标记开头，Excel 可直接打开），带表头行；changes 的各年度报告数在 '
         'X-GovKG-Reports-Per-Year 响应头中。' + _QUERY_PARAMS_ZH,
         "")),
    "/network.json": RouteDoc(
        ("机关—法律规范引用网络",
         "Agency–instrument citation network"),
        ("从机关指向法律规范的连线，权重为引用报告数，只保留度数最高的前 N 个机关和法律规范。",
         "")),
}


def spec_path(route_path: str) -> str:
    """The route's path as /openapi.json writes it: /id/{path:path} -> /id/{path}."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", route_path)


ROUTES_BY_SPEC_PATH = {spec_path(p): d for p, d in API_ROUTES.items()}
