"""Static files: whitenoise's compressed, hashed storage, lenient where collectstatic has not run
(tests, development): an unknown file falls back to its plain name, served by whitenoise's finders."""

from typing import Any

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def url(self, name: Any, force: bool = False) -> str:
        try:
            return super().url(name, force)
        except ValueError:
            return StaticFilesStorage.url(self, name)
