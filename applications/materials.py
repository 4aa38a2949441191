"""Material uploads: PDF only, recognised by content, stored under server-generated names (seed 001 五(三))."""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
import time
import uuid
import zlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.workdays import local_date

from . import permissions as perms
from . import workflow as wf
from .models import Application, Material, Route
from .selectors import application_list

SOURCE = "镇技协〔2024〕1号 五(三)"
EDITABLE = wf.APPLICANT_EDITS  # where the applicant may add or remove files


def _clean_name(name: str) -> str:
    """Keep only the last path component and printable characters; the name is shown, never used as a path."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return (base or "材料.pdf")[:200]


# Active content a reviewer's PDF viewer could run or follow: refused with the rule named (issue 16). Nothing is
# re-rendered: the applicant prints the document to a plain PDF again (every office suite and scanner can).
ACTIVE_RULES = {
    "javascript": "不得含有 JavaScript 脚本",
    "launch": "不得含有启动外部程序的动作（/Launch）",
    "uri": "不得含有外部链接动作（/URI）",
    "submit": "不得含有表单提交或数据导入动作（/SubmitForm、/ImportData）",
    "embedded": "不得含有嵌入的文件或附件（/EmbeddedFile）",
    "richmedia": "不得含有多媒体或 Flash 内容（/RichMedia）",
    "html": "不得含有 HTML 或脚本代码",
    "appended": "文件结尾（%%EOF）之后不得附加其他内容（如 ZIP 压缩包）",
}
_ACTION_RULES = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/URI": "uri",
    "/SubmitForm": "submit",
    "/ImportData": "submit",
    "/GoToR": "launch",
    "/GoToE": "embedded",
    "/RichMediaExecute": "richmedia",
}
_KEY_RULES = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/EmbeddedFiles": "embedded",
    "/EmbeddedFile": "embedded",
    "/RichMedia": "richmedia",
    "/RichMediaContent": "richmedia",
}
_TYPE_RULES = {"/EmbeddedFile": "embedded", "/Filespec": "embedded", "/RichMedia": "richmedia"}
_SUBTYPE_RULES = {"/FileAttachment": "embedded", "/RichMedia": "richmedia", "/Screen": "richmedia"}
# Long tags only: random bytes of a compressed stream practically never spell them.
_HTML = re.compile(rb"<(?:html|script|iframe)\b|<!doctype\s+html", re.IGNORECASE)
_ZIP_MARKERS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x01\x02")


def _refuse(code: str, message: str) -> DomainError:
    return DomainError(code, message, source=SOURCE, fields={"file": [message]})


def _active(rule: str) -> DomainError:
    message = f"为保护审核人员，PDF 材料{ACTIVE_RULES[rule]}（规则：{rule}）。请将文件重新「打印为 PDF」后上传"
    return DomainError("pdf_active_content", message, source="本系统材料安全规则", fields={"file": [message]})


def _scan_bytes(data: bytes) -> None:
    """Checks on the raw bytes, before any parsing: polyglots and HTML a browser could sniff."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _refuse("unreadable_pdf", "PDF 文件不完整（缺少文件结尾 %%EOF），可能上传中断，请重新上传")
    if data[end + 5 :].strip(b" \t\r\n\x00\x0c"):
        raise _active("appended")
    tail = data[-65_600:]
    if any(marker in tail for marker in _ZIP_MARKERS[1:]) or data.startswith(b"PK\x03\x04"):
        raise _active("appended")
    if _HTML.search(data):
        raise _active("html")


def _active_rule(top: DictionaryObject) -> str | None:
    """The first active-content rule a dictionary (or a dictionary nested in it, not behind a reference) breaks."""
    stack = [top]
    while stack:
        obj = stack.pop()
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _KEY_RULES:
                    return _KEY_RULES[key]
                if isinstance(value, DictionaryObject | ArrayObject):
                    stack.append(value)
            for key, table in (("/S", _ACTION_RULES), ("/Type", _TYPE_RULES), ("/Subtype", _SUBTYPE_RULES)):
                value = obj.get(key)
                if isinstance(value, NameObject) and value in table:
                    return table[value]
        elif isinstance(obj, ArrayObject):
            stack.extend(v for v in obj if isinstance(v, DictionaryObject | ArrayObject))
    return None


def _inflated_size(raw: bytes, allowed: int, ratio: int) -> int | None:
    """Bytes a Flate stream inflates to, counted 1 MB at a time and thrown away; None beyond `allowed`, or as soon
    as more than 16 MB came out at over `ratio` times the input consumed so far (a bomb is found early)."""
    inflater, size, rest = zlib.decompressobj(), 0, raw
    try:
        while rest:
            size += len(inflater.decompress(rest, 1 << 20))
            rest = inflater.unconsumed_tail
            if size > allowed or (size > 16 << 20 and size > ratio * (len(raw) - len(rest))):
                return None
    except zlib.error:
        pass  # a damaged image stream is the viewer's concern; a damaged structure fails the parse
    return size


