from django.db import models


class Role(models.TextChoices):
    APPLICANT = "applicant", "申报人"
    UNIT_REVIEWER = "unit_reviewer", "用人单位审核人"
    UNIT_ADMIN = "unit_admin", "单位管理员"
    UNIT_HR = "unit_hr", "单位/人事代理机构人事经办人"
    DEPT_REVIEWER = "dept_reviewer", "行业主管部门/人社部门审核人"
    COMMITTEE_CLERK = "committee_clerk", "评委会办事机构经办人"
    ASSOCIATION_CLERK = "association_clerk", "协会经办人"
    SUPERVISOR = "supervisor", "市职称办监管人员"
    SYSTEM = "system", "系统"
