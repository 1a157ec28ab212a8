FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY streams streams
COPY analytics analytics
RUN pip install --no-cache-dir .
EXPOSE 6066
CMD ["orderguard", "worker"]
