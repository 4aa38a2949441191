"""Publication of results (发文), electronic title certificates, the public verification, the printable PDFs,
and revocation (seed 000 六(二)、七(三); seed 001 六、七).

Certificate numbers (docs/meetings.md): 15 digits `32 11 YYYY L NNNNNN` — 32 江苏省, 11 镇江市 (administrative
division code 3211), the review (or 初定) cycle's year — a 2024-cycle title published in 2026 is still a 2024
number — the level code (1 员级, 2 助理级, 3 中级, 4 副高级, 5 正高级 = Level.rank) and six digits: a
per-year-and-level counter taken under a row lock (no duplicates), scrambled by a keyed permutation so that a number
says nothing about its neighbours (issue 16).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import unicodedata

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications import permissions as app_perms
from applications import services as app_services
from applications import workflow as wf
from applications.documents import ASSOCIATION, case_cite, cite, current_cite
from applications.eligibility import full_years
from applications.idcard import birth_date
from applications.models import Application, Level, Route, Status
from zhicheng import workdays
from zhicheng.errors import DomainError, NotFound, PermissionDenied, TransitionConflict

from . import pdf, public, services
from .models import Certificate, Publication
from .models_certificates import CertificateSerial

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # one INFO line per table otherwise
S = Status
PROVINCE_CODE = "32"  # 江苏省
CITY_CODE = "11"  # 镇江市 (3211)
MUNICIPAL_OFFICE = "镇江市专业技术人员职称（职业资格）工作领导小组办公室"
# What the public sees when verifying, in this order, with the labels the certificate prints.
PUBLIC_FIELDS = {
    "number": "证书编号",
    "holder_name": "姓名",
    "series": "系列",
    "specialty": "专业",
    "level": "资格级别",
    "qualified_on": "资格取得时间",
    "issuer": "发证机关",
    "document_number": "文号",
    "status": "证书状态",
}


# ---------------------------------------------------------------- publication (发文)


def _is_junior(app: Application) -> bool:
    return app.level.tier == Level.Tier.JUNIOR


def _publication_rule(apps: list) -> str:
    """seed 000 六(二) of the cases' cycle (of the current 评审 cycle for an empty list)."""
    return case_cite(apps[0], "六(二)") if apps else current_cite(Route.REVIEW, "六(二)")


def publication_create(*, actor, document_number: str, date: dt.date, applications, title: str = "") -> Publication:
    """Publish results by a document: 市职称办 for 中级/高级, the local office (the committee office) or
    市职称办 for 下放初级 (seed 000 六(二)). Every case must await publication; each moves to 已发文 and gets its
    e-certificate. All or nothing. Errors: DomainError, PermissionDenied, TransitionConflict."""
    apps = list(applications)
    document_number = (document_number or "").strip()
    if not document_number:
        raise DomainError("document_required", "发文须填写文号", source=_publication_rule(apps))
    if not apps:
        raise DomainError("no_cases", "发文名单不能为空")
    junior = {_is_junior(a) for a in apps}
    if len(junior) != 1:
        raise DomainError("mixed_tiers", "初级与中高级评审结果应分别发文", source=_publication_rule(apps))
    if junior == {True} and len({a.office_id for a in apps}) != 1:
        raise DomainError("mixed_offices", "初级评审结果由各地职称办或下放单位分别发文", source=_publication_rule(apps))
    if Publication.objects.filter(document_number=document_number).exists():
        raise DomainError("document_exists", f"文号 {document_number} 已使用")
    first = apps[0]
    local = junior == {True} and app_perms.can_committee_act(actor, first)
    issuer = first.office.name if local else MUNICIPAL_OFFICE
    with transaction.atomic():
        pub = Publication.objects.create(
            document_number=document_number,
            title=title or f"关于公布{first.cycle_year}年度职称评审结果的通知",
            date=date,
            issuer=issuer,
            tier=first.level.tier,
            created_by=actor,
        )
        for app in apps:
            try:
                app_services.application_publish(application=app, actor=actor, document_number=document_number)
            except DomainError as exc:
                raise type(exc)(exc.code, f"申报 {app.number}：{exc.message}", source=exc.source) from None
        pub.applications.add(*apps)
        for app in apps:
            certificate_issue(application=app)
        public.public_changed_soon()  # the public page lists the 发文 (issue 17: its rendered lists are cached)
    return pub


