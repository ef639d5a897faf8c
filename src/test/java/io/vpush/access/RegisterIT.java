package io.vpush.access;

import static io.vpush.testing.WsTestClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vpush.config.Settings;
import io.vpush.testing.TestNode;
import io.vpush.testing.WsTestClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registering the user stream over a real WebSocket (protocol.md section 5): tokens, claims, and the one-stream rule. */
class RegisterIT {

  private static KeyPair rsa;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    rsa = gen.generateKeyPair();
    node = TestNode.start(Map.of(Settings.JWT_PUBLIC_KEY, pem("PUBLIC KEY", rsa.getPublic().getEncoded())));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void hs256TokenRegistersAndRegisteredComesFirst() {
    String user = TestNode.freshUser("reg");
    node.publishTo(user, "before");
    node.publishTo(user, "before2");
    try (WsTestClient c = node.connect()) {
      c.register(user, node.token(user), Map.of());
      JsonObject first = c.next(WAIT);
      assertThat(WsTestClient.isControl(first, "registered")).as("first frame %s", first).isTrue();
      assertThat(first.getString("address")).isEqualTo("vpush.user." + user);
      assertThat(first.getJsonObject("body").getLong("lastSeq")).isEqualTo(2L);
      assertThat(first.getJsonObject("body").getString("node")).isEqualTo(node.node().nodeId());
      List<JsonObject> msgs = c.messages(2, WAIT);
      assertThat(msgs).extracting(m -> m.getValue("body")).containsExactly("before", "before2");
      assertThat(msgs.get(0).getJsonObject("headers").getString("seq")).isEqualTo("1");
      assertThat(msgs.get(0).getJsonObject("headers").getString("ts")).matches("\\d+");
    }
  }

  @Test
  void registeredCarriesTheUsersLastSeqNotTheClients() {
    String user = TestNode.freshUser("last");
    for (int i = 1; i <= 3; i++) node.publishTo(user, "m" + i);
    try (WsTestClient c = node.connect()) {
      assertThat(c.registered(user, node.token(user), Map.of("lastSeq", "1")).getLong("lastSeq")).isEqualTo(3L);
      List<JsonObject> msgs = c.messages(2, WAIT);
      assertThat(msgs).extracting(m -> m.getValue("body")).containsExactly("m2", "m3");
      assertThat(msgs).extracting(m -> m.getJsonObject("headers").getString("seq")).containsExactly("2", "3");
    }
    // Nothing left to catch up: the first page is empty and still carries the user's lastSeq.
    try (WsTestClient c = node.connect()) {
      assertThat(c.registered(user, node.token(user), Map.of("lastSeq", "3")).getLong("lastSeq")).isEqualTo(3L);
    }
  }

  @Test
  void badTokenIsDeniedAndClosedWith4001() {
    String user = TestNode.freshUser("bad");
    assertDeniedAndClosed(user, "not.a.jwt");
    // Signed with another secret.
    JWTAuth other = JWTAuth.create(node.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-0123456789abcdef-0123456789")));
    assertDeniedAndClosed(user, other.generateToken(new JsonObject().put("sub", user), new JWTOptions()));
  }

  @Test
  void expiredTokenIsDenied() {
    String user = TestNode.freshUser("exp");
    JWTAuth jwt = JWTAuth.create(node.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TestNode.SECRET)));
    long past = System.currentTimeMillis() / 1000 - 3600;
    String token = jwt.generateToken(new JsonObject().put("sub", user).put("iat", past - 60).put("exp", past), new JWTOptions());
    assertDeniedAndClosed(user, token);
  }

  @Test
  void tokenOfAnotherUserIsDenied() {
    String user = TestNode.freshUser("sub");
    assertDeniedAndClosed(user, node.token(TestNode.freshUser("someone-else")));
  }

  @Test
  void missingTokenIsDenied() {
    assertDeniedAndClosed(TestNode.freshUser("none"), null);
  }

  @Test
  void rs256TokenWithConfiguredPublicKeyWorks() {
    String user = TestNode.freshUser("rsa");
    JWTAuth signer = JWTAuth.create(node.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem("PRIVATE KEY", rsa.getPrivate().getEncoded()))));
    String token = signer.generateToken(new JsonObject().put("sub", user), new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(600));
    try (WsTestClient c = node.connect()) {
      assertThat(c.registered(user, token, Map.of()).getLong("lastSeq")).isZero();
      node.publishTo(user, "rsa-msg");
      assertThat(c.messages(1, WAIT).get(0).getString("body")).isEqualTo("rsa-msg");
    }
  }

  @Test
  void devicesClaimRestrictsDeviceTypes() {
    String user = TestNode.freshUser("dev");
    String posOnly = node.token(user, List.of(), List.of("pos"));
    try (WsTestClient c = node.connect()) {
      c.register(user, posOnly, Map.of("device", "pc"));
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
    }
    try (WsTestClient c = node.connect()) {
      c.register(user, posOnly, Map.of());
      assertThat(WsTestClient.isError(c.next(WAIT), "access_denied")).as("no device header means 'default'").isTrue();
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
    }
    try (WsTestClient c = node.connect()) {
      assertThat(c.registered(user, posOnly, Map.of("device", "pos"))).isNotNull();
    }
  }

  @Test
  void tokenOnTheUrlQueryWorks() {
    String user = TestNode.freshUser("url");
    try (WsTestClient c = WsTestClient.connect(node.vertx(), node.port(), "?token=" + node.token(user))) {
      assertThat(c.registered(user, null, Map.of()).getLong("lastSeq")).isZero();
      node.publishTo(user, "via-url");
      assertThat(c.messages(1, WAIT).get(0).getString("body")).isEqualTo("via-url");
    }
  }

  @Test
  void secondUserStreamOnOneConnectionIsDeniedAndConnectionStaysOpen() {
    String user = TestNode.freshUser("twice");
    String other = TestNode.freshUser("other");
    try (WsTestClient c = node.connectAs(user, Map.of())) {
      c.register(other, node.token(other), Map.of());
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getString("address")).isEqualTo("vpush.user." + other);
      c.register(user, node.token(user), Map.of());
      assertThat(WsTestClient.isError(c.next(WAIT), "access_denied")).isTrue();
      c.pingPong();
      assertThat(c.isClosed()).isFalse();
      // The first stream still works.
      node.publishTo(user, "still-here");
      assertThat(c.messages(1, WAIT).get(0).getString("body")).isEqualTo("still-here");
    }
  }

  private static void assertDeniedAndClosed(String user, String token) {
    try (WsTestClient c = node.connect()) {
      c.register(user, token, Map.of());
      JsonObject err = c.next(WAIT);
      assertThat(WsTestClient.isError(err, "access_denied")).as("%s", err).isTrue();
      assertThat(err.getInteger("failureCode")).isEqualTo(403);
      assertThat(err.getString("body")).isEqualTo("access_denied");
      assertThat(err.getString("address")).isEqualTo("vpush.user." + user);
      assertThat(c.awaitClose(WAIT)).isEqualTo((short) 4001);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
