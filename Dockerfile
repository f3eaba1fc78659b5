# The production image: gunicorn (web), Celery worker and Celery beat all run from it; see
# docker-compose.yml for how they are started. Python matches .python-version.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var \
    # Every process imports the code in /app, so files beside the code (templates, static,
    # migrations) are always the ones found, whatever a tool puts on sys.path.
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, pinned by constraints.txt, so a code change does not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps -c constraints.txt . \
    # Hashed, compressed static files for whitenoise; settings read STATIC_MANIFEST at run time too.
    # Settings refuse to load without a SECRET_KEY; this one lives only for this command, which
    # signs nothing, and is not in the image (the containers get theirs from the environment).
    && SECRET_KEY="collectstatic-only-$(python -c 'import secrets; print(secrets.token_hex(16))')" \
       STATIC_MANIFEST=true python manage.py collectstatic --noinput \
    && useradd --system --home-dir /app --shell /usr/sbin/nologin recruitcrm \
    && mkdir -p "$VAR_DIR" \
    && chown -R recruitcrm: "$VAR_DIR"

USER recruitcrm
EXPOSE 8000
CMD ["gunicorn", "recruitcrm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--no-control-socket"]
