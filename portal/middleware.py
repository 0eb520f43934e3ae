import logging

from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import BUSY_MESSAGE, ApplicationError, is_database_busy

logger = logging.getLogger(__name__)


class ApplicationErrorMiddleware:
    """Turn a refusal of the rules into a page in the site's design; so too
    a database busy with another write (409, try again) and a number beyond
    what the database stores (400), which are the caller's, not ours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ApplicationError):
            message, status = exception.message, exception.status
        elif is_database_busy(exception):
            message, status = BUSY_MESSAGE, 409
        elif isinstance(exception, OverflowError):
            logger.warning("A number out of range reached the database", exc_info=1)
            message, status = _("A number in the request is out of range."), 400
        else:
            return None
        response = render(
            request, "error.html", {"message": message, "status": status}, status=status
        )
        if status == 409 and not isinstance(exception, ApplicationError):
            response["Retry-After"] = "1"
        return response
