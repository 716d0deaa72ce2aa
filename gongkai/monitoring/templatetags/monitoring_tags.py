"""`{% latest_site_report_year %}` for the footer link to the newest published 年度报表 (12号:
published on the homepage)."""

from django import template

from gongkai.monitoring.selectors import public_site_reports

register = template.Library()


@register.simple_tag
def latest_site_report_year() -> int | None:
    report = public_site_reports().first()
    return report.year if report else None
