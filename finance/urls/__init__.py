"""P6's pages, one list per area (each next to its views module's name), under one namespace."""

from . import books, imports, records, statements

app_name = "finance"
urlpatterns = [*records.urlpatterns, *books.urlpatterns, *imports.urlpatterns, *statements.urlpatterns]
