package io.vpush.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The delay-queue key of a (user, id) pair is one pair's only ({@code id@user} was not). */
class ScheduledMessageTest {

  private static final String ALPHABET = "a@:|10 \u00e9";

  @Test
  void theOnceCollidingPairsGetTwoKeys() {
    assertThat(ScheduledMessage.key("b@c", "a")).isNotEqualTo(ScheduledMessage.key("c", "a@b"));
  }

  /** Every pair of short strings over separators and digits, and a fixed-seed sample of longer ones: no key shared. */
  @Test
  void noTwoPairsShareAKey() {
    Map<String, List<String>> seen = new HashMap<>();
    List<String> shortOnes = new java.util.ArrayList<>();
    collect("", 3, shortOnes);   // every string of up to 3 characters over the alphabet
    for (String user : shortOnes) {
      for (String id : shortOnes) put(seen, user, id);
    }
    Random random = new Random(21);
    for (int i = 0; i < 200_000; i++) put(seen, randomString(random), randomString(random));
  }

  private static void put(Map<String, List<String>> seen, String user, String id) {
    List<String> pair = List.of(user, id);
    List<String> before = seen.putIfAbsent(ScheduledMessage.key(user, id), pair);
    assertThat(before == null || before.equals(pair)).as("%s and %s share a key", before, pair).isTrue();
  }

  private static void collect(String prefix, int depth, List<String> out) {
    out.add(prefix);
    if (depth == 0) return;
    for (char c : ALPHABET.toCharArray()) collect(prefix + c, depth - 1, out);
  }

  private static String randomString(Random random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    return b.toString();
  }
}
