from django.urls import path

from catalogue import views as catalogue_views

from . import views

app_name = "standards"

urlpatterns = [
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("drafts/<int:pk>/edit/", views.draft_edit, name="draft_edit"),
    path("drafts/<int:pk>/versions/", views.version_new, name="version_new"),
    path("drafts/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path(
        "drafts/<int:pk>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("drafts/<int:pk>/diff/", views.diff, name="diff"),
    path("drafts/<int:pk>/experts/", views.assign, name="assign"),
    path("drafts/<int:pk>/comments/", views.comment_new, name="comment_new"),
    path(
        "drafts/<int:pk>/comments/<int:comment_id>/answer/",
        views.comment_answer,
        name="comment_answer",
    ),
    path(
        "drafts/<int:pk>/comments/<int:comment_id>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path("drafts/<int:pk>/recommendations/", views.recommend, name="recommend"),
    path(
        "drafts/<int:pk>/recommendations/confirm/",
        views.recommendation_confirm,
        name="recommendation_confirm",
    ),
    path(
        "drafts/<int:pk>/transitions/<slug:name>/",
        views.transition,
        name="transition",
    ),
    path(
        "drafts/<int:pk>/confirm/<slug:name>/",
        views.transition_confirm,
        name="transition_confirm",
    ),
    path("review/", views.review, name="review"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # The full-text catalogue of the catalogue app serves the public list.
    path("standards/", catalogue_views.search, name="catalogue"),
    path("standards/<int:pk>/", views.detail, name="detail"),
    path("standards/<int:pk>/diff/", views.edition_diff, name="edition_diff"),
    path("standards/<int:pk>/cite.bib", views.cite_bibtex, name="cite_bibtex"),
]
