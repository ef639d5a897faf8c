package io.vpush.dispatch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vpush.store.StoredMessage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The node-to-node messages on {@code vpush.node.<id>} (JSON bodies, field {@code t} is the type):
 * {@code d} deliver a batch of messages (reply {@code {"gone":[indexes]}}), {@code k} kick (a {@link Kick}; reply {@code {"kicked":n}}),
 * {@code h} users registered elsewhere: hold their L1 entries (reply {@code {}}).
 */
final class NodeWire {

  static final String DELIVER = "d";
  static final String KICK = "k";
  static final String HOLD = "h";

  private NodeWire() {}

  static JsonObject deliver(List<StoredMessage> messages) {
    JsonArray list = new JsonArray();
    for (StoredMessage m : messages) {
      list.add(new JsonArray().add(m.id()).add(m.user()).add(m.seq()).add(m.ts()).add(m.expiresAt()).add(m.payload())
          .add(new JsonArray(new ArrayList<>(m.devices()))));
    }
    return new JsonObject().put("t", DELIVER).put("m", list);
  }

  static List<StoredMessage> messages(JsonObject body) {
    JsonArray list = body.getJsonArray("m");
    List<StoredMessage> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonArray a = list.getJsonArray(i);
      List<String> devices = new ArrayList<>();
      for (Object d : a.getJsonArray(6)) devices.add((String) d);
      out.add(new StoredMessage(a.getString(0), a.getString(1), a.getLong(2), a.getLong(3), a.getLong(4), a.getString(5), devices));
    }
    return out;
  }

  static JsonObject kick(Kick kick) {
    return new JsonObject().put("t", KICK).put("u", kick.user()).put("c", kick.clientId()).put("b", kick.registeredBy())
        .put("i", kick.byInstance());
  }

  static Kick kick(JsonObject body) {
    // "b" absent: a node of an older version, whose kicks close whatever they name.
    return new Kick(body.getString("u"), body.getString("c"), body.getLong("b", Long.MAX_VALUE), body.getString("i"));
  }

  static JsonObject hold(Collection<String> users) {
    return new JsonObject().put("t", HOLD).put("u", new JsonArray(new ArrayList<>(users)));
  }
}
