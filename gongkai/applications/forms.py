"""The public application form (依申请公开, Art. 29) and the progress lookup; no JavaScript needed.

`website` is a honeypot: hidden from people by CSS, filled in by form-filling robots.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from gongkai.organizations.models import Organization

from .models import APPLICANT_TYPE_CHOICES, Application
from .services import MAX_DESCRIPTION, clean_applicant


class ApplicationForm(forms.Form):
    org = forms.ModelChoiceField(
        label="向哪个机关申请", queryset=Organization.objects.none(), empty_label="请选择机关"
    )
    applicant_type = forms.ChoiceField(
        label="申请人类型", choices=APPLICANT_TYPE_CHOICES, widget=forms.RadioSelect
    )
    name = forms.CharField(label="姓名或单位名称", max_length=100)
    id_type = forms.ChoiceField(label="证件类型", choices=Application.IdType.choices)
    id_number = forms.CharField(label="证件号码", max_length=40)
    legal_rep = forms.CharField(
        label="法定代表人（法人或其他组织填写）", max_length=50, required=False
    )
    contact_person = forms.CharField(
        label="联系人（法人或其他组织填写）", max_length=50, required=False
    )
    phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.CharField(label="电子邮箱", max_length=100, required=False)
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False)
    description = forms.CharField(
        label="所需政府信息的名称、文号或者便于查询的其他特征性描述",
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    purpose = forms.CharField(
        label="用途（选填）",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form = forms.ChoiceField(
        label="信息的指定提供形式", choices=Application.Form.choices, widget=forms.RadioSelect
    )
    delivery = forms.ChoiceField(
        label="获取信息的方式", choices=Application.Delivery.choices, widget=forms.RadioSelect
    )
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organization.objects.filter(is_active=True)  # type: ignore[attr-defined]
        for f in self.fields.values():
            f.error_messages.setdefault("required", "此项必填")
            f.error_messages["required"] = f"请填写“{f.label}”" if f.label else "此项必填"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        payload = {k: v for k, v in data.items() if k not in ("org", "website")}
        try:
            data.update(clean_applicant(payload))
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                self.add_error(field if field in self.fields else None, msgs)
        return data


class ProgressForm(forms.Form):
    tracking_no = forms.CharField(label="申请编号", max_length=32)
    code = forms.CharField(label="查询码", max_length=32)
