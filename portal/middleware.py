from django.shortcuts import render

from .errors import ApplicationError


class ApplicationErrorMiddleware:
    """Turn a refusal of the rules into a page in the site's design."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            return render(
                request,
                "error.html",
                {"message": exception.message, "status": exception.status},
                status=exception.status,
            )
        return None
