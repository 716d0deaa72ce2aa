"""Staff, their roles in organisations, API tokens and failed logins.

Roles (one per person and organisation): 编辑 drafts and edits, 审核 publishes and withdraws,
管理员 manages people and oversees the organisations below it. What each role may do is decided
in `gongkai.accounts.permissions` and nowhere else.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Role(models.TextChoices):
    EDITOR = "editor", "编辑"
    REVIEWER = "reviewer", "审核"
    ADMIN = "admin", "管理员"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="人员",
    )
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="memberships",
        verbose_name="机构",
    )  # fmt: skip
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "岗位"
        verbose_name_plural = "岗位"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A per-user API token. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="人员",
    )
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=12, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginFailure(models.Model):
    """One failed login, counted for the lock-out window."""

    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True, default=timezone.now)
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"
