package io.statelock.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whole requests out of the bytes a caller sends, however they are cut. */
class RequestFramerTest {
  private static final String PUT_ITEM = "POST / HTTP/1.1\r\nHost: h\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n"
      + "content-length: 5\r\n\r\nhello";
  private static final String GET_ITEM = "POST / HTTP/1.1\r\nHost: h\r\nX-Amz-Target: DynamoDB_20120810.GetItem\r\n"
      + "Content-Length: 2\r\n\r\n{}";

  private final RequestFramer framer = new RequestFramer(false);

  private List<RequestFramer.Piece> feed(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return framer.feed(b, b.length);
  }

  private static String text(RequestFramer.Piece p) {
    return new String(p.bytes(), StandardCharsets.US_ASCII);
  }

  @Test
  void aRequestCutAnywhereIsForwardedOnlyWhenItsLastByteArrives() {
    for (int cut = 1; cut < PUT_ITEM.length(); cut++) {
      RequestFramer f = new RequestFramer(false);
      byte[] b = PUT_ITEM.getBytes(StandardCharsets.US_ASCII);
      assertEquals(List.of(), f.feed(b, cut), "cut at " + cut);
      byte[] rest = PUT_ITEM.substring(cut).getBytes(StandardCharsets.US_ASCII);
      List<RequestFramer.Piece> out = f.feed(rest, rest.length);
      assertEquals(1, out.size());
      assertEquals(PUT_ITEM, text(out.get(0)));
      assertEquals(new StoreRequest("PutItem", true), out.get(0).request());
    }
  }

  @Test
  void requestsSentTogetherAreForwardedOneByOneAndAnIncompleteThirdIsHeld() {
    List<RequestFramer.Piece> out = feed(PUT_ITEM + GET_ITEM + GET_ITEM.substring(0, 20));
    assertEquals(List.of(PUT_ITEM, GET_ITEM), out.stream().map(RequestFramerTest::text).toList());
    assertEquals(List.of("PutItem", "GetItem"), out.stream().map(p -> p.request().name()).toList());
    assertEquals(List.of(GET_ITEM), feed(GET_ITEM.substring(20)).stream().map(RequestFramerTest::text).toList());
    assertFalse(framer.raw());
  }

  @Test
  void aRequestWithoutContentLengthHasNoBody() {
    String get = "GET /bucket/k HTTP/1.1\r\nHost: h\r\n\r\n";
    List<RequestFramer.Piece> out = feed(get);
    assertEquals(List.of(get), out.stream().map(RequestFramerTest::text).toList());
    assertEquals(new StoreRequest("GET /bucket/k", false), out.get(0).request());
  }

  @Test
  void anUploadThatWaitsFor100ContinueIsPassedOnAsItComes() {
    String head = "PUT /bucket/k HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n";
    List<RequestFramer.Piece> out = feed(head);
    assertEquals(List.of(head), out.stream().map(RequestFramerTest::text).toList(), "the head goes at once");
    assertEquals(new StoreRequest("PUT /bucket/k", true), out.get(0).request());
    assertTrue(framer.raw());
    List<RequestFramer.Piece> body = feed("01234");
    assertEquals("01234", text(body.get(0)));
    assertEquals(null, body.get(0).request(), "a body's bytes start no request");
  }

  @Test
  void whatIsNotHttp11IsPassedOnAsItComes() {
    List<RequestFramer.Piece> out = new ArrayList<>(feed("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    assertEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", text(out.get(0)));
    assertTrue(framer.raw());
    byte[] frame = {0, 0, 4, 8, 0, 0, 0, 0, 0};
    assertEquals(9, framer.feed(frame, frame.length).get(0).bytes().length);
  }
}
