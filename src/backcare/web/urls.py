from django.contrib.auth import views as auth_views
from django.urls import path

from backcare.web.views import (
    clients,
    clinic,
    drafts,
    intakes,
    links,
    pages,
    public,
    reports,
    sessions,
)

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("setup/", pages.setup, name="setup"),
    path("clients/", clients.client_list, name="clients"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("alerts/acknowledge/", pages.alert_acknowledge, name="alert_acknowledge"),
    path("clients/<int:client_id>/", clients.client_page, name="client"),
    path("clients/<int:client_id>/details/", clients.client_edit, name="client_edit"),
    path(
        "clients/<int:client_id>/intakes/<int:version>/",
        intakes.intake_version,
        name="intake_version",
    ),
    path("clients/<int:client_id>/intake/", intakes.intake_new, name="intake_new"),
    path("clients/<int:client_id>/link/", links.link_new, name="link_new"),
    path(
        "clients/<int:client_id>/links/<int:link_id>/revoke/",
        links.link_revoke,
        name="link_revoke",
    ),
    path("clients/<int:client_id>/drafts/<int:draft_id>/", drafts.draft_page, name="draft"),
    path(
        "clients/<int:client_id>/drafts/<int:draft_id>/review/",
        drafts.draft_review,
        name="draft_review",
    ),
    path(
        "clients/<int:client_id>/drafts/<int:draft_id>/discard/",
        drafts.draft_discard,
        name="draft_discard",
    ),
    path(
        "clients/<int:client_id>/assessments/<int:assessment_id>/",
        clients.assessment_page,
        name="assessment",
    ),
    path("clients/<int:client_id>/plan/", clients.plan_edit, name="plan_edit"),
    path("clients/<int:client_id>/self-care/", clients.selfcare_guide, name="selfcare"),
    path("clients/<int:client_id>/sessions/new/", sessions.session_new, name="session_new"),
    path(
        "clients/<int:client_id>/sessions/<int:session_id>/",
        sessions.session_page,
        name="session",
    ),
    path("clients/<int:client_id>/report/", reports.report_page, name="progress_report_page"),
    path("clients/<int:client_id>/report.pdf", reports.report_pdf, name="progress_report"),
    path("clients/<int:client_id>/clearances/new/", clients.clearance_new, name="clearance_new"),
    path(
        "clients/<int:client_id>/clearances/<int:clearance_id>/document/",
        clients.clearance_document,
        name="clearance_document",
    ),
    path("i/<str:token>/", links.self_intake, name="self_intake"),
    path("check/", public.self_check, name="self_check"),
    path("knowledge/", pages.knowledge, name="knowledge"),
    path("knowledge/<str:kind>/", pages.knowledge_kind, name="knowledge_kind"),
    path("knowledge/<str:kind>/<str:entry_id>/", pages.knowledge_entry, name="knowledge_entry"),
    path("audit/", pages.audit_log, name="audit"),
    path("clinic/settings/", clinic.settings_page, name="clinic_settings"),
]
