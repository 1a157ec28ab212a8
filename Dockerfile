# Build stage: a wheel with the detection core compiled by mypyc (the full image has gcc).
FROM python:3.11 AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY schemas schemas
COPY streams streams
COPY analytics analytics
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Run stage: the slim image, the wheel and its dependencies only.
FROM python:3.11-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
EXPOSE 6066
CMD ["orderguard", "worker"]
