"""Forms of the public 有条件开放 pages and the staff upload page. The rules live in the
services; these forms only shape the input. `website` is a honeypot: hidden from people by
CSS, filled in by form-filling robots."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .services import MAX_ACCESS_DAYS


class AccessForm(forms.Form):
    applicant_name = forms.CharField(label="申请人姓名", max_length=50)
    applicant_org = forms.CharField(label="申请单位", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30)
    email = forms.EmailField(
        label="电子邮箱", required=False, error_messages={"invalid": "请输入有效的电子邮箱"}
    )
    purpose = forms.CharField(
        label="使用用途", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text="说明用于什么研究或服务、是否对外发布、如何保护数据",
    )  # fmt: skip
    days = forms.IntegerField(
        label="申请使用期限（天）", min_value=1, max_value=MAX_ACCESS_DAYS, initial=180,
        error_messages={"min_value": f"使用期限应为 1–{MAX_ACCESS_DAYS} 天",
                        "max_value": f"使用期限应为 1–{MAX_ACCESS_DAYS} 天",
                        "invalid": "使用期限应为天数"},
    )  # fmt: skip
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("applicant_name", "phone", "purpose"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["applicant_name"].widget.attrs.update({"autocomplete": "name"})

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class AccessLookupForm(forms.Form):
    tracking_no = forms.CharField(label="申请编号", max_length=32)
    code = forms.CharField(label="查询码", max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tracking_no"].error_messages["required"] = "请填写申请编号"
        self.fields["code"].error_messages["required"] = "请填写查询码"
        self.fields["code"].widget.attrs.update({"autocomplete": "off"})


class UploadForm(forms.Form):
    file = forms.FileField(
        label="表格文件", help_text="CSV、XLSX 或 JSON；UTF-8 或 GBK 编码自动识别；首行为字段名",
        error_messages={"required": "请选择要上传的文件", "empty": "文件为空"},
    )  # fmt: skip


class NewResourceForm(forms.Form):
    name = forms.CharField(
        label="资源名称", max_length=200, error_messages={"required": "请填写资源名称"}
    )
