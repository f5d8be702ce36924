from django.urls import path

from motcua.catalog import views

app_name = "catalog"
urlpatterns = [
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
]
