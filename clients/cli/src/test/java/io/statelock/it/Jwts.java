package io.statelock.it;

import io.statelock.testing.JwtSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Authentication for the packaged service in tests: the test kit's {@link JwtSigner} (an RSA key
 * pair, its public key as PEM, RS256 tokens), a policy file and the service settings.
 */
final class Jwts {
    static final String ISSUER = JwtSigner.ISSUER;
    static final String AUDIENCE = JwtSigner.AUDIENCE;
    /** Locker on teams/acme/**: a main-branch deploy job of acme/network. */
    static final String LOCKER_SUBJECT = "repo:acme/network:ref:refs/heads/main";
    /** Reader everywhere: a pull-request job. */
    static final String READER_SUBJECT = "repo:acme/network:pull_request";

    static final String POLICY = """
      rules:
        - match: { repository: "acme/network", ref: "refs/heads/main" }
          role: locker
          keys: ["teams/acme/**"]
        - match: { sub: "repo:acme/*:pull_request" }
          role: reader
          keys: ["**"]
        - match: { groups: "platform-admins" }
          role: admin
          keys: ["**"]
      """;

    private final JwtSigner signer = new JwtSigner();
    final Path publicKeyPem;
    final Path policy;

    Jwts(Path dir) throws Exception {
        publicKeyPem = signer.writePublicKeyPem(dir.resolve("jwt-public.pem"));
        policy = dir.resolve("policy.yaml");
        Files.writeString(policy, POLICY);
    }

    /** Service settings: jwt mode with this key and policy, 1 s leeway (so expiry shows quickly). */
    List<String> serviceProperties() {
        return List.of(
                "statelock.auth.mode=jwt",
                "statelock.auth.policy-file=" + policy,
                "statelock.auth.leeway=1s",
                "mp.jwt.verify.publickey.location=" + publicKeyPem.toUri(),
                "mp.jwt.verify.issuer=" + ISSUER,
                "mp.jwt.verify.audiences=" + AUDIENCE);
    }

    String locker(long lifetimeSeconds) {
        return sign(
                LOCKER_SUBJECT,
                Map.of("repository", "acme/network", "ref", "refs/heads/main"),
                AUDIENCE,
                lifetimeSeconds);
    }

    String reader(long lifetimeSeconds) {
        return sign(
                READER_SUBJECT,
                Map.of("repository", "acme/network", "ref", "refs/pull/7/merge"),
                AUDIENCE,
                lifetimeSeconds);
    }

    /** Admin everywhere: a platform engineer (force-unlock, audit, delete). */
    String admin(long lifetimeSeconds) {
        return sign("alice@platform", Map.of("groups", List.of("platform-admins")), AUDIENCE, lifetimeSeconds);
    }

    String sign(String subject, Map<String, Object> claims, String audience, long lifetimeSeconds) {
        return signer.sign(subject, claims, audience, lifetimeSeconds);
    }
}
