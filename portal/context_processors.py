from django.conf import settings
from django.utils.functional import SimpleLazyObject

from committees.selectors import user_roles


def portal(request):
    user = getattr(request, "user", None)
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        # Few templates read the roles: look them up only when one does.
        "roles": SimpleLazyObject(lambda: user_roles(user)),
    }
