from django.urls import path

from . import views

app_name = "capital"
urlpatterns = [
    # participants (a referral's page: also their mentor and agency staff)
    path("permodalan/", views.readiness, name="readiness"),
    path("permodalan/produk/<slug:code>/", views.product, name="product"),
    path("permodalan/produk/<slug:code>/ajukan/", views.referral_create, name="referral_create"),
    path("permodalan/rujukan/", views.referrals, name="referrals"),
    path("permodalan/rujukan/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("permodalan/rujukan/<int:pk>/tarik/", views.referral_withdraw, name="referral_withdraw"),
    # mentors of the participant's kecamatan and agency staff
    path("permodalan/antrean/", views.queue, name="queue"),
    path("permodalan/rujukan/<int:pk>/kirim/", views.referral_send, name="referral_send"),
    path("permodalan/peserta/<int:pk>/", views.participant, name="participant"),
    # agency staff
    path("permodalan/angka/", views.figures, name="figures"),
]
