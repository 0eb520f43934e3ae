# Django's Simplified Chinese formats (2026年12月2日 20:45) with the time zone.
DATETIME_FORMAT = "Y年n月j日 H:i T"
