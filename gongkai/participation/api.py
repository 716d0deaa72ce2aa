"""API routes of this app (mounted under /api/v1/ by gongkai/api.py)."""

from ninja import Router

router = Router()
