"""Static files: whitenoise's compressed, hashed storage, lenient where collectstatic has not run
(tests, a first `make run` mid-setup) so a missing manifest entry falls back to the plain name."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
