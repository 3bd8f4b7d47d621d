package io.statelock.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test JWTs as GitHub Actions issues them: an RSA key pair generated here, its public key as PEM (what the
 * service's {@code mp.jwt.verify.publickey.location} reads), and RS256 tokens signed with the JDK.
 */
public final class JwtSigner {
    public static final String ISSUER = "https://token.actions.githubusercontent.com";
    public static final String AUDIENCE = "statelock";

    private final KeyPair keys;

    public JwtSigner() {
        this(generateKeys());
    }

    public JwtSigner(KeyPair keys) {
        this.keys = keys;
    }

    public KeyPair keys() {
        return keys;
    }

    /** A fresh 2048-bit RSA key pair. */
    public static KeyPair generateKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code key} as a PEM {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo). */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Writes this signer's public key as PEM to {@code file}; returns it. */
    public Path writePublicKeyPem(Path file) throws IOException {
        Files.writeString(file, pem(keys.getPublic()));
        return file;
    }

    /** A token from {@link #ISSUER} for {@code audience}: issued now, expiring after {@code lifetimeSeconds}. */
    public String sign(String subject, Map<String, Object> claims, String audience, long lifetimeSeconds) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", ISSUER);
        payload.put("sub", subject);
        payload.put("aud", audience);
        payload.put("iat", now);
        payload.put("exp", now + lifetimeSeconds);
        payload.putAll(claims);
        return sign(payload);
    }

    /** RS256 over exactly {@code payload} (strings, numbers, booleans, lists and maps of those). */
    public String sign(Map<String, Object> payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(json(payload).getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(keys.getPrivate());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(Object value) {
        if (value instanceof String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                // Quote, backslash and control characters escaped: the rest of a claim is plain text.
                if (c == '"' || c == '\\') out.append('\\').append(c);
                else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                else out.append(c);
            }
            return out.append('"').toString();
        }
        if (value instanceof Number || value instanceof Boolean) return value.toString();
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Object o : list) out.append(out.length() > 1 ? "," : "").append(json(o));
            return out.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            map.forEach((k, v) -> out.append(out.length() > 1 ? "," : "")
                    .append(json(k.toString()))
                    .append(':')
                    .append(json(v)));
            return out.append('}').toString();
        }
        throw new IllegalArgumentException("not a JSON claim value: " + value);
    }
}
