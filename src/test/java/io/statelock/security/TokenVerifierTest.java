package io.statelock.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.testing.JwtResource;
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

/** Tokens with each fault a CI token can have are rejected; a merely expired one is told apart. */
class TokenVerifierTest {
    @TempDir
    Path dir;
    TokenVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        Path pem = dir.resolve("public.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(JwtResource.KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        verifier = new TokenVerifier(pem.toUri().toString(), JwtResource.ISSUER, Set.of(JwtResource.AUDIENCE), 1);
    }

    @Test
    void aValidGitHubStyleTokenGivesSubjectAndClaims() {
        Caller caller = verifier.verify(JwtResource.token("repo:acme/network:ref:refs/heads/main",
                Map.of("repository", "acme/network", "environment", "prod", "groups", List.of("a", "b")), 300));
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
        String issuer = io.smallrye.jwt.build.Jwt.issuer("https://evil.example").subject("s").audience(JwtResource.AUDIENCE)
                .issuedAt(now).expiresAt(now + 300).sign(JwtResource.KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(issuer)).isInstanceOf(UnauthenticatedException.class);
        String audience = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER).subject("s").audience("someone-else")
                .issuedAt(now).expiresAt(now + 300).sign(JwtResource.KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(audience)).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void notYetValidAndMissingAndGarbageAreRejected() {
        long now = Instant.now().getEpochSecond();
        String future = JwtResource.builder("s", Map.of(), 600).claim("nbf", now + 300).sign(JwtResource.KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(future)).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> verifier.verify("")).isInstanceOf(UnauthenticatedException.class);
        assertThatThrownBy(() -> verifier.verify("not.a.jwt")).isInstanceOf(UnauthenticatedException.class);
    }

    @Test
    void anExpiredButOtherwiseValidTokenIsMarkedExpired() {
        long now = Instant.now().getEpochSecond();
        String expired = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER).subject("s").audience(JwtResource.AUDIENCE)
                .issuedAt(now - 600).expiresAt(now - 60).sign(JwtResource.KEYS.getPrivate());
        Caller caller = verifier.verify(expired);
        assertThat(caller.tokenExpired()).isTrue();
        assertThat(caller.tokenExpiresAtMs()).isLessThan(System.currentTimeMillis());
        String expiredForged = io.smallrye.jwt.build.Jwt.issuer(JwtResource.ISSUER).subject("s").audience(JwtResource.AUDIENCE)
                .issuedAt(now - 600).expiresAt(now - 60).sign(JwtResource.OTHER_KEYS.getPrivate());
        assertThatThrownBy(() -> verifier.verify(expiredForged)).isInstanceOf(UnauthenticatedException.class);
    }
}