def initial_approve(*, application: Application, actor, document_number: str = "", date: dt.date | None = None):
    """初定 approval (seed 001 七): the association approves 初级 itself and 中级 goes on to 市职称办, which approves
    it. The final approval needs the document number (发文); it issues the e-certificate. Returns the case."""
    app = Application.objects.select_related("level", "office").get(pk=application.pk)
    if app.route != Route.INITIAL:
        raise DomainError("not_initial", "仅职称初定申报可审批")
    final = app.status == S.MUNICIPAL_APPROVAL or (app.status == S.ASSOCIATION_REVIEW and _is_junior(app))
    document_number = (document_number or "").strip()
    if final and not document_number:
        raise DomainError("document_required", "审批通过须填写发文文号", source=case_cite(app, "七", ASSOCIATION))
    with transaction.atomic():
        if app.status == S.MUNICIPAL_APPROVAL:
            app_services.application_municipal_approve(application=app, actor=actor)
            issuer = MUNICIPAL_OFFICE
        else:
            app_services.application_association_approve(application=app, actor=actor)
            issuer = app.office.name
        app.refresh_from_db()
        if app.status == S.APPROVED:
            date = date or workdays.local_date(timezone.now())
            pub, created = Publication.objects.get_or_create(
                document_number=document_number,
                defaults={"title": f"关于{app.cycle_year}年度专业技术资格初定结果的通知", "date": date,
                          "issuer": issuer, "tier": app.level.tier, "created_by": actor},
            )  # fmt: skip
            if not created and pub.issuer != issuer:
                raise DomainError("document_exists", f"文号 {document_number} 已由{pub.issuer}使用")
            pub.applications.add(app)
            certificate_issue(application=app)
            app.refresh_from_db()
    application.refresh_from_db()
    return app


# ---------------------------------------------------------------- certificates


SERIAL_SPACE = 1_000_000  # six digits


def _scramble(counter: int, tweak: str) -> int:
    """A keyed permutation of 0..999,999 (a 4-round Feistel network on 20 bits, cycle-walked into six digits): each
    counter value gets its own six digits, and one number tells nothing about the next (issue 16: not guessable
    from neighbours). The key is ZHICHENG["CERTIFICATE_NUMBER_KEY"] (by default derived from SECRET_KEY)."""
    key = (settings.ZHICHENG.get("CERTIFICATE_NUMBER_KEY") or f"certificate-number:{settings.SECRET_KEY}").encode()
    x = counter
    while True:
        left, right = x >> 10, x & 0x3FF
        for round_ in range(4):
            digest = hmac.new(key, f"{tweak}:{round_}:{right}".encode(), hashlib.sha256).digest()
            left, right = right, left ^ (int.from_bytes(digest[:2], "big") & 0x3FF)
        x = (left << 10) | right
        if x < SERIAL_SPACE:
            return x


def _next_number(year: int, level: Level) -> str:
    """`32 11 YYYY L` + six scrambled digits of the per-year-and-level counter, taken under a row lock. A number
    already used (only possible after the key changed) is skipped."""
    code = str(level.rank)
    serial, _ = CertificateSerial.objects.select_for_update().get_or_create(year=year, level_code=code)
    prefix = f"{PROVINCE_CODE}{CITY_CODE}{year:04d}{code}"
    while True:
        serial.last += 1
        if serial.last >= SERIAL_SPACE:
            raise DomainError("certificate_numbers_exhausted", f"{year} 年该级别的证书编号已用完")
        number = f"{prefix}{_scramble(serial.last, prefix):06d}"
        if not Certificate.objects.filter(number=number).exists():
            break
    serial.save(update_fields=["last"])
    return number


