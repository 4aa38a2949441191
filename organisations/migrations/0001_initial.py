# The organisations move out of `applications` (issue 12 item 5) without touching their rows: the tables keep their
# `applications_*` names, so this migration only records the models in this app's state. The one database change is
# OrgEvent's append-only triggers, whose pgtrigger ids follow the app label; applications 0011 drops the old pair.

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("applications", "0010_merge_scale_people_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CommitteeOffice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="名称")),
                        ("phones", models.JSONField(default=list, verbose_name="联系电话")),
                        ("address", models.CharField(blank=True, max_length=200, verbose_name="地址")),
                        ("is_association", models.BooleanField(default=False, verbose_name="协会（办理初定）")),
                    ],
                    options={
                        "verbose_name": "评委会办事机构",
                        "verbose_name_plural": "评委会办事机构",
                        "db_table": "applications_committeeoffice",
                    },
                ),
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(unique=True, verbose_name="代码")),
                        ("name", models.CharField(max_length=50, unique=True, verbose_name="名称")),
                        (
                            "areas",
                            models.JSONField(
                                default=list,
                                help_text="申报计划安排表中覆盖本地区的受理地名称",
                                verbose_name="所属受理地",
                            ),
                        ),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
                    ],
                    options={
                        "verbose_name": "地区",
                        "verbose_name_plural": "地区",
                        "db_table": "applications_region",
                        "ordering": ["order"],
                    },
                ),
                migrations.CreateModel(
                    name="Department",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="名称")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("industry", "行业主管部门"), ("hrss", "人社部门")],
                                max_length=20,
                                verbose_name="类型",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="organisations.region",
                                verbose_name="地区",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "主管部门",
                        "verbose_name_plural": "主管部门",
                        "db_table": "applications_department",
                    },
                ),
                migrations.CreateModel(
                    name="Unit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, unique=True, verbose_name="单位名称")),
                        (
                            "short_name",
                            models.CharField(
                                blank=True,
                                help_text="用于匹配申报计划安排表的“本企业”排除条款，如：索普集团",
                                max_length=100,
                                verbose_name="简称/所属集团",
                            ),
                        ),
                        ("credit_code", models.CharField(blank=True, max_length=18, verbose_name="统一社会信用代码")),
                        (
                            "ownership",
                            models.CharField(
                                choices=[
                                    ("enterprise", "企业"),
                                    ("public_institution", "事业单位"),
                                    ("social_org", "社会组织"),
                                    ("hr_agency", "人事代理机构"),
                                ],
                                max_length=30,
                                verbose_name="单位性质",
                            ),
                        ),
                        ("is_private_enterprise", models.BooleanField(default=False, verbose_name="民营企业")),
                        (
                            "state",
                            models.CharField(
                                choices=[("pending", "待主管部门确认"), ("confirmed", "已确认")],
                                default="confirmed",
                                max_length=20,
                                verbose_name="登记状态",
                            ),
                        ),
                        ("address", models.CharField(blank=True, max_length=200, verbose_name="地址")),
                        ("contact_phone", models.CharField(blank=True, max_length=30, verbose_name="联系电话")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="确认时间")),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="确认人",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="units",
                                to="organisations.department",
                                verbose_name="主管部门",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="organisations.region",
                                verbose_name="地区",
                            ),
                        ),
                        (
                            "registered_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="登记人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "用人单位",
                        "verbose_name_plural": "用人单位",
                        "db_table": "applications_unit",
                    },
                ),
                migrations.CreateModel(
                    name="RoleMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("applicant", "申报人"),
                                    ("unit_reviewer", "用人单位审核人"),
                                    ("unit_admin", "单位管理员"),
                                    ("unit_hr", "单位/人事代理机构人事经办人"),
                                    ("dept_reviewer", "行业主管部门/人社部门审核人"),
                                    ("committee_clerk", "评委会办事机构经办人"),
                                    ("association_clerk", "协会经办人"),
                                    ("supervisor", "市职称办监管人员"),
                                    ("system", "系统"),
                                ],
                                max_length=30,
                                verbose_name="角色",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="organisations.department",
                                verbose_name="主管部门",
                            ),
                        ),
                        (
                            "office",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="organisations.committeeoffice",
                                verbose_name="办事机构/协会",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="roles",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="用户",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="organisations.unit",
                                verbose_name="所在单位",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "角色授权",
                        "verbose_name_plural": "角色授权",
                        "db_table": "applications_rolemembership",
                    },
                ),
                migrations.CreateModel(
                    name="OrgEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("actor_name", models.CharField(blank=True, max_length=100, verbose_name="操作人姓名")),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("applicant_registered", "申报人注册"),
                                    ("profile_updated", "修改个人信息"),
                                    ("unit_registered", "单位注册"),
                                    ("unit_confirmed", "主管部门确认单位"),
                                    ("unit_imported", "批量导入单位"),
                                    ("staff_imported", "批量导入单位职工"),
                                    ("department_created", "新增主管部门"),
                                    ("office_saved", "维护办事机构/协会"),
                                    ("role_granted", "授予角色"),
                                    ("role_revoked", "撤销角色"),
                                    ("window_published", "发布网络申报时间"),
                                    ("integrity_recorded", "记入诚信档案"),
                                    ("demo_cycle", "建立演示年度"),
                                ],
                                max_length=40,
                                verbose_name="操作",
                            ),
                        ),
                        ("target_type", models.CharField(max_length=40, verbose_name="对象类型")),
                        ("target_id", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="对象编号")),
                        ("target_label", models.CharField(blank=True, max_length=200, verbose_name="对象")),
                        ("data", models.JSONField(blank=True, default=dict, verbose_name="内容")),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="操作人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "组织与角色变更记录",
                        "verbose_name_plural": "组织与角色变更记录",
                        "db_table": "applications_orgevent",
                        "ordering": ["-id"],
                        "indexes": [
                            models.Index(fields=["target_type", "target_id"], name="application_target__7e4ae4_idx")
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="unit",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("credit_code", ""), _negated=True),
                        fields=("credit_code",),
                        name="uniq_unit_credit_code",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="rolemembership",
                    constraint=models.UniqueConstraint(
                        fields=("user", "role", "unit", "department", "office"), name="uniq_role_membership"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="rolemembership",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("role__in", ["unit_reviewer", "unit_admin", "unit_hr"]), ("unit__isnull", False)),
                            models.Q(("department__isnull", False), ("role", "dept_reviewer")),
                            models.Q(("office__isnull", False), ("role__in", ["committee_clerk", "association_clerk"])),
                            ("role__in", ["applicant", "supervisor"]),
                            _connector="OR",
                        ),
                        name="role_scope_matches",
                    ),
                ),
            ],
            database_operations=[],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="orgevent",
            trigger=pgtrigger.compiler.Trigger(
                name="org_event_append_only_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="537cd365360ac0cefab80b2c26248284f0d00b41",
                    operation="UPDATE",
                    pgid="pgtrigger_org_event_append_only_update_12240",
                    table="applications_orgevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="orgevent",
            trigger=pgtrigger.compiler.Trigger(
                name="org_event_append_only_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;",
                    hash="13006d657596f7ca46b74691c1b5bc54938b542f",
                    operation="DELETE",
                    pgid="pgtrigger_org_event_append_only_delete_d122f",
                    table="applications_orgevent",
                    when="BEFORE",
                ),
            ),
        ),
    ]
