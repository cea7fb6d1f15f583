from django.urls import path

from ..views import books as views

urlpatterns = [
    path("keuangan/buku-kas/", views.book, name="book"),
    path("keuangan/buku-kas/saldo-awal/", views.opening_balance, name="opening_balance"),
    path("keuangan/buku-kas/<int:pk>/ubah/", views.entry_edit, name="entry_edit"),
    path("keuangan/buku-kas/<int:pk>/hapus/", views.entry_delete, name="entry_delete"),
    path("keuangan/utang-piutang/", views.debts, name="debts"),
    path("keuangan/utang-piutang/<int:pk>/ubah/", views.debt_edit, name="debt_edit"),
    path("keuangan/utang-piutang/<int:pk>/lunas/", views.debt_settle, name="debt_settle"),
    path("keuangan/utang-piutang/<int:pk>/belum-lunas/", views.debt_unsettle, name="debt_unsettle"),
    path("keuangan/utang-piutang/<int:pk>/hapus/", views.debt_delete, name="debt_delete"),
    path("keuangan/peserta/<int:pk>/buku-kas/", views.participant_books, name="participant_books"),
]
