package io.vpush.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway certificate authority made with {@code openssl} in a temp dir: a CA, a server certificate for
 * {@code localhost} and {@code 127.0.0.1} (PEM and PKCS#12) and a client certificate (PEM and PKCS#12), all signed by
 * the CA; plus Java trust and key material for clients that must trust it or present the client certificate.
 *
 * <pre>{@code
 * try (TestCertificates certs = TestCertificates.create()) {
 *   env("VPUSH_TLS_CERT_PATH", certs.serverCert().toString()) ...
 *   HttpClient.newBuilder().sslContext(certs.clientContext(false)) ...
 * }
 * }</pre>
 */
public final class TestCertificates implements AutoCloseable {

  /** Password of the PKCS#12 files. */
  public static final String PASSWORD = "test-p12-password";

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Makes a fresh CA, server and client certificate (valid one day) in a new temp dir; the caller must {@link #close()} it. */
  public static TestCertificates create() {
    return create("vpush-tls-");
  }

  /** As {@link #create()}, in a temp dir named with {@code prefix} (two authorities in one test must not trust each other). */
  public static TestCertificates create(String prefix) {
    Path dir;
    try {
      dir = Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir for certificates", e);
    }
    TestCertificates certs = new TestCertificates(dir);
    certs.make();
    return certs;
  }

  private void make() {
    write("server.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n");
    write("client.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=vpush test CA " + dir.getFileName(), "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    for (String who : List.of("server", "client")) {
      openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + "-key.pem", "-out", who + ".csr",
          "-subj", "/CN=" + ("server".equals(who) ? "localhost" : "vpush-test-client"));
      openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
          "-out", who + ".pem", "-days", "1", "-extfile", who + ".ext");
      openssl("pkcs12", "-export", "-in", who + ".pem", "-inkey", who + "-key.pem", "-out", who + ".p12",
          "-passout", "pass:" + PASSWORD, "-name", who);
    }
  }

  public Path dir() { return dir; }

  /** The CA certificate (PEM): what a client trusts, and what a server given it as client CA accepts. */
  public Path caCert() { return dir.resolve("ca.pem"); }

  /** The server certificate (PEM), for {@code localhost} and {@code 127.0.0.1}. */
  public Path serverCert() { return dir.resolve("server.pem"); }

  /** The server's private key (PEM, PKCS#8, unencrypted). */
  public Path serverKey() { return dir.resolve("server-key.pem"); }

  /** The server's key and certificate as PKCS#12, protected by {@link #PASSWORD}. */
  public Path serverPkcs12() { return dir.resolve("server.p12"); }

  /** The client certificate (PEM), signed by the CA. */
  public Path clientCert() { return dir.resolve("client.pem"); }

  /** The client's private key (PEM). */
  public Path clientKey() { return dir.resolve("client-key.pem"); }

  /** The client's key and certificate as PKCS#12, protected by {@link #PASSWORD}. */
  public Path clientPkcs12() { return dir.resolve("client.p12"); }

  /** A trust manager that trusts only this CA (OkHttp wants it beside the socket factory). */
  public X509TrustManager trustManager() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      return (X509TrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TLS context that trusts only this CA and, when {@code withClientCert}, presents the client certificate. */
  public SSLContext clientContext(boolean withClientCert) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      KeyManagerFactory kmf = null;
      if (withClientCert) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(clientPkcs12())) {
          ks.load(in, PASSWORD.toCharArray());
        }
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context from " + dir, e);
    }
  }

  private KeyStore trustStore() throws GeneralSecurityException {
    try (InputStream in = Files.newInputStream(caCert())) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("ca", ca);
      return ks;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + caCert(), e);
    }
  }

  private void write(String name, String text) {
    try {
      Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void openssl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Processes.findOnPath("openssl"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run openssl (is it installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Removes the directory and every key in it. */
  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException ignored) {
      // best effort: it is a temp dir
    }
  }
}
