"""Public pages of the lists under /lists/ (mounted at the site root by gongkai/urls.py), and the
staff board /lists/staff/."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("lists/", views.index, name="lists"),
    path("lists/staff/", views.staff_board, name="lists-staff"),
    path("lists/powers/", views.power_list, name="lists-powers"),
    path("lists/powers.csv", views.powers_csv, name="lists-powers-csv"),
    path("lists/powers.xlsx", views.powers_xlsx, name="lists-powers-xlsx"),
    path("lists/powers/<str:code>/", views.power_detail, name="lists-power"),
    path("lists/adjustments/", views.adjustment_list, name="lists-adjustments"),
    path("lists/services/", views.service_list, name="lists-services"),
    path("lists/guides/<str:impl_code>/", views.guide_detail, name="lists-guide"),
    path("lists/guides/<str:impl_code>/print/", views.guide_print, name="lists-guide-print"),
    path("lists/intermediaries/", views.intermediary_list, name="lists-intermediaries"),
]
