from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role memberships (applications.RoleMembership)."""

    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def save(self, *args, **kwargs):
        password_changed = self._password is not None  # set_password() ran since the last save
        super().save(*args, **kwargs)
        if password_changed:  # every API token dies with the old password (sessions do too: Django's auth hash)
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user_id=self.pk).delete()

    @property
    def display_name(self) -> str:
        return f"{self.last_name}{self.first_name}" or self.username


class CalendarYear(models.Model):
    """A year whose official arrangement was imported: its days are final even where the library has no data."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField("依据文件", max_length=200)
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "已导入的年度放假安排"
        verbose_name_plural = "已导入的年度放假安排"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年（{self.source}）"


class CalendarDay(models.Model):
    """An override of one day: a holiday or an adjusted (调休) workday, with the document it comes from."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("名称", max_length=100, blank=True, help_text="如：国庆节、国庆节调休上班")
    source = models.CharField("依据文件", max_length=200)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'工作日' if self.is_workday else '休息日'} {self.name}"


class Notification(models.Model):
    """An in-app message telling a person what happened and what they must do next."""

    recipient = models.ForeignKey(User, models.CASCADE, related_name="notifications", verbose_name="接收人")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title
