"""The public question form of an online interview (/interviews/<id>/ask/); it works without
JavaScript. The rules (plain text, lengths, the interview being open) are the service's."""

from typing import Any

from django import forms

from .services import MAX_ASKER, MAX_CONTACT, MAX_QUESTION


class QuestionForm(forms.Form):
    name = forms.CharField(label="姓名（选填，不公开）", required=False,
                           widget=forms.TextInput(attrs={"maxlength": MAX_ASKER, "autocomplete": "name"}))  # fmt: skip
    contact = forms.CharField(label="联系方式（选填，不公开）", required=False,
                              widget=forms.TextInput(attrs={"maxlength": MAX_CONTACT}))  # fmt: skip
    question = forms.CharField(
        label="您的问题",
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_QUESTION}),
        help_text=f"不超过 {MAX_QUESTION} 字；问题经审核后公开显示，姓名和联系方式不公开。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].error_messages["required"] = "请填写“您的问题”"
