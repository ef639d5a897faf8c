package io.vpush.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vpush.config.ApiKeys;
import io.vpush.config.ConfigException;
import io.vpush.config.ConfigLoader;
import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import io.vpush.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's API keys in use ({@code api.key} and {@code api.keysFile}), read by every door on any thread and
 * replaced whole when the keys file is re-read: on the admin call, and when its modification time or size changes
 * (checked every {@code api.keysFileCheckMs} by {@link #watcher()}, with the non-blocking file system API). A file
 * that does not parse keeps the keys in use; the error (never a key) is logged and counted.
 */
public final class ApiKeyRing {

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyRing.class);

  private final Vertx vertx;
  private final VPushConfig config;
  private final String file;
  private final long checkMs;
  private final Metrics metrics;
  private volatile ApiKeys current;
  /** What the last look at the file saw (modification time and size), whether its keys were taken or not. */
  private volatile String seen = "";
  /** Reloads are numbered: an older read that completes after a newer one is not applied. */
  private final AtomicLong tickets = new AtomicLong();
  private long applied;

  /** The keys of {@code config} before the file is read ({@link #load}); {@code api.key} only. */
  public ApiKeyRing(Vertx vertx, VPushConfig config, Metrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.file = config.get(Settings.API_KEYS_FILE);
    this.checkMs = config.get(Settings.API_KEYS_FILE_CHECK_MS);
    this.metrics = metrics;
    this.current = ApiKeys.legacy(config.get(Settings.API_KEY));
    // Every series at 0 from the start, so an alert on a rate sees the first refusal.
    for (String door : new String[] {"http", "tcp"}) {
      for (String reason : Metrics.API_KEY_REFUSALS) metrics.apiKeyRefused(reason, door);
    }
    metrics.apiKeysReloaded("ok");
    metrics.apiKeysReloaded("failed");
    metrics.gauge("vpush_api_keys", "API keys in use (api.key and api.keysFile)", () -> current.size());
  }

  /** The keys in use now. */
  public ApiKeys current() {
    return current;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Whether there is a keys file to re-read. */
  public boolean hasFile() {
    return file != null;
  }

  /** At start: reads the keys file (when there is one); fails with a {@link ConfigException} naming it when it is bad. */
  public Future<ApiKeys> load() {
    if (file == null) return Future.succeededFuture(current);
    long ticket = tickets.incrementAndGet();
    return read().compose(this::parse).map(keys -> {
      apply(ticket, keys);
      if (keys.isEmpty()) LOG.warn("API keys: none in use ({} lists none and api.key is not set): every API request is refused", file);
      else LOG.info("API keys: {} in use ({} from {})", keys.size(), keys.names(), file);
      return keys;
    });
  }

  /**
   * Re-reads the keys file ({@code trigger}: what asked, for the log): the new keys are in use once the future
   * succeeds; a file that cannot be read or parsed fails it with the reason, and the keys in use stay.
   */
  public Future<ApiKeys> reload(String trigger) {
    if (file == null) return Future.failedFuture(new IllegalStateException("no api.keysFile is configured: nothing to reload"));
    long ticket = tickets.incrementAndGet();
    return read().compose(this::parse).andThen(ar -> {
      if (ar.succeeded()) {
        apply(ticket, ar.result());
        metrics.apiKeysReloaded("ok").increment();
        LOG.info("API keys reloaded from {} ({}): {} in use {}", file, trigger, ar.result().size(), ar.result().names());
      } else {
        metrics.apiKeysReloaded("failed").increment();
        LOG.warn("API keys file {} not reloaded ({}), the {} keys in use stay: {}", file, trigger, current.size(), ar.cause().getMessage());
      }
    });
  }

  /** Parses on a worker: a file of a thousand keys takes 10-20 ms (a SHA-256 per plain key), too long for an event loop. */
  private Future<ApiKeys> parse(String text) {
    return vertx.executeBlocking(() -> ConfigLoader.apiKeys(config, text), false);
  }

  private synchronized void apply(long ticket, ApiKeys keys) {
    if (ticket < applied) return;
    applied = ticket;
    current = keys;
  }

  /** The file's text, its modification time and size noted first (a change after that is seen by the next check). */
  private Future<String> read() {
    return vertx.fileSystem().props(file)
        .compose(props -> {
          seen = stamp(props);
          if (props.size() > ApiKeys.MAX_FILE_BYTES) {
            return Future.failedFuture(new ConfigException("config error: 'api.keysFile' " + file + " is larger than " + ApiKeys.MAX_FILE_BYTES + " bytes"));
          }
          return vertx.fileSystem().readFile(file);
        })
        .map(buffer -> buffer.toString(StandardCharsets.UTF_8))
        .recover(e -> Future.failedFuture(e instanceof ConfigException ? e
            : new ConfigException("config error: 'api.keysFile' from " + config.source(Settings.API_KEYS_FILE) + ": " + file
                + " cannot be read: " + e.getMessage())));
  }

  private static String stamp(FileProps props) {
    return props.lastModifiedTime() + "/" + props.size();
  }

  /** Re-reads the file when its modification time or size differs from the last look; a file gone counts once. */
  Future<Void> checkForChange() {
    return vertx.fileSystem().props(file).transform(ar -> {
      String now = ar.succeeded() ? stamp(ar.result()) : "missing";
      if (now.equals(seen)) return Future.succeededFuture();
      if (ar.failed()) {
        seen = now;
        metrics.apiKeysReloaded("failed").increment();
        LOG.warn("API keys file {} cannot be read, the {} keys in use stay: {}", file, current.size(), ar.cause().getMessage());
        return Future.succeededFuture();
      }
      return reload("the file changed").<Void>mapEmpty().otherwiseEmpty();
    });
  }

  /**
   * The verticle that checks the keys file every {@code api.keysFileCheckMs} (none without a file or with 0); one
   * per node. A check still running when the next is due is not doubled.
   */
  public VerticleBase watcher() {
    return new VerticleBase() {
      private long timer = -1;
      private final AtomicBoolean checking = new AtomicBoolean();

      @Override
      public Future<?> start() {
        if (file != null && checkMs > 0) {
          timer = vertx.setPeriodic(checkMs, id -> {
            if (checking.compareAndSet(false, true)) checkForChange().onComplete(ar -> checking.set(false));
          });
        }
        return Future.succeededFuture();
      }

      @Override
      public Future<?> stop() {
        if (timer >= 0) vertx.cancelTimer(timer);
        return Future.succeededFuture();
      }
    };
  }
}
