package io.vpush.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node KRaft Kafka 4.1.0 broker running in its own JVM on free loopback ports, for tests.
 *
 * <p>Use {@link #shared()} for a broker shared by the whole test JVM (starting one takes ~4 s). A test that
 * stops, kills or restarts a broker must {@link #start()} a private one and {@link #close()} it.
 *
 * <p>The broker's jars come from the file named by the system property {@value #CLASSPATH_PROPERTY}
 * (default {@code .vpush-test/kafka.classpath}); when it is missing or stale it is built here by Maven
 * from {@code scripts/kafka/pom.xml}, so a plain {@code mvn test} works too.
 */
public final class KafkaBroker implements AutoCloseable {

  public static final String CLASSPATH_PROPERTY = "vpush.test.kafkaClasspath";
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

  private static KafkaBroker shared;

  private final Path root;
  private final Path dir;
  private final String classpath;
  private final int port;
  private final int controllerPort;
  private Process process;
  private Admin admin;
  /** With {@link #startSaslSsl}: its certificates and the one client user; null for a PLAINTEXT broker. */
  private final TestCertificates certs;
  private final String saslUser;
  private final String saslPassword;

  private KafkaBroker(Path root, Path dir, String classpath, int port, int controllerPort) {
    this(root, dir, classpath, port, controllerPort, null, null, null);
  }

  private KafkaBroker(Path root, Path dir, String classpath, int port, int controllerPort, TestCertificates certs,
                      String saslUser, String saslPassword) {
    this.root = root;
    this.dir = dir;
    this.classpath = classpath;
    this.port = port;
    this.controllerPort = controllerPort;
    this.certs = certs;
    this.saslUser = saslUser;
    this.saslPassword = saslPassword;
  }

  /**
   * A private broker whose one client listener is SASL_SSL: TLS with the server certificate of {@code certs} (PEM
   * keystore) and SASL PLAIN with the user {@code user}/{@code password} (and an inter-broker admin user); clients must
   * use {@link #clientProperties()}. The caller must {@link #close()} it.
   */
  public static KafkaBroker startSaslSsl(TestCertificates certs, String user, String password) {
    Path root = projectRoot();
    List<Integer> ports = FreePorts.free(2);
    try {
      Path dir = Files.createTempDirectory("vpush-kafka-sasl-");
      KafkaBroker broker = new KafkaBroker(root, dir, classpath(root), ports.get(0), ports.get(1), certs, user, password);
      broker.writeProperties();
      broker.format();
      broker.launch();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a client needs beside bootstrap.servers: nothing for PLAINTEXT; for SASL_SSL, the protocol, SASL PLAIN login and the CA. */
  public Map<String, Object> clientProperties() {
    if (certs == null) return Map.of();
    return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + saslUser
            + "\" password=\"" + saslPassword + "\";",
        "ssl.truststore.type", "PEM", "ssl.truststore.location", certs.caCert().toString());
  }

  /** The broker shared by this test JVM, started on first use and killed when the JVM exits. */
  public static synchronized KafkaBroker shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kafka-broker-shutdown"));
    } else if (!shared.isRunning()) {
      shared.restart(); // someone stopped the shared broker: bring it back rather than fail every later test
    }
    return shared;
  }

  /** Formats a fresh data directory and starts a private broker; the caller must {@link #close()} it. */
  public static KafkaBroker start() {
    Path root = projectRoot();
    List<Integer> ports = FreePorts.free(2);
    try {
      Path dir = Files.createTempDirectory("vpush-kafka-");
      KafkaBroker broker = new KafkaBroker(root, dir, classpath(root), ports.get(0), ports.get(1));
      broker.writeProperties();
      broker.format();
      broker.launch();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The broker JVM's process id (e.g. for {@code kill -STOP}). */
  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Creates a topic (replication 1) and waits until every partition has a leader; an existing topic with as many partitions is fine. */
  public void createTopic(String name, int partitions) {
    if (!isRunning()) throw new IllegalStateException("broker is not running");
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)), new CreateTopicsOptions().timeoutMs(30_000))
          .all().get(35, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException("create topic " + name, e);
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("create topic " + name, e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // Each describe is a round trip to the broker, which paces this loop; leaders normally show on the first.
    while (true) {
      TopicDescription d = describe(name);
      if (d != null && d.partitions().size() != partitions) {
        throw new IllegalStateException("topic " + name + " exists with " + d.partitions().size() + " partitions, not " + partitions);
      }
      if (d != null && d.partitions().stream().allMatch(p -> p.leader() != null)) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException("topic " + name + " has no leaders after 30 s");
    }
  }

  /** Stops the broker with SIGTERM (a clean shutdown) and returns its exit code. */
  public int stop() {
    closeAdmin();
    process.destroy();
    return awaitExit();
  }

  /** Kills the broker with SIGKILL (a crash); its data directory is kept for {@link #restart()}. */
  public void kill() {
    closeAdmin();
    process.destroyForcibly();
    awaitExit();
  }

  /** Starts the broker again on the same ports and data directory, after {@link #stop()} or {@link #kill()}. */
  public void restart() {
    if (isRunning()) throw new IllegalStateException("broker is still running");
    launch();
  }

  /** The last {@code lines} lines of the broker's log. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills the broker and deletes its data directory. */
  @Override
  public void close() {
    if (isRunning()) kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp directory left behind is harmless.
    }
  }

  private void writeProperties() throws IOException {
    String client = certs == null ? "PLAINTEXT" : "SASL_SSL";
    String listeners = client + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
    Map<String, String> props = new java.util.HashMap<>(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort),
        Map.entry("listeners", listeners),
        Map.entry("advertised.listeners", listeners),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", client),
        Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT," + client + ":" + client),
        Map.entry("log.dirs", dir.resolve("data").toString()),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "4"), // 50 by default: slow to create on 2 cores
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        // After a SIGKILL the restarted broker cannot register until the old registration's session
        // expires (9 s by default): shorten it so restart() after kill() takes ~5 s, not ~14 s.
        Map.entry("broker.heartbeat.interval.ms", "500"),
        Map.entry("broker.session.timeout.ms", "3000")));
    if (certs != null) {
      // A PEM keystore is one file: the PKCS#8 key, then the certificate.
      Path keystore = dir.resolve("broker-keystore.pem");
      Files.writeString(keystore, Files.readString(certs.serverKey()) + Files.readString(certs.serverCert()));
      props.put("ssl.keystore.type", "PEM");
      props.put("ssl.keystore.location", keystore.toString());
      props.put("ssl.truststore.type", "PEM");
      props.put("ssl.truststore.location", certs.caCert().toString());
      props.put("sasl.enabled.mechanisms", "PLAIN");
      props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      props.put("listener.name.sasl_ssl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
          + "username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\" user_" + saslUser + "=\"" + saslPassword + "\";");
    }
    StringBuilder text = new StringBuilder();
    props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Files.writeString(dir.resolve("server.properties"), text);
  }

  private void format() {
    byte[] id = new byte[16];
    String clusterId;
    do {
      new SecureRandom().nextBytes(id);
      clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    } while (clusterId.startsWith("-")); // Kafka's CLI would read it as an option
    Process p = java("kafka.tools.StorageTool", "format", "-t", clusterId,
        "-c", dir.resolve("server.properties").toString(), "--standalone");
    int code = waitFor(p, Duration.ofSeconds(60));
    if (code != 0) throw new IllegalStateException("kafka storage format failed (exit " + code + "):\n" + logTail(40));
  }

  private void launch() {
    process = java("kafka.Kafka", dir.resolve("server.properties").toString());
    Map<String, Object> adminConfig = new java.util.HashMap<>(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        // Short, so the readiness loop notices a broker that just finished starting; calls that may
        // legitimately take longer pass their own timeout.
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1_000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
    adminConfig.putAll(clientProperties());
    admin = Admin.create(adminConfig);
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    // Readiness of an external process: each describeCluster waits (up to 1 s) inside the client.
    while (true) {
      if (!process.isAlive()) {
        closeAdmin();
        throw new IllegalStateException("kafka broker exited during start (exit " + process.exitValue() + "):\n" + logTail(40));
      }
      try {
        if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) return;
      } catch (ExecutionException | TimeoutException e) {
        // not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting kafka", e);
      }
      if (System.nanoTime() > deadline) {
        kill();
        throw new IllegalStateException("kafka broker not ready within " + START_DEADLINE.toSeconds() + " s:\n" + logTail(40));
      }
    }
  }

  private Process java(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        Processes.javaBinary(),
        "-Xmx512m",
        "-Dlog4j2.configurationFile=" + root.resolve("scripts/kafka/log4j2.properties"),
        "-cp", classpath, mainClass));
    cmd.addAll(List.of(args));
    try {
      return new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private TopicDescription describe(String name) {
    try {
      return admin.describeTopics(Set.of(name), new DescribeTopicsOptions().timeoutMs(10_000))
          .allTopicNames().get(15, TimeUnit.SECONDS).get(name);
    } catch (ExecutionException e) {
      return null; // not known to the broker's metadata yet
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("describe topic " + name, e);
    }
  }

  private int awaitExit() {
    int code = waitFor(process, STOP_DEADLINE);
    if (code == Integer.MIN_VALUE) {
      process.destroyForcibly();
      code = waitFor(process, STOP_DEADLINE);
    }
    return code;
  }

  /** The exit code, or {@code Integer.MIN_VALUE} if the process is still running after {@code timeout}. */
  private static int waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : Integer.MIN_VALUE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void closeAdmin() {
    if (admin != null) admin.close(Duration.ZERO);
    admin = null;
  }

  private Path log() {
    return dir.resolve("broker.log");
  }

  private static Path projectRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("scripts/kafka/pom.xml"))) return p;
    }
    throw new IllegalStateException("scripts/kafka/pom.xml not found above " + Path.of("").toAbsolutePath());
  }

  /** Reads the broker classpath, resolving it with Maven first when the file is missing or names a jar that is gone. */
  private static synchronized String classpath(Path root) {
    String configured = System.getProperty(CLASSPATH_PROPERTY);
    Path file = configured == null || configured.isBlank()
        ? root.resolve(".vpush-test/kafka.classpath") : Path.of(configured).toAbsolutePath();
    try {
      if (!usable(file)) resolve(root, file);
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean usable(Path file) throws IOException {
    if (!Files.isRegularFile(file)) return false;
    String cp = Files.readString(file).trim();
    return !cp.isEmpty() && Stream.of(cp.split(":")).allMatch(jar -> Files.isRegularFile(Path.of(jar)));
  }

  private static void resolve(Path root, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Path log = file.resolveSibling("kafka-classpath.log");
    Process mvn = new ProcessBuilder("mvn", "-q", "-B", "-f", root.resolve("scripts/kafka/pom.xml").toString(),
        "dependency:build-classpath", "-Dmdep.outputFile=" + tmp)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int code = waitFor(mvn, Duration.ofMinutes(10));
    if (code != 0) {
      mvn.destroyForcibly();
      throw new IllegalStateException("resolving the Kafka broker classpath failed (exit " + code + "), see " + log);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
