from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("forum/", views.post_list, name="list"),
    path("forum/tulis/", views.post_new, name="new"),
    path("forum/<int:pk>/", views.post_detail, name="detail"),
    path("forum/<int:pk>/dukung/", views.post_support, name="support"),
    path("forum/<int:pk>/batal-dukung/", views.post_withdraw_support, name="withdraw_support"),
    path("forum/<int:pk>/jawab/", views.post_answer, name="answer"),
    path("forum/<int:pk>/moderasi/", views.post_moderate, name="moderate"),
]