def certificate_issue(*, application: Application) -> Certificate:
    """The system issues the e-certificate of a published (评审) or approved (初定) case and marks it certified.
    Idempotent: a case that already has its certificate gets the same one back."""
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "series", "specialty", "subspecialty", "level")
            .get(pk=application.pk)
        )
        existing = Certificate.objects.filter(application=app).first()
        if existing is not None:
            return existing
        if app.status not in wf.ACTS["certify"].sources:
            raise TransitionConflict("not_published", f"申报当前为「{app.get_status_display()}」，尚不能发证")
        pub = app.publications.order_by("-date", "-id").first()
        if pub is None:
            raise TransitionConflict("not_published", "该申报尚无发文记录，不能发证")
        specialty = "/".join(x.name for x in (app.specialty, app.subspecialty) if x is not None)
        cert = Certificate.objects.create(
            number=_next_number(app.cycle_year or pub.date.year, app.level),
            application=app,
            holder_name=app.applicant.name,
            series=app.series.name,
            specialty=specialty,
            level=app.level.name,
            qualified_on=pub.date,
            issuer=pub.issuer,
            document_number=pub.document_number,
        )
        app_services.application_certify(application=app, certificate_number=cert.number)
    application.refresh_from_db()
    return cert


def certificate_verify_url(cert: Certificate) -> str:
    """The public verification address of a certificate — what its QR code opens. The one place it is built, so
    a change to how verification identifies a certificate changes the PDF and the pages together. Absolute when
    settings.ZHICHENG["PUBLIC_BASE_URL"] is set (the site's public address), else a path. It carries the number and
    the holder's name — both printed on the certificate next to the code — since verification needs both (issue 16):
    the code tells nobody more than the paper it is printed on."""
    from urllib.parse import urlencode

    from django.urls import reverse

    base = str(settings.ZHICHENG.get("PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{reverse('certificate-verify')}?{urlencode({'number': cert.number, 'name': cert.holder_name})}"


def certificate_public_dict(cert: Certificate) -> dict:
    """Exactly what the certificate prints, nothing more, plus whether it is still valid."""
    return {
        "number": cert.number,
        "holder_name": cert.holder_name,
        "series": cert.series,
        "specialty": cert.specialty,
        "level": cert.level,
        "qualified_on": cert.qualified_on.isoformat(),
        "issuer": cert.issuer,
        "document_number": cert.document_number,
        "status": cert.get_status_display(),
        "valid": cert.status == Certificate.Status.VALID,
    }


def certificate_verify(*, number: str, name: str | None = None) -> dict:
    """Public check by number **and** holder name (issue 16). The answer says 有效 or 已撤销 and shows only what the
    certificate itself shows; an unknown number, a wrong name and a missing name all give the same answer, so the
    check cannot be used to look up who holds a number."""
    number, name = (number or "").strip(), unicodedata.normalize("NFKC", name or "").strip()
    cert = Certificate.objects.filter(number=number).first() if number and name else None
    if cert is None or not hmac.compare_digest(name.encode(), unicodedata.normalize("NFKC", cert.holder_name).encode()):
        raise NotFound("certificate_not_found", "未查到与该证书编号（及姓名）相符的电子职称证书")
    return certificate_public_dict(cert)


def certificate_for_user(*, user, application: Application) -> Certificate:
    """The holder (and the supervisor) may download the certificate PDF."""
    if not (app_perms.is_applicant_of(user, application) or app_perms.is_supervisor(user)):
        raise PermissionDenied("forbidden", "您无权下载该电子证书")
    cert = Certificate.objects.filter(application=application).first()
    if cert is None:
        raise NotFound("no_certificate", "该申报尚未核发电子证书")
    return cert


def certificate_revoke(*, application: Application, actor, finding: str) -> Application:
    """Fraud found (seed 000 七(三)): the title is revoked, its certificate verifies as 已撤销, and the person gets a
    3-year integrity record that blocks every new application (applications.services.application_revoke)."""
    with transaction.atomic():
        app = app_services.application_revoke(application=application, actor=actor, finding=finding)
        now = timezone.now()
        Certificate.objects.filter(application=app, status=Certificate.Status.VALID).update(
            status=Certificate.Status.REVOKED, revoked_at=now
        )
        # A revoked case leaves any publicity it was in: its open objections have nothing left to decide.
        services.publicity_case_stopped(application=app)
    return app


# ---------------------------------------------------------------- the documents as PDF (the toolkit: publicity.pdf)


def certificate_pdf(certificate: Certificate) -> bytes:
    """The e-certificate as an A4 PDF with an embedded Chinese font: what the holder prints (seed 000 六(二))."""
    cert = certificate
    page = pdf.Page()
    page.rect(40, 60, 515, 720)
    page.rect(48, 68, 499, 704)
    page.text(297, 700, "专业技术资格证书", size=30, align="center")
    page.text(297, 672, "（电子证书）", size=14, align="center")
    rows = [
        ("证书编号", cert.number),
        ("姓　　名", cert.holder_name),
        ("系　　列", cert.series),
        ("专　　业", cert.specialty or "—"),
        ("资格级别", cert.level),
        ("资格取得时间", f"{cert.qualified_on:%Y年%m月%d日}"),
        ("发证机关", cert.issuer),
        ("文　　号", cert.document_number),
    ]
    # Every value must stay inside the frame (x 48…547): long ones (the 发证机关 of the schedule, up to
    # 「镇江市专业技术人员职称（职业资格）工作领导小组办公室」) shrink, and wrap onto a second line if need be.
    left, right = 230, 500
    y = 600
    for label, value in rows:
        page.text(110, y, label, size=15)
        width, under = right - left, y - 6
        shown, size = pdf.fitted(value, width, 15, smallest=11)
        if shown == value:
            page.text(left, y, value, size=size)
        else:  # too long even at 11 pt: two lines at 12 pt
            first, *rest = pdf.wrap(value, width, 12)
            page.text(left, y + 4, first, size=12)
            page.text(left, y - 10, pdf.fitted("".join(rest), width, 12)[0], size=12)
            under = y - 14
        page.line(left - 5, under, right, under)
        y -= 44
    statement, size = pdf.fitted(
        f"经评审（认定），{cert.holder_name}具备{cert.series}{cert.level}专业技术资格。", 420, 13
    )
    page.text(250, 200, statement, size=size, align="center")
    issuer, size = pdf.fitted(cert.issuer, 330, 14, smallest=9)
    page.text(250, 160, issuer, size=size, align="center")
    page.text(250, 136, f"{cert.qualified_on:%Y年%m月%d日}", size=13, align="center")
    # The QR code opens this certificate's verification page (certificate_verify_url); revoked ones say so.
    page.qr(440, 96, 92, certificate_verify_url(cert))
    page.text(486, 84, "扫码核验", size=9, align="center")
    rule = case_cite(cert.application, "六(二)")  # the document of the case's own cycle
    page.text(250, 84, f"本证书可扫描二维码或凭证书编号在证书核验页面查询真伪（依据：{rule}）", size=8,
              align="center")  # fmt: skip
    if cert.status == Certificate.Status.REVOKED:
        when = f"于{timezone.localtime(cert.revoked_at):%Y年%m月%d日}" if cert.revoked_at else ""
        page.stamp(297, 244, "已撤销", size=36)
        page.text(297, 642, f"本证书已{when}撤销，不再有效", size=13, align="center")
    return pdf.render([page], f"专业技术资格证书 {cert.number}")


def initial_form_pdf(application: Application) -> bytes:
    """专业技术资格初定申报表 for an approved 初定 case: two copies (seed 001 六 — 一式2份，正反面打印，装订，单位负责人
    签字，单位盖公章，1份存入个人档案，1份自己留存)."""
    app = Application.objects.select_related(
        "applicant", "unit", "series", "specialty", "subspecialty", "level", "office"
    ).get(pk=application.pk)
    if app.route != Route.INITIAL or app.status not in (*wf.ACTS["certify"].sources, *wf.ACTS["certify"].targets):
        raise TransitionConflict("not_approved", "职称初定审批通过后方可打印《专业技术资格初定申报表》")
    p = app.applicant
    edu = p.educations.order_by("-graduated_on").first()
    cert = Certificate.objects.filter(application=app).first()
    try:
        born = f"{birth_date(p.id_number):%Y年%m月}"
    except (ValueError, TypeError):
        born = ""
    gender = ("男" if int(p.id_number[16]) % 2 else "女") if len(p.id_number) == 18 else ""
    specialty = "/".join(x.name for x in (app.specialty, app.subspecialty) if x is not None) or "—"
    rows = [
        ("姓名", p.name, "性别", gender),
        ("出生年月", born, "身份证号", p.id_number),
        ("工作单位", app.unit.name, "", ""),
        (
            "最高学历",
            edu.get_degree_display() if edu else "",
            "毕业时间",
            f"{edu.graduated_on:%Y年%m月}" if edu else "",
        ),
        ("毕业院校", edu.school if edu else "", "所学专业", edu.major if edu else ""),
        ("参加工作时间", f"{p.work_started_on:%Y年%m月}" if p.work_started_on else "", "申报编号", app.number),
        ("申报系列", app.series.name, "初定级别", app.level.name),
        ("申报专业", specialty, "", ""),
        ("审批机关", cert.issuer if cert else "", "文号", cert.document_number if cert else ""),
        ("证书编号", cert.number if cert else "", "取得时间", f"{cert.qualified_on:%Y年%m月%d日}" if cert else ""),
    ]
    pages = []
    for copy, keep in ((1, "存入个人档案"), (2, "本人留存")):
        page = pdf.Page()
        page.text(297, 780, "专业技术资格初定申报表", size=22, align="center")
        page.text(297, 756, f"（{app.cycle_year}年度　第{copy}份，共2份：{keep}）", size=11, align="center")
        top, h = 730, 36
        page.rect(50, top - h * len(rows), 495, h * len(rows))
        for i, (l1, v1, l2, v2) in enumerate(rows):
            y = top - h * (i + 1)
            page.line(50, y, 545, y)
            page.text(58, y + 13, l1, size=11)
            page.text(140, y + 13, v1, size=11)
            page.line(132, y, 132, y + h)
            if l2:
                page.line(330, y, 330, y + h)
                page.line(400, y, 400, y + h)
                page.text(338, y + 13, l2, size=11)
                page.text(406, y + 13, v2, size=10)
        y = top - h * len(rows) - 40
        page.text(58, y, "本人承诺：以上信息及所提交材料真实、准确。", size=11)
        page.text(58, y - 30, "申报人签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日", size=11)
        page.text(58, y - 80, "单位意见：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿", size=11)
        page.text(58, y - 120, "单位负责人签字：＿＿＿＿＿＿　　单位（盖章）　　＿＿＿＿年＿＿月＿＿日", size=11)
        page.text(297, 70, f"一式2份，正反面打印，装订；单位负责人签字、单位盖公章，1份存入个人档案，1份本人留存"
                  f"（{case_cite(app, '六', ASSOCIATION)}）", size=9, align="center")  # fmt: skip
        pages.append(page)
    return pdf.render(pages, f"专业技术资格初定申报表 {app.number}")


# ---------------------------------------------------------------- PDF: the 评审 申报表 (flowing over pages)


def review_form_pdf(application: Application, *, full_id: bool = True) -> bytes:
    """《专业技术资格评审申报表》 of a submitted 评审 case, for the applicant to sign and the unit to stamp, and for
    the reviewers of the case: the case, the applicant's record as the system holds it (education, titles held,
    continuing education, years of work to the cycle's cut-off, seed 000 二(八)(九)), the signed 告知承诺 with its
    time (seed 000 七(三)), and the signature lines. `full_id` False prints the 身份证号 masked.
    Errors: TransitionConflict for a draft (nothing submitted yet); DomainError for a 初定 case (it has its own)."""
    app = Application.objects.select_related(
        "applicant", "unit", "series", "specialty", "subspecialty", "level", "committee", "office", "review_cycle"
    ).get(pk=application.pk)
    if app.route != Route.REVIEW:
        raise DomainError("wrong_route", "职称初定申报请下载《专业技术资格初定申报表》")
    if app.status == S.DRAFT:
        raise TransitionConflict("not_submitted", "申报提交后方可下载《专业技术资格评审申报表》")
    p, cycle = app.applicant, app.review_cycle
    title = "专业技术资格评审申报表"

    def day(value, fmt="%Y年%m月%d日") -> str:
        return f"{value:{fmt}}" if value else ""

    def moment(value) -> str:
        return f"{timezone.localtime(value):%Y年%m月%d日 %H:%M}" if value else ""

    try:
        born = f"{birth_date(p.id_number):%Y年%m月}"
    except (ValueError, TypeError):
        born = ""
    gender = (
        ("男" if int(p.id_number[16]) % 2 else "女") if len(p.id_number) == 18 and p.id_number[16].isdigit() else ""
    )
    work_start = p.work_started_on or p.employed_since
    cutoff = cycle.seniority_cutoff if cycle else None
    years = f"{full_years(work_start, cutoff)}年（计算至{day(cutoff)}）" if work_start and cutoff else ""
    committee = f"{app.committee.label}（{app.committee.area}）" if app.committee_id else ""

    flow = pdf.Flow(title, app.number or "")
    flow.text(title, size=22, x=297, align="center", gap=0)
    flow.text(f"（{cycle.name if cycle else app.cycle_year}）", size=11, x=297, align="center", gap=10)
    flow.space(8)
    flow.heading("一、申报信息")
    four = [0.17, 0.33, 0.17, 0.33]
    flow.grid(
        [
            ["申报编号", app.number or "", "提交时间", moment(app.submitted_at)],
            ["申报系列", app.series.name, "申报级别", app.level.name],
            [
                "大专业",
                app.specialty.name if app.specialty_id else "",
                "小专业",
                app.subspecialty.name if app.subspecialty_id else "",
            ],
            ["评委会", committee],
            ["受理机构", app.office.name if app.office_id else ""],
        ],
        four,
    )
    flow.heading("二、申报人基本情况")
    flow.grid(
        [
            ["姓名", p.name, "性别", gender],
            ["出生年月", born, "身份证号", p.id_number if full_id else p.masked_id_number],
            ["工作单位", app.unit.name],
            ["参加工作时间", day(work_start, "%Y年%m月"), "工作年限", years],
        ],
        four,
    )
    flow.heading("三、学历（学位）")
    educations = [
        [e.get_degree_display(), day(e.graduated_on, "%Y年%m月"), e.school, e.major, "是" if e.relevant else "否"]
        for e in p.educations.order_by("graduated_on", "pk")
    ]
    flow.grid(educations or [["（未填写）"]], [0.2, 0.16, 0.3, 0.24, 0.1],
              header=["学历学位", "毕业时间", "毕业院校", "所学专业", "专业对口"])  # fmt: skip
    flow.heading("四、已取得专业技术资格")
    titles = [
        [
            t.series.name,
            t.level.name,
            day(t.obtained_on),
            t.certificate_number,
            "以考代评" if t.by_exam else "评审/认定",
        ]
        for t in p.titles.select_related("series", "level").order_by("obtained_on", "pk")
    ]
    flow.grid(titles or [["（无）"]], [0.22, 0.14, 0.2, 0.28, 0.16],
              header=["系列", "级别", "取得时间", "证书编号", "取得方式"])  # fmt: skip
    flow.heading("五、继续教育学时")
    hours = [[f"{c.year}年", f"{c.hours}学时"] for c in p.ce_hours.order_by("year")]
    flow.grid(hours or [["（未填写）"]], [0.5, 0.5], header=["年度", "学时"])
    if cycle:
        flow.text(f"考核要求：{cycle.ce_year}年度不少于{cycle.ce_hours}学时（{cite(cycle, '二(九)')}）", size=9.5)
    flow.heading("六、告知承诺")
    flow.paragraph(app.pledge_text or "（未签署告知承诺）")
    if app.pledge_signed_at:
        flow.text(f"申报人已于{moment(app.pledge_signed_at)}在线签署上述承诺。", size=10.5, x=flow.LEFT + 8)
    flow.need(230)  # the signature block stays on one page with its heading
    flow.heading("七、签字与单位意见")
    flow.text("申报人签字：＿＿＿＿＿＿＿＿　　　　日期：＿＿＿＿年＿＿月＿＿日", size=11, gap=18)
    flow.text("单位意见（盖章）：", size=11, gap=22)
    for _ in range(3):
        flow.page.line(flow.LEFT + 8, flow.y - 24, flow.RIGHT - 8, flow.y - 24)
        flow.space(24)
    flow.text("单位负责人签字：＿＿＿＿＿＿＿＿　　单位（盖章）　　＿＿＿＿年＿＿月＿＿日", size=11, gap=26)
    total = len(flow.pages)
    for i, page in enumerate(flow.pages, start=1):
        page.text(
            297,
            48,
            f"申报编号 {app.number or ''}　第{i}页，共{total}页　依据：{case_cite(app)}",
            size=9,
            align="center",
        )
    return pdf.render(flow.pages, f"{title} {app.number or ''}")
