"""Storage for personal documents: on disk outside any served folder, with no URL at all."""

from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """A file here is reachable only through a view that checks who asks; asking for its URL is a bug."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")
