# syntax=docker/dockerfile:1
# The API's image: built with the Maven wrapper, run from Spring Boot's extracted layers on a
# Temurin 25 JRE as an unprivileged user, with a JDK AOT cache made by a training run.
#   docker build -t todo-api:0.1.0-SNAPSHOT .
#   docker run -e DATABASE_URL=... -e BETTER_AUTH_SECRET=... -p 8080:8080 todo-api:0.1.0-SNAPSHOT
# Podman builds it as it is (src/ops/image-test.sh: podman build --network host --pull=never).

FROM eclipse-temurin:25-jdk AS build
# PEM certificates to trust besides the image's own, for a network whose proxy inspects TLS on
# the way to Maven Central: --build-arg EXTRA_CA_CERTIFICATES="$(cat /usr/local/share/ca-certificates/*.crt)"
ARG EXTRA_CA_CERTIFICATES=
RUN if [ -n "$EXTRA_CA_CERTIFICATES" ]; then \
      mkdir -p /tmp/extra-ca && printf '%s\n' "$EXTRA_CA_CERTIFICATES" \
        | awk '/-BEGIN CERTIFICATE-/ { n++ } n { print > ("/tmp/extra-ca/extra-" n ".crt") }' \
      && for certificate in /tmp/extra-ca/*.crt; do \
           keytool -importcert -noprompt -cacerts -storepass changeit -alias "$(basename "$certificate" .crt)" \
             -file "$certificate" >/dev/null || exit 1; \
         done \
      && cp /tmp/extra-ca/*.crt /usr/local/share/ca-certificates/ && rm -rf /tmp/extra-ca \
      && if command -v update-ca-certificates >/dev/null; then update-ca-certificates >/dev/null 2>&1; fi; \
    fi
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
# The cache mount keeps the Maven repository between builds, outside the image. The jar leaves
# out the embedded PostgreSQL of the development run (see pom.xml).
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests \
 && java -Djarmode=tools -jar target/todo-api-*.jar extract --layers --application-filename app.jar \
      --destination /layers

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 todo \
 && useradd --system --uid 10001 --gid todo --home-dir /app --no-create-home --shell /usr/sbin/nologin todo
WORKDIR /app
# From the least to the most often changed
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# The training run: creates the application context, without a database (the pool connects
# lazily, the schema migration is skipped, and the built-in accounts get a signing key here
# instead of loading theirs from the database), then exits, leaving the classes it loaded and
# linked in app.aot for every later start. The key is RFC 8032's first test vector, public and
# used for nothing but this run. A failed run fails the build with its log. See "The image".
RUN DATABASE_URL=postgresql://training@127.0.0.1:9/training \
    BETTER_AUTH_SECRET=training-only-secret-of-at-least-32-bytes \
    ACCOUNTS_SIGNING_KEY='{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}' \
    java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -Dspring.liquibase.enabled=false -jar app.jar \
 && test -s app.aot
USER todo:todo
ENV PORT=8080
EXPOSE 8080
# No HEALTHCHECK: what decides whether a replica gets traffic is the balancer's or the
# orchestrator's own probe of /readyz (and /livez), which Docker's HEALTHCHECK would only
# duplicate; compose.yaml adds one for its own ordering.
# java is PID 1 and gets SIGTERM itself (graceful shutdown). The heap is a share of the
# container's memory limit, leaving the rest for what a JVM needs besides (see "The image");
# JAVA_TOOL_OPTIONS adds flags at run time.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-XX:AOTCache=app.aot", "-jar", "app.jar"]
