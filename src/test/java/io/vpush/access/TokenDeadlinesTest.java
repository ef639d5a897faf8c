package io.vpush.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.auth.TokenClaims;
import org.junit.jupiter.api.Test;

/** When a connection is warned to refresh its token, and when it is closed for want of one; time as an argument. */
class TokenDeadlinesTest {

  private static final long NOW = 1_800_000_000_000L; // epoch ms
  private static final long AHEAD = 60_000;

  @Test
  void aLongTokenIsWarnedTheLeadBeforeItsExp() {
    long exp = NOW / 1000 + 3600;
    assertThat(TokenDeadlines.warnAt(exp, NOW, AHEAD)).isEqualTo(exp * 1000 - AHEAD);
  }

  @Test
  void aTokenShorterThanTwiceTheLeadIsWarnedHalfwayThroughWhatIsLeftOfIt() {
    long exp = NOW / 1000 + 10; // 10 s left, lead 60 s
    assertThat(TokenDeadlines.warnAt(exp, NOW, AHEAD)).isEqualTo(NOW + 5_000);
    // exactly twice the lead: the lead
    long exp2 = NOW / 1000 + 120;
    assertThat(TokenDeadlines.warnAt(exp2, NOW, AHEAD)).isEqualTo(exp2 * 1000 - AHEAD);
  }

  @Test
  void aTokenAtOrPastItsExpIsWarnedAtOnce() {
    long exp = NOW / 1000 - 5; // accepted within the leeway
    assertThat(TokenDeadlines.warnAt(exp, NOW, AHEAD)).isEqualTo(NOW);
    assertThat(TokenDeadlines.warnAt(NOW / 1000, NOW, AHEAD)).isEqualTo(NOW);
  }

  @Test
  void theCloseComesAtExpPlusTheLeeway() {
    long exp = NOW / 1000 + 30;
    assertThat(TokenDeadlines.closeAt(exp, 0)).isEqualTo(exp * 1000);
    assertThat(TokenDeadlines.closeAt(exp, 30_000)).isEqualTo(exp * 1000 + 30_000);
    // the warning always comes before the close
    assertThat(TokenDeadlines.warnAt(exp, NOW, AHEAD)).isLessThan(TokenDeadlines.closeAt(exp, 0));
  }

  @Test
  void aTokenWithoutExpIsNeverWarnedNorClosed() {
    assertThat(TokenDeadlines.warnAt(TokenClaims.NO_EXP, NOW, AHEAD)).isEqualTo(TokenDeadlines.NEVER);
    assertThat(TokenDeadlines.closeAt(TokenClaims.NO_EXP, 30_000)).isEqualTo(TokenDeadlines.NEVER);
  }

  @Test
  void anAbsurdExpDoesNotOverflow() {
    assertThat(TokenDeadlines.closeAt(Long.MAX_VALUE, 3_600_000)).isPositive();
    assertThat(TokenDeadlines.warnAt(Long.MAX_VALUE, NOW, AHEAD)).isGreaterThan(NOW);
  }
}
