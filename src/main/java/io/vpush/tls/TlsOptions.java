package io.vpush.tls;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vpush.config.Settings;
import io.vpush.config.TlsChecks;
import io.vpush.config.VPushConfig;

import java.util.List;

/**
 * Vert.x TLS options from the {@code tls.*}, {@code tcpBridge.tls*} and {@code redis.tls.*} settings (checked at
 * start by {@link TlsChecks}): the HTTP port's and the TCP bridge's server side, and the Redis client's side.
 */
public final class TlsOptions {

  private TlsOptions() {}

  /** Whether the HTTP port serves TLS. */
  public static boolean httpTls(VPushConfig config) {
    return TlsChecks.httpTls(config);
  }

  /** Turns TLS on for the HTTP port when configured: its certificate, and client certificates required when {@code tls.clientCaPath} is set. */
  public static <T extends NetServerOptions> T http(T options, VPushConfig config) {
    if (!httpTls(config)) return options;
    return server(options, config, config.get(Settings.TLS_CLIENT_CA_PATH));
  }

  /** Turns TLS on for the TCP bridge when {@code tcpBridge.tls}: the HTTP port's certificate, its own client CA. */
  public static <T extends NetServerOptions> T bridge(T options, VPushConfig config) {
    if (!config.get(Settings.TCP_BRIDGE_TLS)) return options;
    return server(options, config, config.get(Settings.TCP_BRIDGE_CLIENT_CA_PATH));
  }

  private static <T extends NetServerOptions> T server(T options, VPushConfig config, String clientCa) {
    options.setSsl(true).setKeyCertOptions(serverKeyCert(config));
    // A TLS handshake is bounded too: an unfinished one is dropped after this (Vert.x's default, said explicitly).
    options.setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    if (clientCa != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(clientCa)).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  private static KeyCertOptions serverKeyCert(VPushConfig config) {
    String p12 = config.get(Settings.TLS_PKCS12_PATH);
    if (p12 != null) return new PfxOptions().setPath(p12).setPassword(config.get(Settings.TLS_PKCS12_PASSWORD));
    return new PemKeyCertOptions().setCertPath(config.get(Settings.TLS_CERT_PATH)).setKeyPath(config.get(Settings.TLS_KEY_PATH));
  }

  /**
   * Whether a server's connection error is a failed TLS handshake: refused or missing certificate, bytes that are not
   * TLS, or the handshake timeout.
   */
  public static boolean handshakeFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof io.netty.handler.ssl.NotSslRecordException) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }

  /**
   * The Redis client's socket options: plain for redis:// URLs; for rediss:// TLS with the host name verified, the
   * configured CA (else the JVM's) and the client certificate when one is set.
   */
  public static NetClientOptions redis(List<String> urls, VPushConfig config) {
    NetClientOptions o = new NetClientOptions();
    if (urls.isEmpty() || !urls.get(0).startsWith("rediss://")) return o;
    o.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
    String ca = config.get(Settings.REDIS_TLS_CA_PATH);
    if (ca != null) o.setTrustOptions(new PemTrustOptions().addCertPath(ca));
    String cert = config.get(Settings.REDIS_TLS_CERT_PATH);
    if (cert != null) o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(config.get(Settings.REDIS_TLS_KEY_PATH)));
    return o;
  }
}
