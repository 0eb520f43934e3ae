from django.conf import settings

from committees.selectors import user_roles


def portal(request):
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "roles": user_roles(getattr(request, "user", None)),
    }
