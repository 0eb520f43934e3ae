"""Our changes to Django's date and time formats (settings.FORMAT_MODULE_PATH):
every time carries its zone, since a reader may be in another one than the
portal. Everything not named here is Django's."""
