package io.vpush.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test that starts a Kafka broker ({@link KafkaBroker}): tag {@value #TAG}, left out of plain
 * {@code mvn test} and run by {@code scripts/test.sh}, which resolves the broker's jars.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(NeedsKafka.TAG)
public @interface NeedsKafka {
  String TAG = "kafka";
}
