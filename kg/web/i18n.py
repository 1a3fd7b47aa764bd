"""UI strings in Chinese and English. Data labels are chosen by language tag elsewhere (service.pick_label)."""
from __future__ import annotations

from kg.rdf.mapping import GENRE_NAMES
from kg.web.conneg import weighted

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
# Preferred language tags of data literals for each UI language, best first ("" = no tag).
LABEL_PREFS = {"zh": ("zh-hans", "zh", "zh-cn", "", "en"), "en": ("en", "", "zh-hans", "zh", "zh-cn")}

STRINGS: dict[str, tuple[str, str]] = {  # key: (zh, en)
    "site": ("GovKG 政府报告知识图谱", "GovKG government report knowledge graph"),
    "home": ("首页", "Home"),
    "agencies": ("机关", "Agencies"),
    "instruments": ("法律规范", "Instruments"),
    "events": ("活动", "Events"),
    "reports": ("报告", "Reports"),
    "initiatives": ("工作举措", "Initiatives"),
    "query": ("查询", "Query"),
    "n_triples": ("{n} 个三元组", "{n} triples"),
    "sparql_timeout": ("查询超过了 {s} 秒的时间限制，已被停止。请缩小查询范围（LIMIT、更具体的条件），或下载数据文件。",
                       "The query ran longer than the time limit of {s} s and was stopped; narrow it (LIMIT, more "
                       "specific patterns) or download a dump."),
    "sparql_too_many": ("同一客户端同时运行的查询已达上限（{n} 个），请稍后再试。",
                        "Too many queries from this client at once (limit {n}); retry shortly."),
    "sparql_unavailable": ("数据存储暂时不可用，请稍后再试。", "The store is unavailable; retry later."),
    "sparql_error_lead": ("查询未能运行（下面的说明为英文）：", "The query could not run:"),
    "dumps": ("数据下载", "Dumps"),
    "ontology": ("本体", "Ontology"),
    "catalog": ("数据目录 (DCAT)", "Catalog (DCAT)"),
    "void_formats": ("同一地址按 Accept 提供 Turtle、N-Triples、JSON-LD 和 RDF/XML",
                     "The same address gives Turtle, N-Triples, JSON-LD and RDF/XML by Accept"),
    "void": ("数据集描述 (VoID)", "Dataset description (VoID)"),
    "search": ("搜索", "Search"),
    "quads": ("条三元组（含图名）", "quads"),
    "named_graphs": ("个命名图", "named graphs"),
    "search_placeholder": ("按名称搜索（可输入部分中文）", "Search labels (Chinese substrings work)"),
    "results": ("结果", "Results"),
    "no_results": ("没有结果。", "No results."),
    "list_unsorted": ("条目太多，未按名称排序；要找某一条，请用搜索。", "Too many to sort by name: listed in storage order. Use search to find one."),
    "types": ("类型", "Types"),
    "properties": ("属性", "Properties"),
    "incoming": ("指向本条目的链接", "Links to this entity"),
    "evidence": ("原文出处", "Evidence in the report text"),
    "in_report": ("见报告", "in report"),
    "more": ("还有", "more"),
    "page": ("页", "Page"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "total": ("共", "Total"),
    "count": ("数量", "Count"),
    "reports_per_year": ("报告数：{from_y} 年 {n_from} 份，{to_y} 年 {n_to} 份。引用数请与之对照。",
                         "Reports: {n_from} covering {from_y}, {n_to} covering {to_y}. Read the counts against these."),
    "year_without_reports": ("{year} 年没有{who}报告：这里的“新增”或“不再引用”只说明语料缺少该年度的报告，不说明引用有变化。",
                             "No report {who}covers {year}: “added” or “dropped” here says only that the corpus lacks "
                             "that year's reports, not that citing changed."),
    "of_this_agency": ("该机关的", "of this agency "),
    "other_matches": ("这个名称还匹配（括号内为报告数，点击改用）", "The name also matches (reports in brackets; click to use one instead)"),
    "count_agencies": ("发布报告数", "Reports issued"),
    "count_instruments": ("引用报告数", "Citing reports"),
    "count_events": ("提及报告数", "Mentioning reports"),
    "count_reports": ("举措数", "Initiatives"),
    "count_initiatives": ("引用法规数", "Instruments cited"),
    "label": ("名称", "Label"),
    "iri": ("IRI", "IRI"),
    "data_formats": ("其他格式", "Other formats"),
    "initiatives_by_section": ("按章节列出的工作举措", "Initiatives by section"),
    "no_section": ("（未归入章节）", "(no section)"),
    "status": ("状态", "Status"),
    "cited_instruments": ("引用的法律规范", "Cited instruments"),
    "cited_times": ("引用次数", "Citations"),
    "classes_overview": ("数据概览", "What is in the graph"),
    "example_queries": ("示例查询", "Example queries"),
    "data_access": ("获取数据", "Get the data"),
    "run": ("运行", "Run"),
    "format": ("格式", "Format"),
    "download": ("下载", "Download"),
    "query_help": ("输入 SPARQL 1.1 查询（只读）。点击示例可载入。", "Enter a SPARQL 1.1 query (read-only). Click an example to load it."),
    "file": ("文件", "File"),
    "size": ("大小", "Size"),
    "sha256": ("SHA-256", "SHA-256"),
    "no_dumps": ("尚未生成数据下载文件。运行 kg dump 生成。", "No dump files yet. Run `kg dump` to write them."),
    "classes": ("类", "Classes"),
    "object_properties": ("属性", "Properties"),
    "alignments": ("对齐", "Alignments"),
    "shapes": ("SHACL 约束", "SHACL shapes"),
    "not_found": ("未找到", "Not found"),
    "not_found_text": ("该地址没有对应的条目。", "There is nothing at this address."),
    "error": ("出错了", "Something went wrong"),
    "error_text": ("服务器处理请求时出错，已记录。请稍后重试。", "The server failed to handle the request; it has been logged. Please try again later."),
    "licence": ("数据许可", "Data licence"),
    "footer_data": ("数据", "Data"),
    "language": ("语言", "Language"),
    "year": ("年度", "Year"),
    "issued_by": ("发布机关", "Issued by"),
    "truncated_note": ("结果已截断（达到行数上限）。", "The result was truncated (row limit reached)."),
    "text": ("报告文本", "Report text"),
    "ex_q1": ("某机关引用的法律规范", "Instruments cited by an agency"),
    "ex_q2": ("某年度被引用最多的法律规范", "Most-cited instruments in a year"),
    "ex_q3": ("同时引用 A 和 B 的机关", "Agencies citing both A and B"),
    "ex_q4": ("法律规范共被引", "Co-citation of instruments"),
    "ex_q5": ("按名称搜索", "Label search"),
    # the first line of each example query
    "ex_q1_comment": ("某机关引用的法律规范（在其报告或工作举措中），按引用它们的报告数排序",
                      "Instruments cited by one agency (in its reports or their initiatives), by the number of its reports"),
    "ex_q2_comment": ("覆盖某年度的报告中被引用最多的 20 部法律规范",
                      "The 20 instruments cited by the most reports covering a year"),
    "ex_q3_comment": ("其报告同时引用法律规范 A 和 B 的机关（按名称匹配）",
                      "Agencies whose reports cite both instrument A and instrument B (matched by label)"),
    "ex_q4_comment": ("在同一份报告中被共同引用的法律规范对，最常见的在前",
                      "Pairs of instruments cited by the same report, most frequent pairs first"),
    "ex_q5_comment": ("名称包含某个中文词的一切", "Everything whose label contains a Chinese substring"),
    "sd": ("服务描述", "Service description"),
    "value": ("值", "Value"),
    "comment": ("说明", "Comment"),
    "subclass_of": ("子类于", "Subclass of"),
    "subproperty_of": ("子属性于", "Subproperty of"),
    "domain": ("定义域", "Domain"),
    "range": ("值域", "Range"),
    "concept_schemes": ("概念体系", "Concept schemes"),
    "kind_done": ("已完成工作", "work done"),
    "kind_planned": ("下一步计划", "plans"),
    "kind_shortcomings": ("存在的不足", "shortcomings"),
    "kind_other": ("其他", "other"),
    "CompletedActionStatus": ("已完成", "done"),
    "PotentialActionStatus": ("计划", "planned"),
    "ask_result": ("ASK 结果", "ASK result"),
    "rows": ("行", "rows"),
    # SPARQL endpoint limits (query.html, #limits)
    "limits": ("使用限制", "Limits"),
    "limit_time": ("每个查询最多运行 {s} 秒，超时即停止并返回 503。", "A query may run for {s} s; past that it is stopped (503)."),
    "limit_rows": ("结果最多 {n} 行（CONSTRUCT/DESCRIBE 为 {n} 个三元组），其余截断；截断的结果带 X-GovKG-Truncated: true 响应头，JSON 和 XML 结果的头部还有指向本说明的链接。",
                   "A result holds at most {n} rows ({n} triples for CONSTRUCT/DESCRIBE); the rest is cut. A cut result says so: "
                   "X-GovKG-Truncated: true, and in JSON and XML results a link in the head to this note."),
    "limit_size": ("查询文本最长 {bytes} 字节（{kib} KiB，UTF-8），超出返回 413。", "A query may be {bytes} bytes long ({kib} KiB of UTF-8); a longer one gets 413."),
    "limit_concurrent": ("每个客户端地址最多同时运行 {n} 个查询，超出返回 429。", "Up to {n} queries at a time per client address; more get 429."),
    "limit_post": ("长查询请用 POST 发送（本页即如此）。用 GET 时查询经百分号编码会变长（每个汉字 9 字节），网址超过 {url} 字节返回 414。",
                   "Send long queries with POST (this page does). With GET the query is percent-encoded (9 bytes per Chinese "
                   "character) and a URL over {url} bytes gets 414."),
    "limit_dumps": ("需要全部数据时，请下载数据文件。", "To get everything, download a dump."),
    "limit_machine": ("服务描述（Accept: text/turtle）以 gk:queryTimeLimit 等属性给出这些限制，每个响应都带 X-GovKG-Limits 头。",
                      "The service description (Accept: text/turtle) states them as gk:queryTimeLimit and its siblings; every answer carries an X-GovKG-Limits header."),
    "stored_queries": ("常用查询", "Stored queries"),
    "stored_queries_intro": ("每个查询都有固定网址和参数，可输出 HTML 表格、JSON 和 CSV；页面上显示实际运行的 SPARQL，可复制到查询页修改。",
                             "Each query has a stable URL with parameters and answers as an HTML table, JSON and CSV; the SPARQL that ran is shown so you can copy it into the query page and change it."),
    "parameters": ("参数", "Parameters"),
    "api_one_of": ("取值之一：", "one of:"),
    "api_pattern": ("格式：", "pattern:"),
    "api_range": ("范围：", "range:"),
    "api_body": ("请求体：", "request body:"),
    "the_sparql": ("实际运行的 SPARQL", "The SPARQL that ran"),
    "the_sparql_same": ("给出相同结果的 SPARQL", "The SPARQL that gives the same rows"),
    "from_index_note": ("本结果取自按数据版本维护的引用统计（每次构建后更新）；下面的 SPARQL 在 /sparql 给出相同结果。",
                        "Answered from citation statistics kept for this data version (updated after every build); "
                        "the SPARQL below gives the same rows at /sparql."),
    "open_in_editor": ("在查询页打开", "Open in the query editor"),
    "network": ("引用网络", "Citation network"),
    "network_intro": ("机关（左）与其报告引用的法律规范（右）；连线粗细表示引用报告数。仅显示度数最高的节点。",
                      "Agencies (left) and the instruments their reports cite (right); line width is the number of citing reports. Only the nodes with the highest degree are shown."),
    "network_shown": ("显示", "Showing"),
    "of_total": ("共", "of"),
    "links": ("条连线", "links"),
    "all": ("全部", "all"),
    "region": ("地区", "Region"),
    "instrument_kind": ("法律规范类型", "Instrument kind"),
    "top_n": ("节点数", "Top N"),
    "filter": ("筛选", "Filter"),
    "what_it_cites": ("引用的法律规范", "What it cites"),
    "by_year": ("按年度", "By year"),
    "chart_agency_years": ("各年度引用（按法律规范类型）", "Citations by year (by instrument kind)"),
    "chart_instrument_years": ("各年度引用该法律规范的报告数", "Reports citing this instrument, by year"),
    "citing_reports": ("引用报告", "citing reports"),
    "reports_n": ("报告数", "Reports"),
    "years": ("年度", "Years"),
    "kind": ("类型", "Kind"),
    "compare_peers": ("与同类机关比较", "Compared with peers"),
    "peers_region": ("同一省份的机关", "Agencies in the same province"),
    "peers_kind": ("同类机关", "Agencies of the same kind"),
    "peers_n": ("个机关", "agencies"),
    "peers_top": ("同行最常引用", "Most cited by peers"),
    "share_of_peers": ("引用比例", "Share of peers"),
    "cited_here": ("本机关也引用", "Cited here too"),
    "similar_agencies": ("引用最相近的机关", "Agencies with the most similar citations"),
    "shared": ("共同引用", "Shared"),
    "jaccard": ("相似度 (Jaccard)", "Similarity (Jaccard)"),
    "who_cites": ("谁在引用", "Who cites it"),
    "citing_agencies": ("引用的机关", "Citing agencies"),
    "report": ("报告", "Report"),
    "agency": ("机关", "Agency"),
    "quote": ("原文", "Quote"),
    "more_queries": ("更多查询", "More queries"),
    "yes": ("是", "yes"),
    "api": ("接口 (OpenAPI)", "API (OpenAPI)"),
    "api_intro": ("以下是机器可读的接口，完整说明见 /openapi.json。", "The machine-readable endpoints; the full description is /openapi.json."),
    "method": ("方法", "Method"),
    "path": ("路径", "Path"),
    # evidence: an annotation's page, the report text at a position, the pages of a report's text and run
    "evidence_title": ("出处：“{exact}”，见《{report}》", "Evidence: “{exact}” in {report}"),
    "evidence_h1": ("出处：“{exact}”", "Evidence: “{exact}”"),
    "evidence_no_quote": ("出处，见《{report}》", "Evidence in {report}"),
    "evidence_for": ("证明的条目", "Evidence for"),
    "motivation": ("标注目的", "Motivation"),
    "motivation_identifying": ("指明：这段原文提到了该条目", "identifying: the passage names it"),
    "motivation_describing": ("描述：这段原文叙述了该条目", "describing: the passage describes it"),
    "quote_in_context": ("原文及上下文", "Quote in context"),
    "position": ("位置", "Position"),
    "offsets": ("第 {start}–{end} 字符", "characters {start}–{end}"),
    "offsets_note": ("从 0 起算的字符（Unicode 码位）偏移，不含结束位置", "code-point offsets from 0, end exclusive"),
    "show_in_text": ("在报告文本中查看", "Show in the report text"),
    "text_title": ("报告文本：《{report}》", "Report text: {report}"),
    "run_title": ("抽取过程：《{report}》", "Extraction run: {report}"),
    "full_text": ("全文", "Full text"),
    "characters_n": ("个字符", "characters"),
    "highlighted": ("已标出第 {start}–{end} 字符", "Highlighted: characters {start}–{end}"),
    "evidence_here": ("这段原文是以下条目的出处", "This passage is evidence for"),
    "clear_highlight": ("取消标记", "Clear the highlight"),
    "at_outside": ("请求的位置 {at} 不在文本范围内（共 {n} 个字符）。", "The position {at} is not within the text ({n} characters)."),
    "annotation": ("标注", "annotation"),
    # navigation landmarks (screen readers)
    "nav_main": ("主导航", "main"),
    "sparql_endpoint": ("SPARQL 查询端点", "SPARQL endpoint"),
    "nav_pages": ("分页", "pages"),
    # agency peers: what the two groups are
    "peers_region_of": ("同一省份（{province}）的机关", "Agencies in the same province: {province}"),
    "peers_region_title": ("行政区划代码以 {prefix} 开头的机关", "agencies whose region code (GB/T 2260) starts with {prefix}"),
    "peers_kind_of": ("同类机关：{kind}", "Agencies of the same kind: {kind}"),
    "peers_kind_title": ("简称为“{short}”这类形式的机关（如“市{short}”“区{short}”）",
                         "agencies whose short form is a place character + “{short}” (e.g. 市{short}, 区{short})"),
    # nodes minted inside a report, labelled from their IRI (kg/rdf/iris.py)
    "node_annotation": ("标注 {id}", "annotation {id}"),
    "node_target": ("原文片段（标注 {id}）", "text segment (annotation {id})"),
    "node_quote": ("引文选择器（标注 {id}）", "quote selector (annotation {id})"),
    "node_position": ("原文位置（标注 {id}）", "text position (annotation {id})"),
    "node_text": ("报告文本", "report text"),
    "node_run": ("抽取过程", "extraction run"),
    "run_of": ("《{report}》的抽取过程", "extraction run of {report}"),
    "node_checksum": ("SHA-256 校验和", "SHA-256 checksum"),
    "node_software": ("GovKG 软件 {version} 版", "GovKG software, version {version}"),
    # stored queries: column headings (the SPARQL variable stays in the tooltip, JSON and CSV) and coded values
    "col_instrument": ("法律规范", "Instrument"),
    "col_label": ("名称", "Name"),
    "col_kind": ("类型", "Kind"),
    "col_reports": ("报告数", "Reports"),
    "col_firstYear": ("首次年度", "First year"),
    "col_lastYear": ("最近年度", "Last year"),
    "col_agencies": ("机关数", "Agencies"),
    "col_agency": ("机关", "Agency"),
    "col_agencyLabel": ("机关名称", "Agency name"),
    "col_reportsCitingA": ("引用 A 的报告数", "Reports citing A"),
    "col_reportsCitingB": ("引用 B 的报告数", "Reports citing B"),
    "col_other": ("共被引的法律规范", "Co-cited instrument"),
    "col_year": ("年度", "Year"),
    "col_report": ("报告", "Report"),
    "col_reportTitle": ("报告标题", "Report title"),
    "col_fromReports": ("起始年度报告数", "Reports in the first year"),
    "col_toReports": ("对比年度报告数", "Reports in the second year"),
    "col_change": ("变化", "Change"),
    "col_status": ("状态", "Status"),
    "change_added": ("新增引用", "newly cited"),
    "change_dropped": ("不再引用", "no longer cited"),
    "change_both": ("两个年度均引用", "cited in both years"),
    # errors
    "bad_request": ("请求有误", "Bad request"),
    "method_not_allowed": ("不支持该请求方法", "Method not allowed"),
    "not_acceptable": ("没有可接受的格式", "Not acceptable"),
    "not_acceptable_text": ("此资源可提供的格式：{offers}。请在 Accept 头中选用其一。",
                            "This resource is available as: {offers}. Ask for one of them in the Accept header."),
    "method_not_allowed_text": ("此地址不接受 {method} 请求，只接受：{allowed}。",
                                "This address does not accept {method} requests; it accepts {allowed}."),
    "error_status_text": ("请求无法处理（HTTP {status}）。", "The request could not be handled (HTTP {status})."),
    "page_invalid": ("参数 page 应为从 1 起的整数，收到“{value}”。",
                     "The page parameter must be a whole number from 1 up, not “{value}”."),
    "page_past_end": ("该列表没有第 {page} 页。", "This list has no page {page}."),
    "param_invalid": ("参数 {name}：{reason}（收到“{value}”）", "Parameter {name}: {reason} (got “{value}”)"),
    "param_invalid_noinput": ("参数 {name}：{reason}", "Parameter {name}: {reason}"),
    "param_in_path": ("路径中的 {name}", "{name} in the path"),
    "v_int": ("应为整数", "must be a whole number"),
    "v_number": ("应为数字", "must be a number"),
    "v_bool": ("应为 true 或 false", "must be true or false"),
    "v_ge": ("不能小于 {n}", "must be at least {n}"),
    "v_gt": ("应大于 {n}", "must be greater than {n}"),
    "v_le": ("不能大于 {n}", "must be at most {n}"),
    "v_lt": ("应小于 {n}", "must be less than {n}"),
    "v_year": ("应为四位数的年份，如 2023", "must be a four-digit year such as 2023"),
    "v_region": ("应为 2 至 6 位的行政区划代码或其前缀，如 35 或 350200",
                 "must be a region code or its prefix, 2 to 6 digits, such as 35 or 350200"),
    "v_pattern": ("格式不符，应匹配 {pattern}", "must match the pattern {pattern}"),
    "v_too_long": ("太长，最多 {n} 个字符", "is too long: at most {n} characters"),
    "v_too_short": ("太短，至少 {n} 个字符", "is too short: at least {n} characters"),
    "v_missing": ("缺少此参数", "is required"),
    "v_choice": ("应为以下之一：{expected}", "must be one of {expected}"),
    "v_other": ("取值无效", "is not valid"),
    "v_no_match": ("找不到与之匹配的条目", "matches nothing in the data"),
    "api_description": ("中国政府年度报告的关联数据。机器可读的接口：SPARQL 1.1、列表和搜索的 JSON 版本、输出 JSON/CSV 的常用查询、"
                        "引用网络、按内容协商输出 RDF 的条目文档、数据下载和数据集描述。此处不列出 HTML 页面。",
                        "Linked data from Chinese government reports. Machine-readable endpoints: SPARQL 1.1, JSON twins "
                        "of lists and search, stored queries as JSON/CSV, the citation network, entity documents in RDF by "
                        "content negotiation, dumps and dataset descriptions. HTML pages are not listed."),
}

# gk:genre codes: the Chinese names are the mapping's own (kg.rdf.mapping.GENRE_NAMES), with English beside them
_GENRES_EN = {"fzzf": "annual report on building law-based government",
              "xxgk": "annual report on government information disclosure"}
GENRES: dict[str, tuple[str, str]] = {code: (zh, _GENRES_EN.get(code, zh)) for code, zh in GENRE_NAMES.items()}
# gk:sectionKind codes -> STRINGS keys
SECTION_KINDS = {"done": "kind_done", "planned": "kind_planned", "shortcomings": "kind_shortcomings", "other": "kind_other"}

# Provinces by the first two digits of their GB/T 2260 code: (zh, en). Agencies are compared with the others of their
# province by that prefix; the province itself need not be a node in the data.
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"), "12": ("天津市", "Tianjin"), "13": ("河北省", "Hebei"), "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"), "21": ("辽宁省", "Liaoning"), "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"), "31": ("上海市", "Shanghai"), "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"), "34": ("安徽省", "Anhui"), "35": ("福建省", "Fujian"), "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"), "41": ("河南省", "Henan"), "42": ("湖北省", "Hubei"), "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"), "45": ("广西壮族自治区", "Guangxi"), "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"), "51": ("四川省", "Sichuan"), "52": ("贵州省", "Guizhou"), "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Tibet"), "61": ("陕西省", "Shaanxi"), "62": ("甘肃省", "Gansu"), "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"), "65": ("新疆维吾尔自治区", "Xinjiang"), "71": ("台湾省", "Taiwan"),
    "81": ("香港特别行政区", "Hong Kong"), "82": ("澳门特别行政区", "Macao"),
}

