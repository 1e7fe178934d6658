from django.urls import path

from . import views

urlpatterns = [
    path("strategies/<int:pk>/reviews/", views.review_list, name="review_list"),
    path("strategies/<int:pk>/reviews/new/", views.review_open, name="review_open"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/invite/", views.review_invite, name="review_invite"),
    path("reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("reviews/<int:pk>/respond/", views.review_respond, name="review_respond"),
    path("review-comments/<int:pk>/resolve/", views.review_comment_resolve, name="review_comment_resolve"),
    path("strategies/<int:pk>/status/<str:target>/", views.strategy_transition, name="strategy_transition"),
    path("strategies/<int:pk>/new-version/", views.strategy_new_version, name="strategy_new_version"),
    path("strategies/<int:pk>/compare/", views.strategy_compare, name="strategy_compare"),
    path("strategies/<int:pk>/history/<str:kind>/<int:obj_pk>/", views.record_history, name="record_history"),
]
