"""Which rows of execution disclosure the public may see (spec response.md, "Never public"):
the one definition, read by `selectors` (pages, API, sitemap) and by `services` (search entries),
so that a page and its search entry can never disagree. Imports models only.

- tasks: of published plans; 督查: concluded (never the working notes, which no page reads);
- opinion events: with at least one response (never the internal notes);
- press conferences and interviews: published; questions only once moderated (已审核).
"""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from .models import (
    Inspection,
    Interview,
    OpinionEvent,
    Plan,
    PressConference,
    Question,
    Response,
    Task,
    TaskReport,
)


def public_task_rows() -> QuerySet[Task]:
    """Every public task (its plan published) with what its page shows, in no order."""
    return (
        Task.objects.filter(plan__status=Plan.Status.PUBLISHED)
        .select_related("plan", "plan__org", "category", "lead_org")
        .prefetch_related(
            "co_orgs",
            Prefetch("reports", TaskReport.objects.select_related("org").order_by("on", "id")),
        )
    )


def public_inspections() -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(concluded_on__isnull=False)
        .select_related("org")
        .prefetch_related("findings", "accountability")
        .order_by("-concluded_on", "-id")
    )


def public_events() -> QuerySet[OpinionEvent]:
    has_response = Response.objects.filter(event=OuterRef("pk"))
    return (
        OpinionEvent.objects.filter(Exists(has_response))
        .select_related("org")
        .prefetch_related(Prefetch("responses", Response.objects.order_by("at", "id")))
        .order_by("-detected_at", "-id")
    )


def public_press(year: int | None = None) -> QuerySet[PressConference]:
    qs = PressConference.objects.filter(status=PressConference.Status.PUBLISHED).select_related(
        "org"
    )
    if year:
        qs = qs.filter(held_at__year=year)
    return qs.order_by("-held_at", "-id")


def public_interviews() -> QuerySet[Interview]:
    approved = Question.objects.filter(status=Question.Status.APPROVED).order_by("id")
    return (
        Interview.objects.filter(status=Interview.Status.PUBLISHED)
        .select_related("org")
        .prefetch_related(Prefetch("questions", approved, to_attr="public_questions"))
        .order_by("-starts_at", "-id")
    )
