from django.urls import path, register_converter

from ..views import statements as views


class StatementCodeConverter:
    """A statement's code as someone may type it: letters (either case), digits and dashes, at most 24 (as
    `training.converters.CertificateCodeConverter`). Anything else (a NUL, a slash, an endless string) is not a
    statement URL at all, so it answers 404 before it can reach the database."""

    regex = "[A-Za-z0-9-]{1,24}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(StatementCodeConverter, "statement_code")

urlpatterns = [
    path("keuangan/laporan-keuangan/", views.statements, name="statements"),
    path("keuangan/laporan-keuangan/<statement_code:code>/pdf/", views.statement_pdf, name="statement_pdf"),
    # public: a bank checks the code printed on the statements
    path("keuangan/verifikasi/", views.statement_check, name="statement_check"),
    path("keuangan/verifikasi/<statement_code:code>/", views.statement_verify, name="statement_verify"),
]
