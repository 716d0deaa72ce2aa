"""Password complexity (等级保护 2.0: 身份鉴别 — 口令具有复杂度要求)."""

from typing import Any

from django.core.exceptions import ValidationError

CLASSES = {
    "大写字母": str.isupper,
    "小写字母": str.islower,
    "数字": str.isdigit,
    "符号": lambda c: not c.isalnum(),
}


class ComplexityValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = [name for name, test in CLASSES.items() if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"
