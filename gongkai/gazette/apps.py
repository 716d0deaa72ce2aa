from collections.abc import Sequence

from django.apps import AppConfig


class GazetteConfig(AppConfig):
    name = "gongkai.gazette"
    verbose_name = "政府公报与规范性文件"

    def search_tags(self, ids: Sequence[int]) -> dict[int, set[str]]:
        """Hook for `documents.services.search_tags`: documents printed in a published issue
        carry `GAZETTE_TAG` (`/api/v1/search?gazette=1`, gazette-catalog spec §1, §4)."""
        from gongkai.search.interface import GAZETTE_TAG

        from . import selectors

        return {pk: {GAZETTE_TAG} for pk in selectors.printed_among(ids)}
