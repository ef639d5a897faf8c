package io.vpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.vpush.config.Settings;
import io.vpush.config.VPushConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dev banner prints the API key dev mode generated, and never one the operator chose. */
class DevBannerTest {

  private static final String KEY = "operator-chosen-key-0123456789";

  @Test
  void aGeneratedKeyIsPrintedToBeUsed() {
    VPushConfig c = VPushConfig.defaults().with(Map.of(Settings.API_KEY, KEY), "dev secrets file /tmp/x.json");
    assertThat(Help.devBanner(c, 8080)).contains("API key      : " + KEY).contains("Bearer " + KEY);
  }

  @Test
  void aKeyTheOperatorSetOrAKeysFileIsNotPrinted() {
    VPushConfig set = VPushConfig.defaults().with(Map.of(Settings.API_KEY, KEY), "environment variable VPUSH_API_KEY");
    assertThat(Help.devBanner(set, 8080)).doesNotContain(KEY).contains("(api.key from environment variable VPUSH_API_KEY)")
        .contains("Bearer $KEY");
    VPushConfig file = VPushConfig.defaults().with(Map.of(Settings.API_KEYS_FILE, "/etc/vpush/keys.json"), "flag --api.keysFile");
    assertThat(Help.devBanner(file, 8080)).contains("(named keys from /etc/vpush/keys.json)");
  }
}
