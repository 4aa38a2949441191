"""Publication of results (发文, seed 000 六(二); seed 001 七) and the electronic title certificates.

Imported by publicity/models.py so that Django registers these models in the publicity app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from applications.models import Application, Level


class Publication(models.Model):
    """A document (文号, date, list) by which results become official: 市职称办 for 中级/高级, the local office or
    下放 unit for 初级 (seed 000 六(二)); for 初定, the association (初级) or 市职称办 (中级) (seed 001 七)."""

    document_number = models.CharField("文号", max_length=100, unique=True)
    title = models.CharField("文件标题", max_length=200)
    date = models.DateField("发文日期")
    issuer = models.CharField("发文机关", max_length=200)
    tier = models.CharField("层级", max_length=10, choices=Level.Tier.choices)
    applications = models.ManyToManyField(Application, related_name="publications", verbose_name="公布名单")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="发文人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "评审结果发文"
        verbose_name_plural = "评审结果发文"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.document_number} {self.title}"


class CertificateSerial(models.Model):
    """The last serial used per year and level code; locked while a number is taken (no gaps, no duplicates)."""

    year = models.PositiveIntegerField("年度")
    level_code = models.CharField("级别代码", max_length=2)
    last = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = "证书流水号"
        verbose_name_plural = "证书流水号"
        constraints = [models.UniqueConstraint(fields=["year", "level_code"], name="uniq_certificate_serial")]

    def __str__(self):
        return f"{self.year}-{self.level_code}: {self.last}"


class Certificate(models.Model):
    """电子职称证书. Only what is printed on it is ever shown to the public (certificate_verify)."""

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        REVOKED = "revoked", "已撤销"

    number = models.CharField("证书编号", max_length=20, unique=True)
    application = models.OneToOneField(Application, models.PROTECT, related_name="certificate", verbose_name="申报")
    holder_name = models.CharField("持证人", max_length=50)
    series = models.CharField("系列", max_length=50)
    specialty = models.CharField("专业", max_length=200, blank=True)
    level = models.CharField("资格级别", max_length=20)
    qualified_on = models.DateField("资格取得时间")
    issuer = models.CharField("发证机关", max_length=200)
    document_number = models.CharField("文号", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField("发证时间", auto_now_add=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "电子职称证书"
        verbose_name_plural = "电子职称证书"
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.number} {self.holder_name}"