# English glosses of common kinds of agency (the part of the name after the place), for the peer-group heading.
AGENCY_KINDS_EN: dict[str, str] = {
    "人民政府": "people's government", "人民政府办公室": "government general office",
    "人民政府办公厅": "government general office", "人民政府外事办公室": "foreign affairs office",
    "人民代表大会常务委员会": "people's congress standing committee",
    "司法局": "justice bureau", "司法厅": "justice department", "财政局": "finance bureau", "财政厅": "finance department",
    "审计局": "audit bureau", "审计厅": "audit department", "教育局": "education bureau", "教育厅": "education department",
    "民政局": "civil affairs bureau", "民政厅": "civil affairs department", "商务局": "commerce bureau",
    "商务厅": "commerce department", "公安局": "public security bureau", "公安厅": "public security department",
    "交通运输局": "transport bureau", "交通运输厅": "transport department", "卫生健康局": "health bureau",
    "卫生健康委员会": "health commission", "市场监督管理局": "market regulation bureau",
    "生态环境局": "ecology and environment bureau", "自然资源局": "natural resources bureau",
    "自然资源和规划局": "natural resources and planning bureau", "住房和城乡建设局": "housing and construction bureau",
    "住房和城乡建设厅": "housing and construction department", "人力资源和社会保障局": "human resources and social security bureau",
    "人力资源和社会保障厅": "human resources and social security department", "文化和旅游局": "culture and tourism bureau",
    "文化和旅游厅": "culture and tourism department", "应急管理局": "emergency management bureau",
    "应急管理厅": "emergency management department", "医疗保障局": "healthcare security bureau",
    "城市管理局": "urban management bureau", "城市管理综合执法局": "urban management and law enforcement bureau",
    "农业农村局": "agriculture and rural affairs bureau", "水利局": "water resources bureau", "林业局": "forestry bureau",
    "统计局": "statistics bureau", "税务局": "tax bureau", "退役军人事务局": "veterans affairs bureau",
    "发展和改革委员会": "development and reform commission", "发展和改革局": "development and reform bureau",
    "科学技术局": "science and technology bureau", "工业和信息化局": "industry and information technology bureau",
    "数据资源管理局": "data resources bureau", "行政审批局": "administrative approval bureau",
    "信访局": "petitions bureau", "体育局": "sports bureau", "粮食和物资储备局": "grain and reserves bureau",
}

