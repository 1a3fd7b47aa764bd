"""/openapi.json says what the routes really do: every documented 200 media type is answered, 303s and errors are
documented as they come (400 text, or JSON on the stored queries' .json form; no 422), the main parameters are there
with their patterns and choices, and no developer docstring leaks. Also the fixes that came with it: /network checks
its filters like /network.json, stored queries say the same about the same mistake in every form, /queries
negotiates JSON."""
import hashlib
import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from conftest import TEST_BASE, make_settings
from kg.web import queries
from kg.web.app import create_app
from kg.web.common import RDF_FORMATS

HTML = {"Accept": "text/html"}
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
SELECT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
DUMP = b"gzip bytes as published"


@pytest.fixture(scope="module")
def api(store, tmp_path_factory):
    """An app with one dump file, so /dumps/{name} has something to answer."""
    d = tmp_path_factory.mktemp("dumps")
    (d / "govkg.nt.gz").write_bytes(DUMP)
    (d / "dumps.json").write_text(json.dumps({"dumps": [{
        "name": "govkg.nt.gz", "path": str(d / "govkg.nt.gz"), "format": "ntriples", "label": "N-Triples",
        "media_type": "application/n-triples", "encoding": "gzip", "size": len(DUMP),
        "sha256": hashlib.sha256(DUMP).hexdigest(), "triples": 1, "modified": "2026-01-01T00:00:00+00:00",
        "eu_file_type": "RDF_N_TRIPLES"}]}))
    with TestClient(create_app(store, make_settings(dumps=d))) as c:
        yield c


@pytest.fixture(scope="module")
def spec(api):
    return api.get("/openapi.json").json()


# Values of path parameters that exist in the fixture; {suffix} is chosen per media type.
SAMPLES = {"path": "agency/a1", "h": "r1", "slug": "most-cited", "name": "govkg.nt.gz"}


def _suffix_for(media_type: str, enum: list[str]) -> str:
    return next(s for s in enum if RDF_FORMATS[s][0] == media_type)


def _request(path: str, method: str, op: dict, media_type: str) -> dict:
    """How to ask `path` for `media_type`: path parameters filled in, Accept set, a query for /sparql."""
    url = path
    for p in op.get("parameters", []):
        if p["in"] == "path":
            value = (_suffix_for(media_type, p["schema"]["enum"]) if p["name"] == "suffix" else SAMPLES[p["name"]])
            url = url.replace("{" + p["name"] + "}", value)
    req = {"method": method.upper(), "url": url, "headers": {"Accept": media_type}}
    if path == "/sparql":
        q = SELECT if media_type in SELECT_TYPES else CONSTRUCT
        if media_type == "text/html":
            req["params"] = {"query": SELECT}
        elif method == "get":
            req["params"] = {"query": q}
        else:
            req["data"] = {"query": q}
    return req


def _base(content_type: str) -> str:
    return content_type.split(";")[0].strip()


def test_spec_is_valid_openapi(spec):
    assert spec["openapi"].startswith("3.")
    try:
        from openapi_spec_validator import validate
    except ImportError:   # not a dependency: check what it would check first
        ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
        assert len(ids) == len(set(ids)), ids
        for ops in spec["paths"].values():
            for op in ops.values():
                assert op["responses"] and all(r.get("description") for r in op["responses"].values())
    else:
        validate(spec)


def test_every_documented_200_media_type_is_answered(api, spec):
    checked = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            documented = op["responses"].get("200", {}).get("content", {})
            for mt in documented:
                req = _request(path, method, op, mt)
                r = api.request(**req)
                assert r.status_code == 200, (req, r.status_code, r.text[:200])
                assert _base(r.headers["content-type"]) == mt, (req, r.headers["content-type"])
                checked += 1
    assert checked > 30


