"""Bounds of the integer query parameters every list endpoint takes, declared in the schema so
that the OpenAPI states them and an out-of-range value is a 422, not a database error (audit F9:
`offset=9223372036854775808` overflowed SQLite's integer)."""

from typing import Annotated

from pydantic import Field

PAGE_MAX = 1_000_000
OFFSET_MAX = 1_000_000_000
SIZE_MAX = 1_000

PageNo = Annotated[int, Field(ge=1, le=PAGE_MAX, description="页码，从 1 起")]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX, description="跳过的条数")]
Size = Annotated[int, Field(ge=1, le=SIZE_MAX, description="每页条数")]