def _analyse(data: bytes, limits: dict) -> dict:
    """Runs in a child process (see inspect_pdf): parse, count, check every object. Returns a plain dict."""
    deadline = time.monotonic() + limits["seconds"]
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return {"error": "encrypted"}
    root = reader.trailer["/Root"].get_object()
    declared = int(root["/Pages"].get_object().get("/Count", 0))
    if declared > limits["pages"]:
        return {"error": "too_many_pages", "pages": declared}
    inflated = pages = seen = 0
    numbers = [(num, gen) for gen, table in reader.xref.items() for num in table]
    numbers += [(num, 0) for num in reader.xref_objStm]
    for num, gen in numbers:
        seen += 1
        if seen > limits["objects"]:
            return {"error": "too_many_objects"}
        if seen % 256 == 0 and time.monotonic() > deadline:
            return {"error": "timeout"}
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if not isinstance(obj, DictionaryObject):
            continue
        rule = _active_rule(obj)
        if rule:
            return {"error": "active", "rule": rule}
        if obj.get("/Type") == "/Page":
            pages += 1
            if pages > limits["pages"]:
                return {"error": "too_many_pages", "pages": pages}
        if isinstance(obj, StreamObject):
            filters = obj.get("/Filter")
            first = filters[0] if isinstance(filters, list) and filters else filters
            raw = getattr(obj, "_data", b"") or b""
            if first == "/FlateDecode":
                # One stream may inflate up to `ratio` times its size (16 MB at least): bombs go ~1000:1.
                allowed = min(limits["inflated"] - inflated, max(16 << 20, limits["ratio"] * len(raw)))
                size = _inflated_size(raw, allowed, limits["ratio"])
                if size is None:
                    return {"error": "inflated"}
                inflated += size
            else:
                inflated += len(raw)
    if pages < 1 and declared < 1:
        return {"error": "no_pages"}
    return {"pages": declared or pages}


