"""The forms of an import of transactions: the file sent, and the decision on a checked file (core.forms)."""

from django.utils.translation import gettext_lazy as _

from core.forms import ImportDecisionForm as BaseImportDecisionForm
from core.forms import SpreadsheetUploadForm

from .. import importing


class ImportUploadForm(SpreadsheetUploadForm):
    file_label = _("File of transactions")
    max_bytes = importing.MAX_FILE_BYTES


class ImportDecisionForm(BaseImportDecisionForm):
    pass
