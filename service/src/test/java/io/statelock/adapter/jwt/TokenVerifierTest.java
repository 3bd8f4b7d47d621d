package io.statelock.adapter.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.statelock.security.Caller;
import io.statelock.security.UnauthenticatedException;
import io.statelock.testing.JwtResource;
import io.statelock.testing.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens with each fault a CI token can have are rejected, each with its reason in fixed words and
 * nothing of the token; a merely expired one is told apart.
 */
class TokenVerifierTest {
    @TempDir
    Path dir;

    TokenVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        Path pem = dir.resolve("public.pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes())
                                .encodeToString(JwtResource.KEYS.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        verifier = new TokenVerifier(pem.toUri().toString(), JwtResource.ISSUER, Set.of(JwtResource.AUDIENCE), 1);
    }

    @Test
    void aValidGitHubStyleTokenGivesSubjectAndClaims() {
        Caller caller = verifier.verify(JwtResource.token(
                "repo:acme/network:ref:refs/heads/main",
                Map.of("repository", "acme/network", "environment", "prod", "groups", List.of("a", "b")),
                300));
        assertThat(caller.subject()).isEqualTo("repo:acme/network:ref:refs/heads/main");
        assertThat(caller.claimValues("repository")).containsExactly("acme/network");
        assertThat(caller.claimValues("groups")).containsExactlyInAnyOrder("a", "b");
        assertThat(caller.tokenExpired()).isFalse();
    }

    @Test
    void forgedSignatureIsRejected() {
        String forged = JwtResource.builder("mallory", Map.of(), 300).sign(JwtResource.OTHER_KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void wrongIssuerAndWrongAudienceAreRejected() {
        long now = Instant.now().getEpochSecond();
        String issuer = io.smallrye.jwt.build.Jwt.issuer("https://evil.example")
                .subject("s")
                .audience(JwtResource.AUDIENCE)
                .issuedAt(now)
                .expiresAt(now + 300)
                .sign(JwtResource.KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(issuer)).isInstanceOf(UnauthenticatedException.class);
        String audience = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                .subject("s")
                .audience("someone-else")
                .issuedAt(now)
                .expiresAt(now + 300)
                .sign(JwtResource.KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(audience)).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void notYetValidAndMissingAndGarbageAreRejected() {
        long now = Instant.now().getEpochSecond();
        String future =
                JwtResource.builder("s", Map.of(), 600).claim("nbf", now + 300).sign(JwtResource.KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(future)).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> verifier.verify("")).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> verifier.verify("not.a.jwt")).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void anExpiredButOtherwiseValidTokenIsMarkedExpired() {
        long now = Instant.now().getEpochSecond();
        String expired = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                .subject("s")
                .audience(JwtResource.AUDIENCE)
                .issuedAt(now - 600)
                .expiresAt(now - 60)
                .sign(JwtResource.KEYS.getPrivate());
        Caller caller = verifier.verify(expired);
        assertThat(caller.tokenExpired()).isTrue();
        assertThat(caller.tokenExpiresAtMs()).isLessThan(System.currentTimeMillis());
        String expiredForged = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                .subject("s")
                .audience(JwtResource.AUDIENCE)
                .issuedAt(now - 600)
                .expiresAt(now - 60)
                .sign(JwtResource.OTHER_KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(expiredForged)).isInstanceOf(UnauthenticatedException.class);
    }

    /** The reason {@code token} is refused; it must hold no part of the token. */
    private String rejection(TokenVerifier v, String token) {
        Throwable e = catchThrowable(() -> v.verify(token));
        assertThat(e).isInstanceOf(UnauthenticatedException.class);
        Secrets.assertNoPartOf("the refusal", e.getMessage(), token);
        return e.getMessage();
    }

    @Test
    void eachRefusalSaysWhyInFixedWordsAndNeverRepeatsTheToken() throws Exception {
        long now = Instant.now().getEpochSecond();
        var valid = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                .subject("repo:acme/x:ref:refs/heads/main")
                .audience(JwtResource.AUDIENCE)
                .issuedAt(now)
                .expiresAt(now + 300);
        assertThat(rejection(
                        verifier,
                        JwtResource.builder("mallory", Map.of(), 300).sign(JwtResource.OTHER_KEYS.getPrivate())))
                .isEqualTo("invalid token: bad signature (not signed by the configured key)");
        assertThat(rejection(
                        verifier,
                        io.smallrye.jwt.build.Jwt.issuer("https://gitlab.example")
                                .subject("s")
                                .audience(JwtResource.AUDIENCE)
                                .issuedAt(now)
                                .expiresAt(now + 300)
                                .sign(JwtResource.KEYS.getPrivate())))
                .isEqualTo("invalid token: unknown issuer (expected " + JwtResource.ISSUER + ")");
        assertThat(rejection(
                        verifier,
                        io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                                .subject("s")
                                .audience("sts.amazonaws.com")
                                .issuedAt(now)
                                .expiresAt(now + 300)
                                .sign(JwtResource.KEYS.getPrivate())))
                .isEqualTo("invalid token: wrong audience (expected statelock)");
        // Past the 30 days an expired token still identifies a lease holder: refused, with its exp time.
        long exp = now - TokenVerifier.EXPIRED_GRACE_SECONDS - 3600;
        assertThat(rejection(
                        verifier,
                        io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                                .subject("s")
                                .audience(JwtResource.AUDIENCE)
                                .issuedAt(exp - 600)
                                .expiresAt(exp)
                                .sign(JwtResource.KEYS.getPrivate())))
                .isEqualTo("invalid token: expired " + Instant.ofEpochSecond(exp));
        assertThat(rejection(
                        verifier,
                        JwtResource.builder("s", Map.of(), 600)
                                .claim("nbf", now + 300)
                                .sign(JwtResource.KEYS.getPrivate())))
                .isEqualTo("invalid token: not yet valid (nbf " + Instant.ofEpochSecond(now + 300) + ")");
        assertThat(rejection(verifier, valid.signWithSecret("0123456789abcdef0123456789abcdef0123456789abcdef")))
                .isEqualTo("invalid token: unsupported algorithm HS256");
        assertThat(rejection(
                        verifier,
                        io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                                .audience(JwtResource.AUDIENCE)
                                .issuedAt(now)
                                .expiresAt(now + 300)
                                .sign(JwtResource.KEYS.getPrivate())))
                .isEqualTo("invalid token: no subject (sub claim)");
        String malformed =
                "invalid token: malformed token (not a JWT: three base64url parts, header.payload.signature)";
        // Garbage: a password, text, bytes that are not UTF-8, a token cut short, a header that is not JSON.
        String signed = valid.sign(JwtResource.KEYS.getPrivate());
        for (String garbage : List.of(
                "hunter2-correct-horse-battery",
                "not.a.jwt",
                new String(
                        new byte[] {(byte) 0xff, (byte) 0xfe, 'a', '.', (byte) 0xc3, '.', 'c'},
                        java.nio.charset.StandardCharsets.ISO_8859_1),
                signed.substring(0, signed.lastIndexOf('.')),
                "bm90IGpzb24." + signed.substring(signed.indexOf('.') + 1))) {
            assertThat(rejection(verifier, garbage)).as(garbage).isEqualTo(malformed);
        }
        assertThat(rejection(verifier, "e30." + signed.substring(signed.indexOf('.') + 1)))
                .as("header {}")
                .isEqualTo("invalid token: unsupported algorithm (the header names no JOSE algorithm)");
    }

    @Test
    void aTokenWhoseKeyIdTheIssuersKeysDoNotHaveIsNoSuchKeyId() throws Exception {
        org.jose4j.jwk.RsaJsonWebKey jwk =
                new org.jose4j.jwk.RsaJsonWebKey((java.security.interfaces.RSAPublicKey) JwtResource.KEYS.getPublic());
        jwk.setKeyId("key-2026");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new org.jose4j.jwk.JsonWebKeySet(jwk).toJson());
        TokenVerifier fromJwks =
                new TokenVerifier(jwks.toUri().toString(), JwtResource.ISSUER, Set.of(JwtResource.AUDIENCE), 1);
        long now = Instant.now().getEpochSecond();
        var claims = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER)
                .subject("s")
                .audience(JwtResource.AUDIENCE)
                .issuedAt(now)
                .expiresAt(now + 300);
        assertThat(fromJwks.verify(claims.jws().keyId("key-2026").sign(JwtResource.KEYS.getPrivate()))
                        .subject())
                .isEqualTo("s");
        assertThat(rejection(fromJwks, claims.jws().keyId("key-2025").sign(JwtResource.OTHER_KEYS.getPrivate())))
                .startsWith("invalid token: no such key id");
    }
}
