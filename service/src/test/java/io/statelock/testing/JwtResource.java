package io.statelock.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Authentication on for a {@code @QuarkusTest}: key pairs from the test kit's {@link JwtSigner}, the
 * public key as a PEM file, a policy file, and helpers to sign GitHub-Actions-like tokens.
 */
public class JwtResource implements QuarkusTestResourceLifecycleManager {
    public static final String ISSUER = JwtSigner.ISSUER;
    public static final String AUDIENCE = JwtSigner.AUDIENCE;
    public static final KeyPair KEYS = JwtSigner.generateKeys();
    public static final KeyPair OTHER_KEYS = JwtSigner.generateKeys();

    public static final String POLICY = """
            rules:
              - match: { repository: "acme/network", ref: "refs/heads/main" }
                role: locker
                keys: ["teams/${repository}/**", "shared/network/*"]
              - match: { sub: "repo:acme/*:pull_request" }
                role: reader
                keys: ["**"]
              - match: { groups: "platform-admins" }
                role: admin
                keys: ["**"]
            """;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("statelock-jwt");
            Path pem = dir.resolve("public.pem");
            Files.writeString(pem, JwtSigner.pem(KEYS.getPublic()));
            Path policy = dir.resolve("policy.yaml");
            Files.writeString(policy, POLICY);
            return Map.of(
                    "statelock.auth.mode",
                    "jwt",
                    "statelock.auth.policy-file",
                    policy.toString(),
                    "statelock.auth.leeway",
                    "1s",
                    "mp.jwt.verify.publickey.location",
                    pem.toUri().toString(),
                    "mp.jwt.verify.issuer",
                    ISSUER,
                    "mp.jwt.verify.audiences",
                    AUDIENCE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {}

    /** The subject of {@link #deployToken}. */
    public static final String DEPLOY_SUBJECT = "repo:acme/network:ref:refs/heads/main";

    /** A token for the main branch of acme/network (role locker on teams/acme/network/**). */
    public static String deployToken(long lifetimeSeconds) {
        return token(DEPLOY_SUBJECT, Map.of("repository", "acme/network", "ref", "refs/heads/main"), lifetimeSeconds);
    }

    /** A platform admin's token (subject alice@platform, group platform-admins: admin on everything). */
    public static String adminToken(long lifetimeSeconds) {
        return token("alice@platform", Map.of("groups", List.of("platform-admins")), lifetimeSeconds);
    }

    /** A pull-request job's token of acme/web (reader on everything). */
    public static String pullRequestToken(long lifetimeSeconds) {
        return token("repo:acme/web:pull_request", Map.of("repository", "acme/web"), lifetimeSeconds);
    }

    public static String token(String subject, Map<String, Object> claims, long lifetimeSeconds) {
        return builder(subject, claims, lifetimeSeconds).sign(KEYS.getPrivate());
    }

    public static io.smallrye.jwt.build.JwtClaimsBuilder builder(
            String subject, Map<String, Object> claims, long lifetimeSeconds) {
        long now = Instant.now().getEpochSecond();
        var b = Jwt.issuer(ISSUER)
                .subject(subject)
                .audience(AUDIENCE)
                .issuedAt(now)
                .expiresAt(now + lifetimeSeconds);
        claims.forEach((k, v) -> {
            if (v instanceof List<?> list) b.claim(k, list);
            else b.claim(k, v);
        });
        return b;
    }
}