def test_every_path_documents_its_success(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert {"200", "303"} & set(op["responses"]), (method, path)
            assert "422" not in op["responses"], (method, path)
    assert "HTTPValidationError" not in json.dumps(spec)


@pytest.mark.parametrize("path", ["/dataset", "/id/{path}"])
def test_303_routes_are_documented_as_303(api, spec, path):
    op = spec["paths"][path]["get"]
    assert "303" in op["responses"] and "200" not in op["responses"]
    r = api.get(path.replace("{path}", SAMPLES["path"]), headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"]


def test_errors_are_documented_as_they_come(api, spec):
    """400 text/plain for the CSV form of a stored query; JSON, {"error", "problems"}, for every .json address (the
    network, the lists, the stored queries' .json form), its 404s too."""
    paths = spec["paths"]
    r = api.get("/queries/most-cited.csv?year=abc")
    assert r.status_code == 400 and _base(r.headers["content-type"]) == "text/plain"
    assert "text/plain" in paths["/queries/{slug}.csv"]["get"]["responses"]["400"]["content"]
    for path, url, code in (("/network.json", "/network.json?top=3", 400), ("/agencies.json", "/agencies.json?page=x", 400),
                            ("/queries/{slug}.json", "/queries/most-cited.json?year=abc", 400),
                            ("/agencies.json", "/agencies.json?page=999", 404)):
        r = api.get(url)
        assert r.status_code == code and _base(r.headers["content-type"]) == "application/json", url
        schema = paths[path]["get"]["responses"][str(code)]["content"]["application/json"]["schema"]
        assert set(schema["required"]) == set(r.json()) == {"error", "problems"}, url
    for code in ("400", "413", "415", "429", "503"):
        assert "text/plain" in paths["/sparql"]["post"]["responses"][code]["content"]
    assert "414" in paths["/sparql"]["get"]["responses"] and "414" not in paths["/sparql"]["post"]["responses"]
    assert api.get("/sparql", params={"query": "SELECT nonsense"}).status_code == 400


def _params(op: dict) -> dict:
    return {p["name"]: p for p in op.get("parameters", [])}


def test_documented_parameters(spec):
    paths = spec["paths"]
    get, post = paths["/sparql"]["get"], paths["/sparql"]["post"]
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= set(_params(get))
    assert {"default-graph-uri", "named-graph-uri", "format"} <= set(_params(post))
    body = post["requestBody"]["content"]
    assert body["application/x-www-form-urlencoded"]["schema"]["required"] == ["query"]
    assert "application/sparql-query" in body and "requestBody" not in get
    assert "q" in _params(paths["/search.json"]["get"])
    for slug in ("agencies", "instruments", "events", "reports", "initiatives"):
        page = _params(paths[f"/{slug}.json"]["get"])["page"]
        assert page["schema"]["type"] == "integer" and page["schema"]["minimum"] == 1, slug
    for path in ("/queries/{slug}.json", "/queries/{slug}.csv"):
        ps = _params(paths[path]["get"])
        assert ps["slug"]["schema"]["enum"] == list(queries.STORED), path
        for name in ("year", "from", "to"):
            assert ps[name]["schema"]["pattern"] == r"^\d{4}$", (path, name)
        assert {"agency", "instrument", "a", "b"} <= set(ps)
    net = _params(paths["/network.json"]["get"])
    assert net["year"]["schema"]["pattern"] == r"^(\d{4})?$"
    assert (net["top"]["schema"]["minimum"], net["top"]["schema"]["maximum"]) == (5, 60)
    assert _params(paths["/catalog.{suffix}"]["get"])["suffix"]["schema"]["enum"] == list(RDF_FORMATS)
    for path, ops in paths.items():
        for op in ops.values():
            for p in op.get("parameters", []):
                assert p.get("description"), (path, p["name"])


def test_documented_parameters_take_effect(api):
    """What the documentation says about a parameter, the route does: patterns and bounds are enforced, choices
    outside the enum are not found, the documented names are the ones read."""
    for url in ("/queries/most-cited.json?year=20x3", "/queries/changes.csv?from=abc", "/network.json?year=x",
                "/network.json?top=61", "/agencies.json?page=0"):
        assert api.get(url).status_code == 400, url
    assert api.get("/queries/nothing.json").status_code == 404
    assert api.get("/catalog.xyz").status_code == 404
    assert api.get("/queries/changes.json", params={"from": "2022", "to": "2023"}).json()["params"]["from"] == "2022"
    assert api.get("/search.json", params={"q": "外事"}).json()["results"]
    assert api.get("/agencies.json", params={"page": "9"}).status_code == 404
    r = api.get("/sparql", params={"query": SELECT, "format": "csv"})
    assert _base(r.headers["content-type"]) == "text/csv"
    r = api.post("/sparql", content=SELECT.encode(), headers={"Content-Type": "application/sparql-query",
                                                              "Accept": "text/tab-separated-values"})
    assert _base(r.headers["content-type"]) == "text/tab-separated-values"


def test_no_developer_text_in_the_description(api, spec):
    ops = [op for ops in spec["paths"].values() for op in ops.values()]
    text = json.dumps(ops)
    assert "Minter" not in text and "kg.publish" not in text and "kg/" not in text
    report = spec["paths"]["/graph/report/{h}"]["get"]
    assert report["description"].startswith("A report's named graph")
    docs = api.get("/docs?lang=en", headers=HTML).text
    assert "Minter" not in docs
    sitemap = spec["paths"]["/sitemap.xml"]["get"]
    assert "index" not in sitemap["summary"].split("(")[0].lower() and "urlset" in sitemap["description"]
    assert "<urlset" in api.get("/sitemap.xml").text   # small data: a urlset, as documented


def test_docs_page_shows_patterns_choices_and_body(api):
    en = api.get("/docs?lang=en", headers=HTML).text
    assert "<code>^\\d{4}$</code>" in en and "<code>most-cited</code>" in en
    assert "<code>default-graph-uri</code>" in en and "<code>application/sparql-query</code>" in en
    assert "<code>5–60</code>" in en
    zh = api.get("/docs?lang=zh", headers=HTML).text
    assert "取值之一：" in zh and "请求体：" in zh and "组成默认图的图" in zh


def test_every_listed_route_has_its_summary_in_both_languages(api):
    """One table (kg.web.apidoc.API_ROUTES) says each route in Chinese and English: /openapi.json lists exactly
    its routes, with the English summary; /docs?lang=zh shows the Chinese one of each."""
    from kg.web.apidoc import ROUTES_BY_SPEC_PATH
    spec = api.get("/openapi.json").json()
    assert set(spec["paths"]) == set(ROUTES_BY_SPEC_PATH)
    zh = api.get("/docs?lang=zh", headers=HTML).text
    for path, doc in ROUTES_BY_SPEC_PATH.items():
        zh_summary, en_summary = doc.summary
        assert zh_summary and en_summary, path
        assert all(op["summary"] == en_summary for op in spec["paths"][path].values()), path
        assert html.escape(zh_summary, quote=False) in zh, path


def test_405_lists_every_method_of_the_address(api):
    r = api.put("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, POST"
    assert api.post("/agencies").headers["allow"] == "GET, HEAD"


# --- /network checks its filters like /network.json ------------------------------------------------------------

@pytest.mark.parametrize("params", [{"year": "abc"}, {"top": "3"}, {"top": "61"}, {"top": "x"},
                                    {"year": "20x", "top": "100"}, {"region": "zzz"}, {"region": "3"}])
def test_network_page_refuses_what_the_json_refuses(client, params):
    page = client.get("/network", params={**params, "lang": "en"})
    js = client.get("/network.json", params={**params, "lang": "en"})
    assert page.status_code == js.status_code == 400
    assert page.text.splitlines()[1] == "; ".join(js.json()["problems"])   # the same words
    html = client.get("/network", params={**params, "lang": "en"}, headers=HTML)
    assert html.status_code == 400 and "<h1>400 · Bad request</h1>" in html.text
    assert all(problem in html.text.replace("&#34;", '"') for problem in js.json()["problems"])


def test_network_page_takes_its_form_as_sent(client):
    """The form sends empty fields for "all"; those are no mistake, and its JSON link drops them."""
    r = client.get("/network", params={"year": "", "region": "", "kind": "", "top": "25"}, headers=HTML)
    assert r.status_code == 200
    href = re.search(r'href="(/network\.json[^"]*)"', r.text).group(1)
    assert href == "/network.json?top=25"
    assert client.get(href.replace("&amp;", "&")).status_code == 200
    assert client.get("/network", params={"top": "5"}, headers=HTML).status_code == 200


# --- stored queries: the same message for the same problem, in the request's language -------------------------

BAD = [({"year": "abc"}, "most-cited", "Parameter year: must be a four-digit year such as 2023 (got “abc”)",
        "参数 year：应为四位数的年份，如 2023（收到“abc”）"),
       ({"instrument": "没有这部法"}, "co-citation", "Parameter instrument: matches nothing in the data (got “没有这部法”)",
        "参数 instrument：找不到与之匹配的条目（收到“没有这部法”）")]


@pytest.mark.parametrize("params,slug,en,zh", BAD)
def test_stored_query_problems_alike_in_every_form(client, params, slug, en, zh):
    for lang, text in (("en", en), ("zh", zh)):
        js = client.get(f"/queries/{slug}.json", params={**params, "lang": lang})
        assert js.status_code == 400 and _base(js.headers["content-type"]) == "application/json"
        assert js.json()["problems"] == [text]
        assert js.json()["error"] == ("Bad request" if lang == "en" else "请求有误")
        csv = client.get(f"/queries/{slug}.csv", params={**params, "lang": lang})
        assert csv.status_code == 400 and text in csv.text and "not found" not in csv.text
        page = client.get(f"/queries/{slug}", params={**params, "lang": lang}, headers=HTML)
        assert page.status_code == 400 and text in page.text
    # the language also follows Accept-Language (without the cookie the pages above set)
    client.cookies.clear()
    r = client.get(f"/queries/{slug}.json", params=params, headers={"Accept-Language": "en"})
    assert r.json()["problems"] == [en]


def test_stored_query_json_problems_together(client):
    r = client.get("/queries/changes.json", params={"from": "x", "to": "20y", "agency": "没有这个机关", "lang": "en"})
    assert r.status_code == 400
    assert [p.split(":")[0] for p in r.json()["problems"]] == ["Parameter agency", "Parameter from", "Parameter to"]


def test_stored_query_json_error_for_browsers_is_a_page(client):
    h = client.get("/queries/most-cited.json", params={"year": "abc"}, headers=HTML)
    assert h.status_code == 400 and "<h1>400 · 请求有误</h1>" in h.text


def test_stored_query_empty_parameter_takes_its_default(client):
    for form in (".json", ".csv", ""):
        assert client.get(f"/queries/most-cited{form}", params={"year": ""}, headers=HTML).status_code == 200, form


# --- /queries negotiates ----------------------------------------------------------------------------------------

def test_queries_index_negotiates_json(client):
    r = client.get("/queries", headers={"Accept": "application/json"})
    assert r.status_code == 200 and _base(r.headers["content-type"]) == "application/json"
    assert r.json() == client.get("/queries.json").json() == client.get("/queries?format=json").json()
    assert "Accept" in r.headers["vary"]
    page = client.get("/queries", headers={"Accept": "text/html,application/json;q=0.9"})
    assert _base(page.headers["content-type"]) == "text/html" and "Accept" in page.headers["vary"]
    assert _base(client.get("/queries").headers["content-type"]) == "text/html"   # */*: the page
