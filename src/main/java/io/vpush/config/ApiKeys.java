package io.vpush.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An immutable set of named API keys with their scopes, holding only the SHA-256 of each key: from {@code api.key}
 * (one key named {@code api.key} with every scope) and from a keys file ({@code api.keysFile}, see {@link #parse}).
 *
 * <p>A presented key is hashed and its digest compared with every key's digest in constant time, so neither the
 * compare nor the number of keys compared tells an attacker how close a guess came. No message this class makes
 * contains a key or a digest.
 */
public final class ApiKeys {

  /** The name {@code api.key} goes by in metrics and answers. */
  public static final String LEGACY_NAME = "api.key";
  /** Bounds on a keys file: the match is linear in the number of keys, and the file is read whole. */
  public static final int MAX_KEYS = 1_000;
  public static final int MAX_FILE_BYTES = 1024 * 1024;
  /** A plain key in a keys file must be at least this long (a SHA-256 cannot be checked: make the key long). */
  public static final int MIN_PLAIN_KEY_CHARS = 16;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Set<String> FILE_FIELDS = Set.of("keys");
  private static final Set<String> KEY_FIELDS = Set.of("name", "scopes", "sha256", "key");

  /** One named key: its scopes and the SHA-256 of its text. */
  public record Key(String name, Set<ApiScope> scopes, byte[] sha256) {
    public Key {
      scopes = Collections.unmodifiableSet(EnumSet.copyOf(scopes));
      sha256 = sha256.clone();
    }

    public boolean allows(ApiScope scope) {
      return scopes.contains(scope);
    }

    /** Never the digest: a key's string form is safe to log. */
    @Override
    public String toString() {
      return "ApiKey[" + name + " " + scopes + "]";
    }
  }

  private static final ApiKeys EMPTY = new ApiKeys(List.of());

  private final List<Key> keys;

  private ApiKeys(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  public static ApiKeys empty() {
    return EMPTY;
  }

  /** {@code api.key}: one key with every scope; null gives the empty set. */
  public static ApiKeys legacy(String apiKey) {
    if (apiKey == null) return EMPTY;
    return new ApiKeys(List.of(new Key(LEGACY_NAME, EnumSet.allOf(ApiScope.class), sha256(apiKey))));
  }

  /**
   * A keys file's text: {@code {"keys":[{"name":"billing","scopes":["publish"],"sha256":"<64 hex digits>"}, ...]}};
   * instead of {@code sha256} an entry may carry the plain {@code key} (then the file is a secret itself). Names are
   * 1-64 of {@code A-Z a-z 0-9 . _ -} and unique; scopes are {@link ApiScope#labels()}; unknown fields are an error.
   *
   * @throws IllegalArgumentException saying what is wrong and with which entry (never a key or digest)
   */
  public static ApiKeys parse(String text) {
    if (text.length() > MAX_FILE_BYTES) throw new IllegalArgumentException("is larger than " + MAX_FILE_BYTES + " bytes");
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      // Jackson's message quotes the text it read, and a file with plain keys is a secret: say only where it broke.
      String where = e.getCause() instanceof JsonProcessingException j && j.getLocation() != null
          ? " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")" : "";
      throw new IllegalArgumentException("is not a JSON object" + where);
    }
    for (String field : json.fieldNames()) {
      if (!FILE_FIELDS.contains(field)) throw new IllegalArgumentException("unknown field '" + field + "' (expected {\"keys\":[...]})");
    }
    if (!(json.getValue("keys") instanceof JsonArray array)) {
      throw new IllegalArgumentException("needs a 'keys' array: {\"keys\":[{\"name\":...,\"scopes\":[...],\"sha256\":...}]}");
    }
    if (array.size() > MAX_KEYS) throw new IllegalArgumentException("has " + array.size() + " keys, more than " + MAX_KEYS);
    List<Key> keys = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject entry)) throw new IllegalArgumentException("keys[" + i + "] is not an object");
      keys.add(entry(i, entry));
    }
    return new ApiKeys(checked(keys));
  }

  private static Key entry(int i, JsonObject entry) {
    String where = "keys[" + i + "]";
    if (!(entry.getValue("name") instanceof String name) || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(where + ": 'name' must be 1-64 characters of A-Z a-z 0-9 . _ -");
    }
    where = "key '" + name + "'";
    for (String field : entry.fieldNames()) {
      if (!KEY_FIELDS.contains(field)) throw new IllegalArgumentException(where + ": unknown field '" + field + "', allowed: " + KEY_FIELDS);
    }
    if (!(entry.getValue("scopes") instanceof JsonArray scopeList) || scopeList.isEmpty()) {
      throw new IllegalArgumentException(where + ": 'scopes' must be a non-empty list of " + ApiScope.labels());
    }
    Set<ApiScope> scopes = EnumSet.noneOf(ApiScope.class);
    for (Object s : scopeList) {
      if (!(s instanceof String label)) throw new IllegalArgumentException(where + ": 'scopes' must list names from " + ApiScope.labels());
      try {
        scopes.add(ApiScope.parse(label));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    Object digest = entry.getValue("sha256");
    Object plain = entry.getValue("key");
    if ((digest == null) == (plain == null)) {
      throw new IllegalArgumentException(where + ": needs exactly one of 'sha256' (the SHA-256 of the key, hex) or 'key'");
    }
    if (digest != null) {
      if (!(digest instanceof String hex) || !HEX64.matcher(hex).matches()) {
        throw new IllegalArgumentException(where + ": 'sha256' must be 64 hex digits (printf %s \"$KEY\" | sha256sum)");
      }
      return new Key(name, scopes, HexFormat.of().parseHex(hex));
    }
    if (!(plain instanceof String key) || key.length() < MIN_PLAIN_KEY_CHARS) {
      throw new IllegalArgumentException(where + ": 'key' must be a string of at least " + MIN_PLAIN_KEY_CHARS + " characters");
    }
    return new Key(name, scopes, sha256(key));
  }

  /** This set and another: names must stay unique and no key may be listed twice. */
  public ApiKeys plus(ApiKeys other) {
    List<Key> all = new ArrayList<>(keys);
    all.addAll(other.keys);
    return new ApiKeys(checked(all));
  }

  private static List<Key> checked(List<Key> keys) {
    // Linear, by map: a reload parses on an event loop. (Load time needs no constant-time compare.)
    Set<String> names = new LinkedHashSet<>();
    Map<String, String> byDigest = new java.util.HashMap<>();
    for (Key k : keys) {
      if (!names.add(k.name())) throw new IllegalArgumentException("the name '" + k.name() + "' is used by two keys");
      String other = byDigest.putIfAbsent(HexFormat.of().formatHex(k.sha256()), k.name());
      if (other != null) throw new IllegalArgumentException("keys '" + other + "' and '" + k.name() + "' are the same key");
    }
    return keys;
  }

  /**
   * The key {@code presented} is, or null: its SHA-256 is compared with every key's, each in constant time and all of
   * them whatever matched, so the time taken depends on the number of keys only.
   */
  public Key match(String presented) {
    if (presented == null) return null;
    byte[] digest = sha256(presented);
    Key found = null;
    for (Key k : keys) {
      if (MessageDigest.isEqual(k.sha256, digest) && found == null) found = k;
    }
    return found;
  }

  public int size() {
    return keys.size();
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The names with their scopes, in file order: what the reload answer shows (no digests). */
  public Map<String, List<String>> describe() {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (Key k : keys) out.put(k.name(), k.scopes().stream().map(ApiScope::label).toList());
    return out;
  }

  /** The key names, for metric labels (a bounded set: they come from config). */
  public List<String> names() {
    return keys.stream().map(Key::name).toList();
  }

  /** The SHA-256 of a key's UTF-8 text. */
  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "ApiKeys" + describe();
  }
}