# The API page (/docs) in Chinese: descriptions of the parameters by name (English: each route's own). The
# routes' summaries and descriptions are in kg.web.apidoc.API_ROUTES.
API_PARAMS_ZH: dict[str, str] = {
    "agency": "机关 IRI 或名称", "instrument": "法律规范 IRI 或名称", "a": "法律规范 A", "b": "法律规范 B",
    "year": "年度（四位数）", "from": "起始年度", "to": "对比年度", "region": "行政区划代码或其前缀，如 35 或 350200",
    "kind": "法律规范类型代码：law、admin_regulation……", "top": "每侧保留的节点数（5–60）",
    "path": "IRI 中 id/ 或 doc/ 之后的部分", "name": "文件名", "suffix": "格式后缀", "h": "报告代号", "slug": "查询代号",
    "page": "页码，从 1 起（每页 50 条；超过最后一页返回 404）", "q": "要在名称和别名中查找的文字，可输入中文名称的一部分（最多 50 条结果）",
    "query": "SPARQL 1.1 查询（SELECT、ASK、CONSTRUCT、DESCRIBE）；不给出时返回服务描述（RDF），浏览器得到查询页",
    "format": "结果格式，代替 Accept（也可写作 output= 或 results=）",
    "default-graph-uri": "组成默认图的图（可重复）；不给出时为所有图的并集", "named-graph-uri": "查询可见的命名图（可重复）",
}

