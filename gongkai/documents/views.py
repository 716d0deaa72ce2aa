"""Attachment downloads (the public pages themselves are in gongkai.portal).

Attachments are served through this view, never as static media, so that the file of a draft,
withdrawn or non-public item cannot be fetched by guessing its address.
"""

from django.http import FileResponse, Http404, HttpRequest

from gongkai.accounts import permissions

from .models import Attachment


def attachment(request: HttpRequest, attachment_id: int, name: str) -> FileResponse:
    att = Attachment.objects.select_related("document").filter(pk=attachment_id).first()
    if att is None:
        raise Http404
    public = att.is_public and att.document.is_public
    if not public and not permissions.can(
        request.user, permissions.Action.VIEW, att.document.org_id
    ):
        raise Http404
    response = FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not public:
        response["Cache-Control"] = "private, no-store"
    return response
