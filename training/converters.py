"""URL converters of P2 training."""


class CertificateCodeConverter:
    """A certificate code as someone may type it: letters (either case), digits and dashes, at most 24.
    Anything else (a NUL, a slash, an endless string) is not a certificate URL at all, so it answers 404
    before it can reach the database."""

    regex = "[A-Za-z0-9-]{1,24}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
