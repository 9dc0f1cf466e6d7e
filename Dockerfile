# digitpad: the drawing page, the API and the shipped model, served by uvicorn.
#   docker build -t digitpad .
#   docker run -p 8000:8000 -v digitpad-data:/data digitpad
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DIGITPAD_DATABASE_URL=sqlite:////data/digitpad.db \
    DIGITPAD_CACHE_DIR=/home/digitpad/.cache/digitpad

WORKDIR /srv/digitpad
COPY pyproject.toml README.md ./
COPY app ./app
COPY model ./model
COPY static ./static
COPY templates ./templates
# The README's install step: an editable install keeps the model, pages and assets beside
# the code, where the settings' defaults look for them.
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 digitpad \
    && mkdir /data && chown 10001 /data

USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["digitpad"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
