"""UI strings in Chinese and English. Data labels are chosen by language tag elsewhere (service.pick_label)."""
from __future__ import annotations

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
    "dumps": ("数据下载", "Dumps"),
    "ontology": ("本体", "Ontology"),
    "catalog": ("数据目录 (DCAT)", "Catalog (DCAT)"),
    "void": ("数据集描述 (VoID)", "Dataset description (VoID)"),
    "search": ("搜索", "Search"),
    "search_placeholder": ("按名称搜索（可输入部分中文）", "Search labels (Chinese substrings work)"),
    "results": ("结果", "Results"),
    "no_results": ("没有结果。", "No results."),
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
}

# Labels of standard terms that the ontology graph does not describe (it documents them, not redeclares them).
_RDF, _RDFS, _DCT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#", "http://purl.org/dc/terms/"
_SKOS, _SCHEMA, _OA = "http://www.w3.org/2004/02/skos/core#", "https://schema.org/", "http://www.w3.org/ns/oa#"
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
    _OA + "Annotation": ("标注", "Annotation"), _OA + "SpecificResource": ("特定资源", "specific resource"),
    _OA + "TextQuoteSelector": ("引文选择器", "text quote selector"),
    _OA + "TextPositionSelector": ("位置选择器", "text position selector"),
    "http://www.w3.org/ns/prov#wasGeneratedBy": ("生成于", "was generated by"),
}


def pick_lang(value: str | None) -> str | None:
    v = (value or "").strip().lower()
    if v.startswith("zh"):
        return "zh"
    if v.startswith("en"):
        return "en"
    return None


def translator(lang: str):
    i = 0 if lang == "zh" else 1

    def t(key: str) -> str:
        pair = STRINGS.get(key)
        return pair[i] if pair else key
    return t
