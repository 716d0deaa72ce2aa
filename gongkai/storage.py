"""Static files: whitenoise's compressed, hashed storage, lenient where collectstatic has not run
(tests, development): an unknown file falls back to its plain name, served by whitenoise's finders."""

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: Any, force: bool = False) -> str:
        # the manifest is read once at start, so a name's URL is fixed for the process (every
        # page asks for the same few; the lookup and quoting cost ~50 µs each)
        key = (name, settings.DEBUG)  # DEBUG serves plain names
        if force or (url := self._urls.get(key)) is None:
            try:
                url = super().url(name, force)
            except ValueError:
                url = StaticFilesStorage.url(self, name)
            if not force:
                self._urls[key] = url
        return url
