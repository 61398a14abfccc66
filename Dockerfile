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
# Class-data sharing: one training run (`agent warm-up`: a sample Backup read, rendered and cleaned on a loopback
# endpoint of its own; nothing leaves the build) records the classes an agent loads into an archive beside the jar,
# which every start (agent or operator) then maps instead of loading and verifying them again: the agent's fixed
# cost falls by about a third (docs/development.md, "Fixed cost"). A JVM that cannot use the archive starts without it.
RUN java -XX:+UseSerialGC -Xss512k -Xlog:cds=error -XX:ArchiveClassesAtExit=/opt/tidb-backup-operator/agent.jsa \
      -jar /opt/tidb-backup-operator/tidb-backup-operator.jar agent warm-up
USER 65532:65532
# The agent's JVM in every Job: Serial GC and at most half the container's memory as heap, grown to about three
# times what is live after a collection (a clean of a million keys otherwise keeps a heap of a few MiB through 540
# collections: a quarter of its CPU; a share of the memory as the first heap would take a share of the node's where
# a Job has no limit), and the C1 compiler only (with C2 a 20,000-key clean spent 1.7 s compiling, CPU taken from the
# store beside it on a small node; a million keys take 10 % longer at 20 ms a request): docs/development.md,
# "Against TiDB Operator's cleaner".
# The chart gives the operator's container its own, measured at 10,000 Backups (values.yaml, jvmOptions and
# mallocArenaMax).
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50 -XX:MinHeapFreeRatio=70 -XX:MaxHeapFreeRatio=90 -XX:TieredStopAtLevel=1 -Xss512k -XX:+ExitOnOutOfMemoryError -XX:SharedArchiveFile=/opt/tidb-backup-operator/agent.jsa"
ENTRYPOINT ["java", "-jar", "/opt/tidb-backup-operator/tidb-backup-operator.jar"]
CMD ["operator"]
