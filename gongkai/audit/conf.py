"""Where the audit head goes outside the database, and the HMAC-SM3 key (settings `GONGKAI_AUDIT_*`)."""

import os
from logging.handlers import SysLogHandler
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_BYTES = 16


def audit_key() -> bytes | None:
    """The HMAC-SM3 key from GONGKAI_AUDIT_KEY or GONGKAI_AUDIT_KEY_FILE; None when neither is set."""
    if settings.GONGKAI_AUDIT_KEY:
        key = settings.GONGKAI_AUDIT_KEY.encode()
    elif settings.GONGKAI_AUDIT_KEY_FILE:
        try:
            # one trailing newline is what `echo key > file` adds, not part of the key
            key = Path(settings.GONGKAI_AUDIT_KEY_FILE).read_bytes().removesuffix(b"\n")
        except OSError as exc:
            raise ImproperlyConfigured(
                f"无法读取审计密钥文件 GONGKAI_AUDIT_KEY_FILE：{exc}"
            ) from exc
    else:
        return None
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(f"审计密钥太短：至少 {MIN_KEY_BYTES} 字节")
    return key


def head_file() -> Path | None:
    return Path(settings.GONGKAI_AUDIT_HEAD_FILE) if settings.GONGKAI_AUDIT_HEAD_FILE else None


def syslog_address() -> str | tuple[str, int] | None:
    """A unix socket path or a (host, UDP port) pair; None when syslog export is off."""
    value = settings.GONGKAI_AUDIT_SYSLOG.strip()
    if value in ("", "0"):
        return None
    if value == "1":
        return "/dev/log" if os.path.exists("/dev/log") else ("localhost", 514)
    if value.startswith("/"):
        return value
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise ImproperlyConfigured("GONGKAI_AUDIT_SYSLOG 应为 1、主机:端口 或套接字路径")
    return host.strip("[]"), int(port)


def syslog_facility() -> int:
    name = settings.GONGKAI_AUDIT_SYSLOG_FACILITY
    if name not in SysLogHandler.facility_names:
        raise ImproperlyConfigured(f"GONGKAI_AUDIT_SYSLOG_FACILITY “{name}”不是 syslog 设施名")
    return SysLogHandler.facility_names[name]


def exporting() -> bool:
    return head_file() is not None or syslog_address() is not None
