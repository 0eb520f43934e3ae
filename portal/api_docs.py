"""The API's documentation pages (Swagger UI and Redoc, served from the
sidecar package) under a Content-Security-Policy they can run with.

The portal's policy (settings.CONTENT_SECURITY_POLICY) allows no inline
script or style. Swagger UI loads its start script from its own view, and
its one page style carries the nonce; Redoc writes the styles of its
components into the page at run time (so inline styles are allowed on its
page only) and parses the schema in a worker started from a ``blob:``.
Neither page shows anything of a caller but the public schema.
"""

from csp.constants import NONCE, UNSAFE_INLINE
from csp.decorators import csp_update
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

swagger = csp_update({"style-src": [NONCE]})(
    SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="portal/api_swagger.html"
    )
)

redoc = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(
        url_name="api:schema", template_name="portal/api_redoc.html"
    )
)


@require_safe
def problems(request):
    """The problem types of the API's errors, each at ``#problem-<code>``:
    where an error's ``type`` URI points (``portal.api_http.problem_type``).
    A page of its own, since Swagger UI rewrites the fragment of its page."""
    return render(request, "portal/api_problems.html")
