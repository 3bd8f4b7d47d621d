package io.statelock.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a client private key from a PEM file as the one PKCS#8 PEM block grpc-java's TLS wants,
 * with the JDK only: PKCS#8 ({@code BEGIN PRIVATE KEY}) as it is, PKCS#1 RSA ({@code BEGIN RSA
 * PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}, as {@code openssl ecparam -genkey}
 * writes it) wrapped into PKCS#8. Other blocks in the file (certificates, EC parameters) are
 * skipped; the key is checked with the JDK's {@link KeyFactory}, so a damaged key fails here, by name.
 */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final String EC_OID = "1.2.840.10045.2.1";
    /** Key algorithms by the OID of a PKCS#8 AlgorithmIdentifier. */
    private static final Map<String, String> ALGORITHMS = Map.of(
            RSA_OID,
            "RSA",
            "1.2.840.113549.1.1.10",
            "RSASSA-PSS",
            EC_OID,
            "EC",
            "1.3.101.112",
            "Ed25519",
            "1.3.101.113",
            "Ed448");

    private Pem() {}

    static byte[] privateKeyPkcs8(Path file) throws IOException {
        return pkcs8Pem(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** The private key in {@code pem} as one PKCS#8 PEM block. */
    static byte[] pkcs8Pem(String pem) throws IOException {
        byte[] pkcs8 = null;
        Matcher m = BLOCK.matcher(pem);
        while (m.find() && pkcs8 == null) {
            String label = m.group(1);
            String body = m.group(2);
            if (label.equals("ENCRYPTED PRIVATE KEY")
                    || (label.endsWith("PRIVATE KEY") && body.contains("ENCRYPTED"))) {
                throw new IOException(
                        "encrypted private keys are not supported: decrypt it (openssl pkcs8 -topk8 -nocrypt)");
            }
            switch (label) {
                case "PRIVATE KEY" -> pkcs8 = decode(body);
                case "RSA PRIVATE KEY" -> pkcs8 = wrap(Der.sequence(Der.oid(RSA_OID), Der.NULL), decode(body));
                case "EC PRIVATE KEY" -> {
                    byte[] sec1 = decode(body);
                    pkcs8 = wrap(Der.sequence(Der.oid(EC_OID), curveOf(sec1)), sec1);
                }
                default -> {} // a certificate or EC parameters next to the key
            }
        }
        if (pkcs8 == null) {
            throw new IOException("no PEM private key found (expected BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or "
                    + "BEGIN EC PRIVATE KEY; convert others with openssl pkcs8 -topk8 -nocrypt)");
        }
        check(pkcs8);
        String out = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
        return out.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] decode(String body) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IOException("the private key's PEM block is not valid base64: " + e.getMessage(), e);
        }
    }

    /** PrivateKeyInfo (RFC 5208): version 0, the algorithm, the key as an octet string. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return Der.sequence(new byte[] {0x02, 0x01, 0x00}, algorithm, Der.tlv(0x04, key));
    }

    /**
     * The named curve of a SEC1 ECPrivateKey (RFC 5915: SEQUENCE {version, privateKey, [0]
     * parameters, [1] publicKey}), as its DER OID; openssl always writes the [0] parameters.
     */
    private static byte[] curveOf(byte[] sec1) throws IOException {
        Der.Reader key = new Der.Reader(sec1).enter(0x30);
        key.skip(0x02); // version
        key.skip(0x04); // private key
        while (key.hasMore()) {
            int tag = key.peekTag();
            byte[] content = key.read(tag);
            if (tag == 0xa0) {
                Der.Reader params = new Der.Reader(content);
                if (params.peekTag() != 0x06) {
                    throw new IOException(
                            "the EC private key has explicit curve parameters: only named curves are supported");
                }
                return Der.tlv(0x06, params.read(0x06));
            }
        }
        throw new IOException("the EC private key names no curve: convert it with openssl pkcs8 -topk8 -nocrypt");
    }

    /** Decodes the key with the JDK, so that a damaged or unknown key fails here, by name. */
    private static void check(byte[] pkcs8) throws IOException {
        String oid;
        try {
            Der.Reader info = new Der.Reader(pkcs8).enter(0x30);
            info.skip(0x02);
            oid = Der.oidString(new Der.Reader(info.read(0x30)).read(0x06));
        } catch (IOException | RuntimeException e) {
            throw new IOException("the private key is not valid PKCS#8: " + e.getMessage(), e);
        }
        String algorithm = ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new IOException("unsupported private key algorithm " + oid + " (RSA, EC, Ed25519 and Ed448 work)");
        }
        try {
            KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IOException("the " + algorithm + " private key cannot be read: " + e.getMessage(), e);
        }
    }
}
