package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client keys in the PEM forms people have, read as PKCS#8 with the JDK alone. */
class PemTest {
    @TempDir
    Path dir;

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /** The PKCS#8 DER of the one block {@link Pem} returns. */
    private static byte[] pkcs8(String input) throws IOException {
        String out = new String(Pem.pkcs8Pem(input), StandardCharsets.US_ASCII);
        assertTrue(out.startsWith("-----BEGIN PRIVATE KEY-----\n") && out.endsWith("-----END PRIVATE KEY-----\n"), out);
        return Base64.getMimeDecoder().decode(out.replaceAll("-----[A-Z ]+-----", ""));
    }

    private static PrivateKey decode(String algorithm, byte[] pkcs8) throws Exception {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    @Test
    void pkcs8KeysPassAsTheyAreAndOtherBlocksAreSkipped() throws Exception {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            byte[] der = g.generateKeyPair().getPrivate().getEncoded();
            String file = pem("CERTIFICATE", new byte[] {0x30, 0x00}) + pem("PRIVATE KEY", der);
            assertArrayEquals(der, pkcs8(file), algorithm);
        }
    }

    @Test
    void pkcs1RsaIsWrappedIntoTheSameKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey key = g.generateKeyPair().getPrivate();
        // PKCS#8's octet string holds the PKCS#1 RSAPrivateKey: what BEGIN RSA PRIVATE KEY carries.
        Der.Reader info = new Der.Reader(key.getEncoded()).enter(0x30);
        info.skip(0x02);
        info.skip(0x30);
        byte[] pkcs1 = info.read(0x04);
        assertEquals(key, decode("RSA", pkcs8(pem("RSA PRIVATE KEY", pkcs1))));
    }

    /** What {@code openssl ecparam -genkey} and {@code openssl genrsa -traditional} write. */
    @Test
    void opensslTraditionalKeysAreRead() throws Exception {
        assumeTrue(openssl("version"), "openssl is not installed");
        assertTrue(openssl("ecparam", "-genkey", "-name", "prime256v1", "-out", "ec.pem"));
        assertTrue(openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec.pem", "-out", "ec-pkcs8.pem"));
        assertTrue(openssl("genrsa", "-traditional", "-out", "rsa.pem", "2048"));
        assertTrue(openssl("pkcs8", "-topk8", "-nocrypt", "-in", "rsa.pem", "-out", "rsa-pkcs8.pem"));
        assertTrue(Files.readString(dir.resolve("ec.pem")).contains("BEGIN EC PARAMETERS"));
        // Same secret on the same curve (the encodings differ: openssl's PKCS#8 drops the inner curve).
        ECPrivateKey expected = (ECPrivateKey) decode("EC", pkcs8(Files.readString(dir.resolve("ec-pkcs8.pem"))));
        ECPrivateKey actual = (ECPrivateKey) decode("EC", pkcs8(Files.readString(dir.resolve("ec.pem"))));
        assertEquals(expected.getS(), actual.getS());
        assertEquals(expected.getParams().getOrder(), actual.getParams().getOrder());
        assertEquals(
                decode("RSA", pkcs8(Files.readString(dir.resolve("rsa-pkcs8.pem")))),
                decode("RSA", pkcs8(Files.readString(dir.resolve("rsa.pem")))));
    }

    @Test
    void encryptedDamagedAndMissingKeysAreRefusedByName() {
        IOException encrypted =
                assertThrows(IOException.class, () -> Pem.pkcs8Pem(pem("ENCRYPTED PRIVATE KEY", new byte[4])));
        assertTrue(encrypted.getMessage().contains("encrypted"), encrypted.getMessage());
        IOException legacy = assertThrows(
                IOException.class,
                () -> Pem.pkcs8Pem("-----BEGIN RSA PRIVATE KEY-----\n"
                        + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"));
        assertTrue(legacy.getMessage().contains("encrypted"), legacy.getMessage());
        IOException damaged = assertThrows(
                IOException.class, () -> Pem.pkcs8Pem(pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01})));
        assertTrue(damaged.getMessage().contains("PKCS#8"), damaged.getMessage());
        IOException none =
                assertThrows(IOException.class, () -> Pem.pkcs8Pem(pem("CERTIFICATE", new byte[] {0x30, 0x00})));
        assertTrue(none.getMessage().contains("no PEM private key"), none.getMessage());
    }

    @Test
    void oidsRoundTrip() {
        for (String oid : List.of("1.2.840.113549.1.1.1", "1.2.840.10045.3.1.7", "1.3.101.112", "2.5.4.3")) {
            byte[] der = Der.oid(oid);
            assertEquals(oid, Der.oidString(java.util.Arrays.copyOfRange(der, 2, der.length)));
        }
    }

    private boolean openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false; // not installed
        }
    }
}
