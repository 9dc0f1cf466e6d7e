# digitpad: the engine, the shipped model and the digitpad command.
#   docker build -t digitpad .
#   docker run --rm digitpad evaluate        (downloads MNIST once, then prints metrics)
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DIGITPAD_CACHE_DIR=/home/digitpad/.cache/digitpad

WORKDIR /srv/digitpad
COPY pyproject.toml README.md ./
COPY app ./app
COPY model ./model
# The README's install step: an editable install keeps the shipped model beside the code.
RUN pip install --no-cache-dir -e . \
    && useradd --create-home --uid 10001 digitpad

USER 10001
ENTRYPOINT ["digitpad"]
CMD ["evaluate"]
