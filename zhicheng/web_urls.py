"""Page routes (issue 8: web workbench)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from applications import people_views
from applications import views as application_views
from operations import views as calendar_views
from publicity import views as publicity_views
from review import meeting_views
from review import views as review_views

from . import views

urlpatterns: list = [
    path("", review_views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("notifications/", application_views.notifications, name="notifications"),
    # password reset by e-mail (Django's views, Chinese templates)
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # people and organisations (issue 13)
    path("register/", people_views.register, name="register"),
    path("profile/", people_views.profile_page, name="profile"),
    path("profile/<int:pk>/", people_views.profile_page, name="staff-profile"),
    path("organisations/", people_views.organisations, name="organisations"),
    path("units/", people_views.units_page, name="units"),
    path("units/register/", people_views.unit_register_page, name="unit-register"),
    path("units/import/", people_views.units_import_view, name="units-import"),
    path("units/templates/<slug:which>.xlsx", people_views.import_template, name="import-template"),
    path("units/<int:pk>/", people_views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/confirm/", people_views.unit_confirm_view, name="unit-confirm"),
    path("windows/", people_views.windows_public, name="windows-public"),
    path("windows/publish/", people_views.windows_publish, name="windows-publish"),
    path("integrity/new/", people_views.integrity_new, name="integrity-new"),
    path("cases/<int:pk>/veto/", people_views.fraud_veto, name="fraud-veto"),
    # applicant
    path("my/", application_views.my_cases, name="my-cases"),
    path("apply/", application_views.application_new, name="application-new"),
    path("apply/specialties/", application_views.cascade_specialties, name="cascade-specialties"),
    path("apply/subspecialties/", application_views.cascade_subspecialties, name="cascade-subspecialties"),
    path("cases/<int:pk>/", application_views.case_detail, name="case-detail"),
    path("cases/<int:pk>/upload/", application_views.material_upload_view, name="material-upload"),
    path(
        "cases/<int:pk>/materials/<int:material_pk>/delete/",
        application_views.material_delete_view,
        name="material-delete",
    ),
    path("cases/<int:pk>/submit/", application_views.application_submit_view, name="application-submit"),
    path("cases/<int:pk>/resubmit/", application_views.application_resubmit_view, name="application-resubmit"),
    path("cases/<int:pk>/withdraw/", application_views.application_withdraw_view, name="application-withdraw"),
    path("cases/<int:pk>/reopen/", application_views.application_reopen_view, name="application-reopen"),
    path("materials/<int:pk>/download/", application_views.material_download, name="material-download"),
    path("materials/<int:pk>/view/", application_views.material_view, name="material-view"),
    # reviewers and supervisor
    path("inbox/", review_views.inbox, name="inbox"),
    path("inbox/batch/", review_views.inbox_batch, name="inbox-batch"),
    path("inbox/paper/", review_views.paper_receipt, name="paper-receipt"),
    path("cases/<int:pk>/act/<slug:action>/", review_views.case_act, name="case-act"),
    path("objections/<int:pk>/decide/", review_views.objection_decide, name="objection-decide"),
    path("dashboard/", review_views.dashboard, name="dashboard"),
    path("meetings/", meeting_views.meetings, name="meetings"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/act/<slug:action>/", meeting_views.meeting_act, name="meeting-act"),
    path("experts/", meeting_views.expert_pools, name="expert-pools"),
    path("experts/pools/<int:pk>/act/<slug:action>/", meeting_views.expert_pool_act, name="expert-pool-act"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/sample.yaml", calendar_views.calendar_sample, name="calendar-sample"),
    path("integrity/", review_views.integrity_archive, name="integrity"),
    # public
    path("gongshi/", publicity_views.public_publicity, name="public-publicity"),
    path("gongshi/<int:entry_pk>/objection/", publicity_views.objection_new, name="objection-new"),
    path("gongshi/objection/thanks/", publicity_views.objection_thanks, name="objection-thanks"),
    path("gongshi/objection/status/", publicity_views.objection_status, name="objection-status-lookup"),
    path("gongshi/objection/status/<str:receipt>/", publicity_views.objection_status, name="objection-status"),
    path("verify/", publicity_views.certificate_verify, name="certificate-verify"),
    path("cases/<int:pk>/form.pdf", publicity_views.application_form_pdf, name="application-form-pdf"),
    path("cases/<int:pk>/certificate.pdf", publicity_views.certificate_pdf, name="certificate-pdf"),
]
