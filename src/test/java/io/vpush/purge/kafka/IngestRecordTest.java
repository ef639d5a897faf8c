package io.vpush.purge.kafka;

import io.vpush.purge.PublishRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestRecordTest {

  private static IngestRecord parse(String value) {
    return IngestRecord.of(value == null ? null : value.getBytes(StandardCharsets.UTF_8), "t-1-42",
        (body, id) -> PublishRequest.parse(body, id, 60, 10));
  }

  @Test
  void aRecordWithoutIdGetsTopicPartitionOffset() {
    assertEquals("vpush.messages-3-1007", IngestRecord.generatedId("vpush.messages", 3, 1007));
    IngestRecord.Valid v = assertInstanceOf(IngestRecord.Valid.class, parse("{\"user\":\"u1\",\"payload\":{\"a\":1}}"));
    assertEquals("t-1-42", v.request().id());
    assertEquals("{\"a\":1}", v.request().payload());
  }

  @Test
  void aGivenIdWins() {
    IngestRecord.Valid v = assertInstanceOf(IngestRecord.Valid.class, parse("{\"user\":\"u1\",\"payload\":1,\"id\":\"order-9\"}"));
    assertEquals("order-9", v.request().id());
  }

  @Test
  void invalidRecordsNameTheirReason() {
    assertEquals(IngestRecord.EMPTY, ((IngestRecord.Invalid) parse(null)).reason());
    assertEquals(IngestRecord.EMPTY, ((IngestRecord.Invalid) parse("")).reason());
    assertEquals(IngestRecord.NOT_JSON, ((IngestRecord.Invalid) parse("{not json")).reason());
    assertEquals(IngestRecord.NOT_OBJECT, ((IngestRecord.Invalid) parse("[1,2]")).reason());
    IngestRecord.Invalid missing = assertInstanceOf(IngestRecord.Invalid.class, parse("{\"user\":\"u1\"}"));
    assertEquals(IngestRecord.INVALID, missing.reason());
    assertTrue(missing.message().startsWith("payload:"), missing.message());
  }
}