def _analyse_in_child(data: bytes, limits: dict) -> dict:
    """A parser stuck on a hostile file is killed at the time budget: it never holds a web worker for long."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child():
        try:
            result = _analyse(data, limits)
        except (RecursionError, LimitReachedError):
            result = {"error": "too_complex"}
        except Exception as exc:  # every pypdf error, LimitReachedError included, is a refusal, never a 500
            result = {"error": "unreadable", "why": type(exc).__name__}
        try:
            send.send(result)
        finally:
            os._exit(0)

    process = ctx.Process(target=child, daemon=False)
    process.start()
    send.close()
    try:
        if receive.poll(limits["seconds"]):
            return receive.recv()
        return {"error": "timeout"}
    except EOFError:  # the child died (memory, a crash in a C extension)
        return {"error": "unreadable", "why": "crashed"}
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(1)


def inspect_pdf(data: bytes) -> int:
    """The page count of a readable, unencrypted PDF without active content; DomainError (400) otherwise.

    Cheap byte checks first, then the parse in a child process within `MATERIAL_PARSE_SECONDS`, with caps on pages,
    objects and inflated stream size. No text is extracted. Call it outside any row lock."""
    cfg = settings.ZHICHENG
    limit = cfg["MATERIAL_MAX_BYTES"]
    if not data:
        raise _refuse("empty_file", "上传的文件为空")
    if len(data) > limit:
        raise _refuse("file_too_large", f"文件大小 {len(data) / 1048576:.1f} MB 超过上限 {limit / 1048576:.0f} MB")
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise _refuse("not_pdf", "仅支持 PDF 格式的材料：该文件内容不是 PDF（与扩展名无关）")
    _scan_bytes(data)
    limits = {
        "pages": cfg["MATERIAL_MAX_PAGES"],
        "objects": cfg["MATERIAL_MAX_OBJECTS"],
        "inflated": cfg["MATERIAL_MAX_INFLATED_BYTES"],
        "ratio": cfg["MATERIAL_MAX_INFLATE_RATIO"],
        "seconds": cfg["MATERIAL_PARSE_SECONDS"],
    }
    result = _analyse_in_child(data, limits)
    error = result.get("error")
    if error is None:
        return int(result["pages"])
    if error == "active":
        raise _active(result["rule"])
    if error == "encrypted":
        raise _refuse("encrypted_pdf", "PDF 文件已加密或设有密码，请上传未加密的文件")
    if error == "too_many_pages":
        raise _refuse("too_many_pages", f"PDF 材料不得超过 {limits['pages']} 页（该文件为 {result['pages']} 页）")
    if error == "too_many_objects":
        raise _refuse("pdf_too_complex", f"PDF 文件结构过于复杂（超过 {limits['objects']} 个对象），请压缩或拆分后上传")
    if error == "too_complex":
        raise _refuse("pdf_too_complex", "PDF 文件结构超出检查上限（数组、嵌套或数据流过大），请重新生成或拆分后上传")
    if error == "inflated":
        raise _refuse(
            "pdf_inflated_too_large",
            f"PDF 内容解压后过大（单个数据流超过其大小的 {limits['ratio']} 倍，或合计超过 "
            f"{limits['inflated'] / 1048576:.0f} MB，疑似压缩炸弹），不予接收",
        )
    if error == "timeout":
        raise _refuse("pdf_too_slow", f"PDF 文件无法在 {limits['seconds']:g} 秒内完成检查，请重新生成后上传")
    if error == "no_pages":
        raise _refuse("unreadable_pdf", "PDF 文件没有任何页面")
    raise _refuse("unreadable_pdf", "PDF 文件已损坏或不完整，无法打开")


def _check_can_upload(actor, app: Application) -> None:
    if not perms.can_fill_draft(actor, app):
        raise PermissionDenied("forbidden", "只有申报人本人或其单位人事经办人可以上传材料")
    if app.status not in EDITABLE:
        raise TransitionConflict("wrong_state", f"申报处于「{app.get_status_display()}」环节，不能上传材料")


def material_upload(*, application: Application, actor, kind: str, name: str, data: bytes) -> Material:
    """Add one PDF to a case in draft or correction. Refused files leave the case and its other files untouched."""
    if kind not in Material.Kind.values:
        raise DomainError("bad_kind", "材料类别不正确", fields={"kind": ["材料类别不正确"]})
    _check_can_upload(actor, Application.objects.select_related("applicant").get(pk=application.pk))
    pages = inspect_pdf(data)  # outside the row lock: a slow file never blocks the case (issue 16)
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=application.pk)
        _check_can_upload(actor, app)
        material = Material(
            application=app,
            kind=kind,
            original_name=_clean_name(name),
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            pages=pages,
            uploaded_by=actor,
        )
        material.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
        try:  # a failed insert must not leave the stored file behind
            material.save()
        except Exception:
            material.file.delete(save=False)
            raise
    return material


def material_delete(*, material: Material, actor) -> None:
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant")
            .get(pk=material.application_id)
        )
        if not perms.can_fill_draft(actor, app):
            raise PermissionDenied("forbidden", "只有申报人本人可以删除材料")
        if app.status not in EDITABLE:
            raise TransitionConflict("wrong_state", f"申报处于「{app.get_status_display()}」环节，不能删除材料")
        storage, path = material.file.storage, material.file.name
        material.delete()
        transaction.on_commit(lambda: storage.delete(path))


def review_material_items(application: Application) -> list[dict]:
    """The 评审 materials list of the case's cycle (rules["materials"], per series and level): each item is
    {code, label, kinds, source}, satisfied by a file of any of its kinds. Empty when the cycle lists none."""
    cycle = application.review_cycle if application.review_cycle_id else None
    conf = ((cycle.rules if cycle is not None else None) or {}).get("materials") or {}
    level, series = application.level.name, application.series.name
    codes = (conf.get("by_series") or {}).get(series, {}).get(level)
    if codes is None:
        codes = (conf.get("by_level") or {}).get(level, [])
    items = []
    for code in codes:
        item = (conf.get("items") or {}).get(code) or {"kinds": [code], "label": Material.Kind(code).label}
        if item.get("unless") == "young_talent_direct" and application.young_talent_direct:
            continue
        items.append({"code": code, "label": item.get("label", code), "kinds": list(item.get("kinds", [code])),
                      "source": item.get("source", "")})  # fmt: skip
    return items


def materials_source(application: Application) -> str:
    """The source to cite when materials are missing at submission."""
    if application.route == Route.INITIAL:
        return SOURCE
    return "；".join(dict.fromkeys(i["source"] for i in review_material_items(application) if i["source"]))


def required_kinds(application: Application) -> list[str]:
    """The 初定 list of seed 001 五(三); which items apply depends on the applicant. (评审: see
    `review_material_items`, where an item may be met by one of several kinds.)"""
    if application.route != Route.INITIAL:
        return [i["kinds"][0] for i in review_material_items(application)]
    profile = application.applicant
    kinds = [Material.Kind.UNIT_CONSENT, Material.Kind.DIPLOMA, Material.Kind.WORK_SUMMARY]
    on = local_date(application.submitted_at or timezone.now())
    employed_a_year = profile.employed_since is not None and (on - profile.employed_since).days >= 365
    if profile.is_public_institution_staff and employed_a_year:
        kinds.append(Material.Kind.ANNUAL_APPRAISAL)
    if not profile.social_security_queryable:
        kinds.append(Material.Kind.SOCIAL_SECURITY)
    return kinds


def missing_materials(application: Application) -> list[str]:
    """Labels of the required items with no file yet (初定: seed 001 五(三); 评审: the cycle's materials list)."""
    have = set(application.materials.values_list("kind", flat=True))
    if application.route != Route.INITIAL:
        return [i["label"] for i in review_material_items(application) if not have.intersection(i["kinds"])]
    return [Material.Kind(k).label for k in required_kinds(application) if k not in have]


def can_download(user, material: Material) -> bool:
    """Through the same selector as the API's material list (issue 16): a reviewer never sees a draft's files."""
    visible = application_list(user=user).filter(pk=material.application_id).exists()
    return visible and perms.can_view(user, material.application)
