from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("daftar/", views.signup, name="signup"),
    path("daftar/<uidb64>/<token>/", views.confirm_signup, name="confirm_signup"),
    path("klaim/", views.claim_account, name="claim"),
    path("sandi/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("dua-langkah/", views.second_factor, name="second_factor"),
    path("dua-langkah/kode/", views.second_factor_verify, name="second_factor_verify"),
]
