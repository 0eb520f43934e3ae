# The portal's image: web (gunicorn), workers, beat and the one-off migrate
# step all run from it (docker-compose.yml). /srv/static is where the migrate
# step copies the static files for nginx (the `static` volume).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_DATA_DIR=/app/var \
    MEDIA_ROOT=/data/media

# WeasyPrint's libraries (Pango, HarfBuzz's subsetter) and CJK fonts for PDFs;
# pg_dump and pg_restore (15, as the compose PostgreSQL) for manage.py backup.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a change of code reuses this layer. The project
# declares no packages (`packages = []`): installing it installs exactly its
# pinned dependencies; the code itself runs from /app, the working directory.
COPY pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt .

COPY . .

# Static files belong to the image: compressing them with a manifest takes
# minutes, too long to repeat at every start of every container. The secret
# key here only lets the settings load for this command.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home-dir /app portal \
    && mkdir -p /app/var/static /data/media /srv/static \
    && chown -R portal /app/var /data /srv/static

USER portal
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi", "-w", "2", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
