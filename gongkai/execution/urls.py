"""Public pages of execution disclosure (mounted at the site root by gongkai/urls.py) and the
staff overdue board at /execution/staff/."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("execution/", views.hub, name="execution"),
    path("execution/staff/", views.staff_board, name="execution-staff"),
    path("execution/tasks/", views.task_list, name="execution-tasks"),
    path("execution/tasks/<int:pk>/", views.task_detail, name="execution-task"),
    path("execution/inspections/", views.inspection_list, name="execution-inspections"),
    path("execution/inspections/<int:pk>/", views.inspection_detail, name="execution-inspection"),
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/overview/<int:year>/", views.proposal_overview, name="proposal-overview"),
    path(
        "proposals/overview/<int:year>.<str:fmt>",
        views.proposal_overview,
        name="proposal-overview-file",
    ),
    path("response/", views.event_list, name="responses"),
    path("response/<int:pk>/", views.event_detail, name="response"),
    path("press/", views.press_list, name="press"),
    path("press/<int:pk>/", views.press_detail, name="press-conference"),
    path("interviews/", views.interview_list, name="interviews"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview"),
    path("interviews/<int:pk>/ask/", views.interview_ask, name="interview-ask"),
]
