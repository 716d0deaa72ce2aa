"""Public pages of participation (mounted at the site root by gongkai/urls.py), and the staff
dashboard and comment export under /participation/staff/."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("participation/", views.index, name="participation"),
    path("participation/staff/", views.staff_dashboard, name="participation-staff"),
    path(
        "participation/staff/consultations/<int:pk>/comments.<str:fmt>",
        views.export_comments,
        name="participation-export",
    ),
    path("consultations/", views.consultation_list, name="consultations"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path(
        "consultations/<int:pk>/feedback/",
        views.consultation_feedback,
        name="consultation-feedback",
    ),
    path("mailbox/", views.mailbox_index, name="mailbox"),
    path("mailbox/query/", views.letter_query, name="letter-query"),
    path("mailbox/statistics/", views.letter_statistics, name="letter-statistics"),
    path("mailbox/letters/<int:pk>/", views.letter_detail, name="letter"),
    path("mailbox/<slug:code>/write/", views.letter_write, name="letter-write"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
]
