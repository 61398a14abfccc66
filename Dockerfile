# Build: the same Maven build as CI, without tests (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp dependency:go-offline
COPY src src
COPY crds crds
COPY examples examples
RUN mvn -B -ntp package -DskipTests

# Runtime: JRE only, numeric non-root user, one entrypoint for `operator`, `agent …` and `render`.
FROM eclipse-temurin:17-jre
COPY --from=build /src/target/tidb-backup-operator.jar /opt/tidb-backup-operator/tidb-backup-operator.jar
USER 65532:65532
# Serial GC and half the container's memory as heap, for every command of the image; the chart gives the operator's
# container its own, measured at 10,000 Backups (values.yaml, jvmOptions and mallocArenaMax).
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -Xss512k -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/tidb-backup-operator/tidb-backup-operator.jar"]
CMD ["operator"]
