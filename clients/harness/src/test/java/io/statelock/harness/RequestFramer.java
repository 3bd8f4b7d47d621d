package io.statelock.harness;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cuts what a caller sends on one HTTP/1.1 connection to a store into whole requests, so that the
 * proxy forwards a request only once its head and its {@code Content-Length} body have all arrived:
 * a caller gone mid-request (a replica killed mid-send, a dropped link) leaves the store nothing
 * half-read. dynalite 4.0.0 throws on such a request ({@code Error: aborted}) and exits.
 *
 * <p>What it cannot frame it passes on as it comes, for the rest of the connection ("raw"): bytes
 * that are not an HTTP/1.1 request, a chunked body, a body too big to hold, and a request with
 * {@code Expect: 100-continue}, whose head the store must see before the caller sends the body (and
 * whose body may never come if the store answers at once). Only S3 uploads send those, and s3proxy
 * survives a half-sent request; the DynamoDB client sends {@code Content-Length} bodies only.
 * In raw mode a chunk that starts with a request line still names the request in flight.
 */
final class RequestFramer {
  /** The SDK's request line and headers take under 4 KiB; a longer "head" is not one of its requests. */
  private static final int MAX_HEAD = 64 * 1024;
  /** State objects and DynamoDB items are far smaller; a bigger body is streamed rather than held. */
  private static final long MAX_BODY = 8L * 1024 * 1024;
  private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * Bytes to forward, in order.
   *
   * @param request the request these bytes start, or null when they continue one
   */
  record Piece(byte[] bytes, StoreRequest request) {}

  /** Bytes received and not yet forwarded: the start of an incomplete request. */
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean raw;

  /** @param raw true to pass everything on as it comes (a link that is not HTTP/1.1, such as gRPC's HTTP/2) */
  RequestFramer(boolean raw) {
    this.raw = raw;
  }

  /** True once the connection is passed on as it comes. */
  boolean raw() {
    return raw;
  }

  /** Takes the next {@code n} bytes from the caller; returns what can be forwarded now (maybe nothing). */
  List<Piece> feed(byte[] buf, int n) {
    List<Piece> out = new ArrayList<>();
    if (raw) {
      out.add(new Piece(Arrays.copyOf(buf, n), StoreRequest.startingIn(buf, n)));
      return out;
    }
    pending.write(buf, 0, n);
    byte[] all = pending.toByteArray();
    int from = 0;
    while (from < all.length) {
      int headEnd = indexOf(all, HEAD_END, from);
      String firstLine = firstLine(all, from, headEnd < 0 ? all.length : headEnd);
      if (firstLine == null && headEnd < 0 && all.length - from <= MAX_HEAD) {
        break; // not even a request line yet: wait for more
      }
      if (firstLine == null || !firstLine.endsWith(" HTTP/1.1") || (headEnd < 0 && all.length - from > MAX_HEAD)) {
        return goRaw(all, from, out);
      }
      if (headEnd < 0) {
        break; // the head is still coming
      }
      int bodyStart = headEnd + HEAD_END.length;
      String head = new String(all, from, bodyStart - from, StandardCharsets.ISO_8859_1);
      long length = contentLength(head);
      if (length < 0 || length > MAX_BODY || header(head, "transfer-encoding") != null
          || "100-continue".equalsIgnoreCase(header(head, "expect"))) {
        return goRaw(all, from, out);
      }
      if (all.length - bodyStart < length) {
        break; // the body is still coming
      }
      int end = bodyStart + (int) length;
      byte[] request = Arrays.copyOfRange(all, from, end);
      out.add(new Piece(request, StoreRequest.startingIn(request, request.length)));
      from = end;
    }
    pending.reset();
    pending.write(all, from, all.length - from);
    return out;
  }

  private List<Piece> goRaw(byte[] all, int from, List<Piece> out) {
    raw = true;
    byte[] rest = Arrays.copyOfRange(all, from, all.length);
    out.add(new Piece(rest, StoreRequest.startingIn(rest, rest.length)));
    pending.reset();
    return out;
  }

  /** The request line starting at {@code from}, or null while its end has not arrived. */
  private static String firstLine(byte[] all, int from, int limit) {
    int lineEnd = indexOf(all, new byte[] {'\r', '\n'}, from);
    if (lineEnd < 0 || lineEnd > limit) {
      return null;
    }
    return new String(all, from, lineEnd - from, StandardCharsets.ISO_8859_1);
  }

  /** The body's length: 0 without a {@code Content-Length} (a request has no body then), -1 if it is not a number. */
  private static long contentLength(String head) {
    String value = header(head, "content-length");
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The value of the first header named {@code lowerName} (names are case-insensitive), or null. */
  static String header(String head, String lowerName) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(lowerName)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }

  private static int indexOf(byte[] all, byte[] what, int from) {
    outer:
    for (int i = from; i <= all.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (all[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
