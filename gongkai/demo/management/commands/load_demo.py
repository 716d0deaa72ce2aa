"""`gongkai load_demo`: the demo city and a platform administrator with a generated password.

Idempotent: a second run changes nothing. No default password exists anywhere: every demo
password is generated here and printed once."""

import secrets
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.accounts import services as accounts
from gongkai.accounts.models import User
from gongkai.accounts.permissions import SYSTEM
from gongkai.demo import generator


class Command(BaseCommand):
    help = "载入演示数据（示范市）并创建平台管理员，密码随机生成，只显示一次"

    def handle(self, *args: Any, **options: Any) -> None:
        if not User.objects.filter(is_superuser=True).exists():
            password = "Gk-" + secrets.token_urlsafe(16)
            admin = User(username="admin", full_name="平台管理员", is_staff=True, is_superuser=True)
            admin.set_password(password)
            accounts.save_user(by=SYSTEM, user=admin)
            self.stdout.write("=" * 60)
            self.stdout.write(f"平台管理员  用户名：admin  密码：{password}")
            self.stdout.write(
                "（只显示这一次，请妥善保存；忘记时用 gongkai changepassword admin 重设）"
            )
            self.stdout.write("=" * 60)
        else:
            self.stdout.write("平台管理员已存在（密码在首次运行时显示过）。")
        if not generator.build(out=self.stdout.write):
            self.stdout.write("演示数据已存在，未作改动。")
