"""Material uploads: PDF only, recognised by content, stored under server-generated names (seed 001 五(三))."""

from __future__ import annotations

import hashlib
import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.workdays import local_date

from . import permissions as perms
from .models import Application, Material, Route, Status

SOURCE = "镇技协〔2024〕1号 五(三)"
EDITABLE = (Status.DRAFT, Status.CORRECTION)


def _clean_name(name: str) -> str:
    """Keep only the last path component and printable characters; the name is shown, never used as a path."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return (base or "材料.pdf")[:200]


def inspect_pdf(data: bytes) -> int:
    """The page count of a readable, unencrypted PDF; DomainError otherwise."""
    limit = settings.ZHICHENG["MATERIAL_MAX_BYTES"]
    if not data:
        raise DomainError("empty_file", "上传的文件为空", source=SOURCE)
    if len(data) > limit:
        raise DomainError(
            "file_too_large",
            f"文件大小 {len(data) / 1048576:.1f} MB 超过上限 {limit / 1048576:.0f} MB",
            source=SOURCE,
        )
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise DomainError("not_pdf", "仅支持 PDF 格式的材料：该文件内容不是 PDF（与扩展名无关）", source=SOURCE)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise DomainError("encrypted_pdf", "PDF 文件已加密或设有密码，请上传未加密的文件", source=SOURCE)
        pages = len(reader.pages)
        if pages:
            reader.pages[0].extract_text()
    except DomainError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError):
        raise DomainError("unreadable_pdf", "PDF 文件已损坏或不完整，无法打开", source=SOURCE) from None
    if pages < 1:
        raise DomainError("unreadable_pdf", "PDF 文件没有任何页面", source=SOURCE)
    return pages


def material_upload(*, application: Application, actor, kind: str, name: str, data: bytes) -> Material:
    """Add one PDF to a case in draft or correction. Refused files leave the case and its other files untouched."""
    if kind not in Material.Kind.values:
        raise DomainError("bad_kind", "材料类别不正确", fields={"kind": ["材料类别不正确"]})
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=application.pk)
        if not perms.is_applicant_of(actor, app):
            raise PermissionDenied("forbidden", "只有申报人本人可以上传材料")
        if app.status not in EDITABLE:
            raise TransitionConflict("wrong_state", f"申报处于「{app.get_status_display()}」环节，不能上传材料")
        pages = inspect_pdf(data)
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
        if not perms.is_applicant_of(actor, app):
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
    return perms.can_view(user, material.application)