# XML Schema datatypes as a value's small tag says them.
_XSD = "http://www.w3.org/2001/XMLSchema#"
DATATYPE_LABELS: dict[str, tuple[str, str]] = {
    _XSD + "string": ("字符串", "string"), _XSD + "integer": ("整数", "integer"), _XSD + "int": ("整数", "integer"),
    _XSD + "decimal": ("数值", "decimal"), _XSD + "double": ("数值", "number"), _XSD + "float": ("数值", "number"),
    _XSD + "boolean": ("是/否", "yes/no"), _XSD + "date": ("日期", "date"), _XSD + "dateTime": ("日期时间", "date and time"),
    _XSD + "gYear": ("年份", "year"), _XSD + "gMonthDay": ("每年日期", "day of the year"),
    _XSD + "anyURI": ("网址", "URI"), _XSD + "hexBinary": ("十六进制", "hexadecimal"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString": ("带语言标签的文本", "language-tagged text"),
}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")

# Labels of standard terms that the ontology graph does not describe (it documents them, not redeclares them).
_RDF, _RDFS, _DCT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#", "http://purl.org/dc/terms/"
_SKOS, _SCHEMA, _OA = "http://www.w3.org/2004/02/skos/core#", "https://schema.org/", "http://www.w3.org/ns/oa#"
_PROV, _SPDX, _OWL = "http://www.w3.org/ns/prov#", "http://spdx.org/rdf/terms#", "http://www.w3.org/2002/07/owl#"
TERM_LABELS: dict[str, tuple[str, str]] = {
    _RDF + "type": ("类型", "type"), _RDFS + "label": ("名称", "label"), _RDFS + "comment": ("说明", "comment"),
    _RDFS + "seeAlso": ("参见", "see also"), _DCT + "title": ("标题", "title"), _DCT + "issued": ("发布日期", "issued"),
    _DCT + "isPartOf": ("属于", "is part of"), _DCT + "identifier": ("标识符", "identifier"),
    _SKOS + "prefLabel": ("首选名称", "preferred label"), _SKOS + "altLabel": ("别名", "alternative label"),
    _SKOS + "notation": ("代码", "notation"), _SKOS + "inScheme": ("所属体系", "in scheme"),
    _SKOS + "definition": ("定义", "definition"),
    "http://xmlns.com/foaf/0.1/name": ("名称", "name"),
    _SCHEMA + "name": ("名称", "name"), _SCHEMA + "description": ("描述", "description"),
    _SCHEMA + "actionStatus": ("状态", "status"), _SCHEMA + "agent": ("实施机关", "agent"),
    _SCHEMA + "url": ("网址", "URL"), _SCHEMA + "startDate": ("日期", "start date"),
    _SCHEMA + "value": ("数值", "value"), _SCHEMA + "unitText": ("单位", "unit"),
    _SCHEMA + "CompletedActionStatus": ("已完成", "done"), _SCHEMA + "PotentialActionStatus": ("计划", "planned"),
    "http://data.europa.eu/eli/ontology#type_document": ("文件类型", "kind of document"),
    _OA + "hasBody": ("标注对象", "body"), _OA + "hasTarget": ("标注目标", "target"),
    _OA + "hasSource": ("来源", "source"), _OA + "hasSelector": ("选择器", "selector"),
    _OA + "exact": ("原文", "exact quote"), _OA + "prefix": ("前文", "prefix"), _OA + "suffix": ("后文", "suffix"),
    _OA + "start": ("起始位置", "start"), _OA + "end": ("结束位置", "end"), _OA + "motivatedBy": ("目的", "motivation"),
    _OA + "identifying": ("指明", "identifying"), _OA + "describing": ("描述", "describing"),
    _OA + "Annotation": ("标注", "Annotation"), _OA + "SpecificResource": ("特定资源", "specific resource"),
    _OA + "TextQuoteSelector": ("引文选择器", "text quote selector"),
    _OA + "TextPositionSelector": ("位置选择器", "text position selector"),
    "http://www.w3.org/ns/prov#wasGeneratedBy": ("生成于", "was generated by"),
    # provenance of the text and the run (kg/rdf/mapping.py)
    _PROV + "used": ("使用的文本", "used"), _PROV + "wasAssociatedWith": ("执行软件", "carried out by"),
    _PROV + "SoftwareAgent": ("软件", "software agent"), _PROV + "Agent": ("行为主体", "agent"),
    _PROV + "Entity": ("实体 (PROV)", "entity (PROV)"), _PROV + "Activity": ("活动 (PROV)", "activity (PROV)"),
    _SCHEMA + "softwareVersion": ("软件版本", "software version"),
    "http://xmlns.com/foaf/0.1/Agent": ("行为主体", "agent"), "http://xmlns.com/foaf/0.1/Document": ("文档", "document"),
    _SPDX + "checksum": ("校验和", "checksum"), _SPDX + "Checksum": ("校验和", "checksum"),
    _SPDX + "algorithm": ("算法", "algorithm"), _SPDX + "checksumValue": ("校验值", "checksum value"),
    "https://spdx.org/rdf/terms#checksumAlgorithm_sha256": ("SHA-256", "SHA-256"),
    "http://spdx.org/rdf/terms#checksumAlgorithm_sha256": ("SHA-256", "SHA-256"),
    "http://www.w3.org/ns/dcat#mediaType": ("媒体类型", "media type"),
    "https://www.iana.org/assignments/media-types/text/plain": ("纯文本 (text/plain)", "plain text (text/plain)"),
    "http://www.iana.org/assignments/media-types/text/plain": ("纯文本 (text/plain)", "plain text (text/plain)"),
    # the ontology's own description (ontology/*.ttl)
    _RDFS + "subClassOf": ("子类于", "subclass of"), _RDFS + "subPropertyOf": ("子属性于", "subproperty of"),
    _RDFS + "domain": ("定义域", "domain"), _RDFS + "range": ("值域", "range"),
    _SCHEMA + "domainIncludes": ("定义域包括", "domain includes"), _SCHEMA + "rangeIncludes": ("值域包括", "range includes"),
    _OWL + "Class": ("类", "class"), _OWL + "ObjectProperty": ("对象属性", "object property"),
    _OWL + "DatatypeProperty": ("数据属性", "datatype property"), _OWL + "Ontology": ("本体", "ontology"),
    _OWL + "versionInfo": ("版本", "version"), _OWL + "versionIRI": ("版本 IRI", "version IRI"),
    "http://purl.org/vocab/vann/preferredNamespaceUri": ("首选命名空间", "preferred namespace"),
    "http://purl.org/vocab/vann/preferredNamespacePrefix": ("首选前缀", "preferred prefix"),
    _DCT + "license": ("许可", "licence"), "https://creativecommons.org/licenses/by/4.0/": ("CC BY 4.0", "CC BY 4.0"),
    _SKOS + "Concept": ("概念", "concept"), _SKOS + "ConceptScheme": ("概念体系", "concept scheme"),
    _SKOS + "hasTopConcept": ("顶层概念", "top concept"), _SKOS + "topConceptOf": ("顶层概念，属于", "top concept of"),
    _SKOS + "broader": ("上位概念", "broader"), _SKOS + "narrower": ("下位概念", "narrower"),
    _SKOS + "scopeNote": ("使用说明", "scope note"), _SKOS + "example": ("示例", "example"),
    # terms the ontology aligns its classes and properties with
    _SCHEMA + "CategoryCode": ("分类代码", "category code"), _SCHEMA + "mentions": ("提及", "mentions"),
    _SCHEMA + "citation": ("引用", "citation"), _SCHEMA + "hasPart": ("包含部分", "has part"),
    _SCHEMA + "recipient": ("接收者", "recipient"), _SCHEMA + "Event": ("事件 (schema.org)", "event (schema.org)"),
    _SCHEMA + "GovernmentOrganization": ("政府组织 (schema.org)", "government organization (schema.org)"),
    _SCHEMA + "QuantitativeValue": ("数量值 (schema.org)", "quantitative value (schema.org)"),
    _SCHEMA + "Action": ("行动 (schema.org)", "action (schema.org)"),
    _SCHEMA + "Legislation": ("立法文件 (schema.org)", "legislation (schema.org)"),
    _SCHEMA + "AdministrativeArea": ("行政区域 (schema.org)", "administrative area (schema.org)"),
    _SCHEMA + "CreativeWork": ("作品 (schema.org)", "creative work (schema.org)"),
    _SCHEMA + "Report": ("报告 (schema.org)", "report (schema.org)"),
    _DCT + "references": ("引用", "references"), _DCT + "creator": ("创建者", "creator"),
    _DCT + "publisher": ("发布者", "publisher"), _DCT + "spatial": ("地域范围", "spatial coverage"),
    _DCT + "Location": ("地点", "location"), _DCT + "hasPart": ("包含部分", "has part"),
    "http://data.europa.eu/m8g/PublicOrganisation": ("公共组织 (CPOV)", "public organisation (CPOV)"),
    "http://data.europa.eu/m8g/PublicEvent": ("公共活动 (CPEV)", "public event (CPEV)"),
    "http://www.w3.org/ns/org#Organization": ("组织 (ORG)", "organization (ORG)"),
    "http://data.europa.eu/eli/ontology#LegalResource": ("法律资源 (ELI)", "legal resource (ELI)"),
    **{dt: pair for dt, pair in DATATYPE_LABELS.items()},
}


def pick_lang(value: str | None) -> str | None:
    v = (value or "").strip().lower()
    if v.startswith("zh"):
        return "zh"
    if v.startswith("en"):
        return "en"
    return None


def lang_from_header(accept_language: str | None) -> str | None:
    """The interface language an Accept-Language header prefers (RFC 9110 §12.5.4): of zh and en, the one with the
    highest weight (q clamped to 0..1; q=0 refuses); "*" weighs the languages the header does not name; the
    earlier named on a tie, the default before the other for "*". None when it accepts neither."""
    named: dict[str, float] = {}   # zh/en -> weight, in the order named
    star = None
    for tag, q in weighted(accept_language):
        if tag == "*":
            star = q if star is None else max(star, q)
            continue
        lang = pick_lang(tag)
        if lang:
            named[lang] = max(named.get(lang, 0.0), q)
    candidates = list(named.items())
    if star is not None:
        candidates += [(lang, star) for lang in (DEFAULT_LANG, *(x for x in LANGS if x != DEFAULT_LANG))
                       if lang not in named]
    best, best_q = None, 0.0
    for lang, q in candidates:
        if q > best_q:
            best, best_q = lang, q
    return best


def in_lang(pair: tuple[str, str], lang: str) -> str:
    return pair[0 if lang == "zh" else 1]


def genre_name(code: str, lang: str) -> str | None:
    pair = GENRES.get(code)
    return in_lang(pair, lang) if pair else None


def province_name(code: str, lang: str) -> str:
    """'35' or '350200' -> 福建省 (zh) or 福建省 (Fujian) (en): data names stay Chinese, en adds the English name."""
    pair = PROVINCES.get((code or "")[:2])
    if pair is None:
        return (code or "")[:2]
    return pair[0] if lang == "zh" else f"{pair[0]} ({pair[1]})"


def month_day(value: str, lang: str) -> str | None:
    """xsd:gMonthDay '--12-04' -> 12月4日 / 4 December (None if it is not one)."""
    import re
    m = re.fullmatch(r"--(\d\d)-(\d\d)(?:Z|[+-]\d\d:\d\d)?", value or "")
    if not m or not (1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31):
        return None
    mo, d = int(m.group(1)), int(m.group(2))
    return f"{mo}月{d}日" if lang == "zh" else f"{d} {MONTHS_EN[mo - 1]}"


def translator(lang: str):
    i = 0 if lang == "zh" else 1

    def t(key: str) -> str:
        pair = STRINGS.get(key)
        return pair[i] if pair else key
    return t
