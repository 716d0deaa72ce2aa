"""Public forms of participation; they work without JavaScript, on a phone.

`website` is a honeypot: hidden from people by CSS, filled in by form-filling robots. The
rules themselves are checked by the services; the forms only carry fields and labels.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .models import Letter
from .services import MAX_COMMENT, MAX_LETTER, clean_comment, clean_letter


class _Public(forms.Form):
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.error_messages["required"] = f"请填写“{f.label}”"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def _service_clean(self, fn: Any, keys: list[str]) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data.update(fn({k: data.get(k) for k in keys}))
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return data


class CommentForm(_Public):
    name = forms.CharField(label="姓名（选填，不公开）", max_length=50, required=False)
    contact = forms.CharField(label="联系方式（选填，不公开）", max_length=100, required=False)
    article = forms.CharField(label="针对的条款（选填）", max_length=100, required=False)
    body = forms.CharField(
        label="意见内容", max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self) -> dict[str, Any]:
        return self._service_clean(clean_comment, ["name", "contact", "article", "body"])


class LetterForm(_Public):
    kind = forms.ChoiceField(
        label="来信类型", choices=Letter.Kind.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(
        label="来信内容", max_length=MAX_LETTER, widget=forms.Textarea(attrs={"rows": 8})
    )
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    email = forms.CharField(label="电子邮箱", max_length=100, required=False)
    consent_publish = forms.BooleanField(
        label="同意在隐去个人信息后公开来信和答复（公开选登）", required=False
    )

    def clean(self) -> dict[str, Any]:
        return self._service_clean(
            clean_letter,
            ["kind", "subject", "content", "name", "phone", "email", "consent_publish"],
        )


class QueryForm(forms.Form):
    tracking_no = forms.CharField(label="信件编号", max_length=32)
    code = forms.CharField(label="查询码", max_length=32)


class RateForm(QueryForm):
    rating = forms.TypedChoiceField(
        label="对答复的评价", coerce=int, choices=Letter.Rating.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="评价理由（不满意时必填）", max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ReopenForm(QueryForm):
    reason = forms.CharField(
        label="重新办理的理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
