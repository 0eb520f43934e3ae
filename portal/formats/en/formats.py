# Django's English formats with the time zone after the time ("UTC").
DATETIME_FORMAT = "N j, Y, P T"
