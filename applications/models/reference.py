"""Reference data about the review itself (loaded from data/reference by `load_reference_data`). The organisations
people work for live in the `organisations` app."""

from django.conf import settings
from django.db import models

from organisations.models import CommitteeOffice, Region


class Level(models.Model):
    class Tier(models.TextChoices):
        JUNIOR = "初级", "初级"
        INTERMEDIATE = "中级", "中级"
        SENIOR = "高级", "高级"

    code = models.SlugField("代码", unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    tier = models.CharField("层级", max_length=10, choices=Tier.choices)
    rank = models.PositiveSmallIntegerField("序位", unique=True)

    class Meta:
        verbose_name = "职称级别"
        verbose_name_plural = "职称级别"
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Series(models.Model):
    name = models.CharField("系列名称", max_length=50, unique=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    source = models.CharField("出处", max_length=100)
    comprehensive_engineering = models.BooleanField("属综合工程", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "职称系列"
        verbose_name_plural = "职称系列"
        ordering = ["order"]

    def __str__(self):
        return self.name


class Specialty(models.Model):
    series = models.ForeignKey(Series, models.CASCADE, related_name="specialties", verbose_name="系列")
    name = models.CharField("大专业", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "大专业"
        verbose_name_plural = "大专业"
        ordering = ["series__order", "order"]
        constraints = [models.UniqueConstraint(fields=["series", "name"], name="uniq_specialty_per_series")]

    def __str__(self):
        return f"{self.series.name}/{self.name}"


class Subspecialty(models.Model):
    specialty = models.ForeignKey(Specialty, models.CASCADE, related_name="subspecialties", verbose_name="大专业")
    name = models.CharField("小专业", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "小专业"
        verbose_name_plural = "小专业"
        ordering = ["specialty__series__order", "specialty__order", "order"]
        constraints = [models.UniqueConstraint(fields=["specialty", "name"], name="uniq_sub_per_specialty")]

    def __str__(self):
        return f"{self.specialty}/{self.name}"


class ReviewCycle(models.Model):
    year = models.PositiveIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    seniority_cutoff = models.DateField("资历截止日期")
    ce_year = models.PositiveIntegerField("继续教育考核年度")
    ce_hours = models.PositiveIntegerField("继续教育学时要求")
    intermediate_deadline = models.DateField("中级评审完成期限")
    source = models.CharField("依据文件", max_length=100)
    rules = models.JSONField("申报条件规则数据", default=dict, blank=True)
    is_demo = models.BooleanField(
        "演示年度", default=False, help_text="仅供演示：复制某年度的规则与安排表，时间移至当年"
    )

    class Meta:
        verbose_name = "评审年度"
        verbose_name_plural = "评审年度"
        ordering = ["-year"]

    def __str__(self):
        return self.name


class InitialCycle(models.Model):
    year = models.PositiveIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    start = models.DateField("申报开始")
    end = models.DateField("申报截止")
    source = models.CharField("依据文件", max_length=100)
    office = models.ForeignKey(CommitteeOffice, models.PROTECT, verbose_name="受理协会")
    series = models.ManyToManyField(Series, verbose_name="受理系列")
    rules = models.JSONField("初定规则数据", default=dict, blank=True)
    is_demo = models.BooleanField("演示年度", default=False)

    class Meta:
        verbose_name = "初定年度"
        verbose_name_plural = "初定年度"
        ordering = ["-year"]

    def __str__(self):
        return self.name


class Committee(models.Model):
    """One line of the annex: a committee's acceptance for one 受理地, with its office, levels and window(s)."""

    cycle = models.ForeignKey(ReviewCycle, models.CASCADE, related_name="committees", verbose_name="评审年度")
    row = models.PositiveSmallIntegerField("序号")
    entry = models.PositiveSmallIntegerField("行内序号", default=1)
    label = models.CharField("受理专业", max_length=200)
    area = models.CharField("受理地", max_length=50)
    regions = models.ManyToManyField(Region, verbose_name="覆盖地区")
    levels = models.ManyToManyField(Level, verbose_name="受理级别")
    series = models.ManyToManyField(Series, verbose_name="受理系列")
    accepts = models.JSONField("受理范围", default=list, help_text="[{series, specialties}]，specialties 为空表示全部")
    by_notice = models.BooleanField("依据文件时间申报", default=False)
    office = models.ForeignKey(CommitteeOffice, models.PROTECT, related_name="committees", verbose_name="受理单位机构")
    phones = models.JSONField("联系电话", default=list)
    remarks = models.CharField("备注", max_length=300, blank=True)
    exclusions = models.JSONField("排除条款", default=list, blank=True)
    inherited_from_row = models.PositiveSmallIntegerField("合并单元格沿用行", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    pass_threshold = models.DecimalField(
        "通过票数比例", max_digits=4, decimal_places=3, default="0.667", help_text="默认为到会专家的三分之二"
    )

    class Meta:
        verbose_name = "评委会受理安排"
        verbose_name_plural = "评委会受理安排"
        ordering = ["cycle", "row", "entry"]
        constraints = [models.UniqueConstraint(fields=["cycle", "row", "entry"], name="uniq_committee_line")]

    def __str__(self):
        return f"{self.row}. {self.label}（{self.area}）— {self.office.name}"


class ApplicationWindow(models.Model):
    committee = models.ForeignKey(Committee, models.CASCADE, related_name="windows", verbose_name="评委会")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    source = models.CharField("依据", max_length=200)
    document_number = models.CharField("发布文号", max_length=100, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, verbose_name="发布人"
    )

    class Meta:
        verbose_name = "网络申报时间"
        verbose_name_plural = "网络申报时间"
        ordering = ["committee", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="window_end_after_start"),
            models.UniqueConstraint(fields=["committee", "start", "end"], name="uniq_window"),
        ]

    def __str__(self):
        return f"{self.start:%Y-%m-%d}～{self.end:%Y-%m-%d}"
