package io.vpush.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that starts a private {@code redis-server} ({@link RedisServer}, {@link RedisCluster}): tag
 * {@value #TAG}, left out of plain {@code mvn test} and run by {@code scripts/test.sh}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(NeedsRedis.TAG)
public @interface NeedsRedis {
  String TAG = "redis";
}
