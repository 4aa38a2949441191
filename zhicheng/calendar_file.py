"""Reading a year's holiday arrangement file (README「工作日历」) with a Chinese error per line (issue 15).

YAML's own date resolver turns `2027-13-01` into a crash (ValueError, not a YAMLError); here every scalar stays a
string and carries its line, so each bad date, range, conflict or missing key is reported as 「第 N 行：…」 and the
whole file is refused before anything is written. JSON files are YAML too.
"""

from __future__ import annotations

import datetime as dt

import yaml

from .errors import DomainError

SAMPLE = """\
# 年度放假安排导入文件示例（YAML；JSON 亦可）。日期一律写成 YYYY-MM-DD。
year: 2027
source: 国办发明电〔2026〕X号          # 依据文件，必填
holidays:                              # 放假日：单日或区间
  - {date: 2027-01-01, name: 元旦}
  - {start: 2027-02-06, end: 2027-02-12, name: 春节}
workdays:                              # 调休上班日（周末上班）
  - {date: 2027-02-14, name: 春节调休上班}
"""


class _Str(str):
    line: int = 0


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit dates/numbers: scalars are strings that know their line (1-based)."""


_Loader.yaml_implicit_resolvers = {}


def _scalar(loader, node):
    value = _Str(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    return value


def _mapping(loader, node):
    mapping = {}
    for key_node, value_node in node.value:
        mapping[loader.construct_object(key_node, deep=True)] = loader.construct_object(value_node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_Loader.add_constructor("tag:yaml.org,2002:str", _scalar)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _line(value, default: int = 0) -> int:
    return getattr(value, "line", 0) or (value.get("__line__", default) if isinstance(value, dict) else default)


def calendar_file_parse(raw: bytes) -> dict:
    """The file as the data `workdays.calendar_import_year` takes (dates as `date`s, no line marks).
    Errors: DomainError `calendar_bad_file` listing every problem with its line, in `fields["lines"]` too."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError("calendar_bad_file", "文件须为 UTF-8 编码的 YAML 或 JSON 文本") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 — a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第 {mark.line + 1} 行：" if mark else ""
        raise DomainError("calendar_bad_file", f"{where}文件不是有效的 YAML/JSON（{_problem(exc)}）") from None
    except yaml.YAMLError:
        raise DomainError("calendar_bad_file", "文件不是有效的 YAML/JSON") from None
    problems: list[tuple[int, str]] = []
    if not isinstance(data, dict):
        raise DomainError("calendar_bad_file", "放假安排文件须包含 year（年份）和 source（依据文件）")
    year = None
    raw_year = data.get("year")
    if raw_year is None:
        problems.append((1, "缺少 year（年份）"))
    elif not (str(raw_year).isdigit() and 2000 <= int(raw_year) <= 2100):
        problems.append((_line(raw_year, 1), f"year「{raw_year}」不是 2000～2100 之间的年份"))
    else:
        year = int(raw_year)
    source = str(data.get("source") or "").strip()
    if not source:
        problems.append((_line(data.get("source"), 1), "缺少 source（依据文件），如 国办发明电〔2026〕X号"))
    out = {"year": year, "source": source, "holidays": [], "workdays": []}
    seen: dict[dt.date, tuple[str, int]] = {}
    for field, label in (("holidays", "放假日"), ("workdays", "调休上班日")):
        items = data.get(field) or []
        if not isinstance(items, list):
            problems.append((_line(items, data["__line__"]), f"{field}（{label}）须是列表"))
            continue
        for item in items:
            line = _line(item)
            if not isinstance(item, dict):
                problems.append(
                    (line, f"{field} 的每一项须写成 {{date: YYYY-MM-DD, name: 名称}} 或 {{start: …, end: …}}")
                )
                continue
            name = str(item.get("name") or "")
            if "date" in item:
                first = last = _date(item["date"], line, problems)
            elif "start" in item and "end" in item:
                first, last = _date(item["start"], line, problems), _date(item["end"], line, problems)
                if first and last and last < first:
                    problems.append((line, f"日期区间 {first}～{last} 起止颠倒"))
                    continue
            else:
                problems.append((line, f"{field} 的一项缺少 date，或缺少 start/end"))
                continue
            if first is None or last is None:
                continue
            d = first
            while d <= last:
                if year is not None and d.year != year:
                    problems.append((line, f"{d} 不属于 {year} 年"))
                    break
                if d in seen:
                    other_field, other_line = seen[d]
                    what = "同时被列为放假日和调休工作日" if other_field != field else "重复出现"
                    problems.append((line, f"{d} {what}（另见第 {other_line} 行）"))
                else:
                    seen[d] = (field, line)
                    out[field].append({"date": d, "name": name})
                d += dt.timedelta(days=1)
    if problems:
        problems.sort(key=lambda p: p[0])
        lines = [f"第 {n} 行：{m}" if n else m for n, m in problems]
        raise DomainError(
            "calendar_bad_file", "放假安排文件有误，未导入任何内容：" + "；".join(lines), fields={"lines": lines}
        )
    return out


def _date(value, line: int, problems: list) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append((_line(value, line), f"日期「{value}」无效（应为 YYYY-MM-DD 格式的真实日期）"))
        return None


def _problem(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").lower()
    if "mapping" in problem or "expected" in problem:
        return "缩进或冒号不正确"
    if "tab" in problem:
        return "不能用 Tab 缩进"
    if "found" in problem:
        return "含有无法识别的字符"
    return "语法错误"
