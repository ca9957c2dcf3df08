# syntax=docker/dockerfile:1
# The API's image: built with the Maven wrapper, run from Spring Boot's extracted layers on a
# Temurin 25 JRE as an unprivileged user, with a JDK AOT cache made by a training run.
#   docker build -t todo-api:0.1.0-SNAPSHOT .
#   docker run -e DATABASE_URL=... -e BETTER_AUTH_SECRET=... -p 8080:8080 todo-api:0.1.0-SNAPSHOT

FROM eclipse-temurin:25-jdk AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY src/ src/
# The cache mount keeps the Maven repository between builds, outside the image
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests \
 && java -Djarmode=tools -jar target/todo-api-*.jar extract --layers --application-filename app.jar \
      --destination /layers

FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 todo \
 && useradd --system --uid 10001 --gid todo --home-dir /app --no-create-home --shell /usr/sbin/nologin todo
WORKDIR /app
# From the least to the most often changed. The embedded-database layer (PostgreSQL binaries
# for the run command, 57 MB) is left out: a container always gets a DATABASE_URL.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# The training run: starts the application context (without connecting to a database: the
# pool connects lazily and the schema migration is skipped) and exits, leaving the classes it
# loaded and linked in app.aot for every later start. See "The image" in the README.
RUN DATABASE_URL=postgresql://training@127.0.0.1:9/training \
    BETTER_AUTH_SECRET=training-only-secret-of-at-least-32-bytes \
    java -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh -Dspring.liquibase.enabled=false \
      -jar app.jar >/dev/null
USER todo:todo
ENV PORT=8080
EXPOSE 8080
# No HEALTHCHECK: what decides whether a replica gets traffic is the balancer's or the
# orchestrator's own probe of /actuator/health/readiness (and liveness), which Docker's
# HEALTHCHECK would only duplicate, with a curl the JRE image does not promise to have.
# java is PID 1 and gets SIGTERM itself (graceful shutdown). MaxRAMPercentage sizes the heap
# from the container's memory limit; JAVA_TOOL_OPTIONS adds flags at run time.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:AOTCache=app.aot", "-jar", "app.jar"]
