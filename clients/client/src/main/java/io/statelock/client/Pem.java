package io.statelock.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Reads a client private key as PKCS#8 PEM (what grpc-java's TLS wants), converting PKCS#1 RSA. */
final class Pem {
  private static final byte[] RSA_ALGORITHM = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private Pem() {}

  static byte[] privateKeyPkcs8(Path file) throws IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    if (pem.contains("ENCRYPTED")) {
      throw new IOException("encrypted private keys are not supported: decrypt it (openssl pkcs8 -topk8 -nocrypt)");
    }
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      return pem.getBytes(StandardCharsets.US_ASCII);
    }
    String begin = "-----BEGIN RSA PRIVATE KEY-----";
    String end = "-----END RSA PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException("not a PEM private key (expected BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY; "
          + "convert others with openssl pkcs8 -topk8 -nocrypt)");
    }
    byte[] pkcs1 = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0x02, 0x01, 0x00});
    body.write(RSA_ALGORITHM);
    body.write(0x04);
    writeLength(body, pkcs1.length);
    body.write(pkcs1);
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    der.write(0x30);
    writeLength(der, body.size());
    body.writeTo(der);
    String out = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der.toByteArray())
        + "\n-----END PRIVATE KEY-----\n";
    return out.getBytes(StandardCharsets.US_ASCII);
  }

  private static void writeLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len & 0xff);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write((len >> 8) & 0xff);
      out.write(len & 0xff);
    }
  }
}
