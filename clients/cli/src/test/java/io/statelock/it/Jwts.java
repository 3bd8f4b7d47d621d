package io.statelock.it;

import com.google.gson.Gson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Authentication for the packaged service in tests: an RSA key pair generated here, its public key
 * as PEM, a policy file, the service settings, and RS256 tokens signed with the JDK.
 */
final class Jwts {
  static final String ISSUER = "https://token.actions.githubusercontent.com";
  static final String AUDIENCE = "statelock";
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

  private final KeyPair keys;
  final Path publicKeyPem;
  final Path policy;

  Jwts(Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    keys = g.generateKeyPair();
    publicKeyPem = dir.resolve("jwt-public.pem");
    Files.writeString(publicKeyPem, "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");
    policy = dir.resolve("policy.yaml");
    Files.writeString(policy, POLICY);
  }

  /** Service settings: jwt mode with this key and policy, 1 s leeway (so expiry shows quickly). */
  List<String> serviceProperties() {
    return List.of("statelock.auth.mode=jwt",
        "statelock.auth.policy-file=" + policy,
        "statelock.auth.leeway=1s",
        "mp.jwt.verify.publickey.location=" + publicKeyPem.toUri(),
        "mp.jwt.verify.issuer=" + ISSUER,
        "mp.jwt.verify.audiences=" + AUDIENCE);
  }

  String locker(long lifetimeSeconds) {
    return sign(LOCKER_SUBJECT, Map.of("repository", "acme/network", "ref", "refs/heads/main"), AUDIENCE, lifetimeSeconds);
  }

  String reader(long lifetimeSeconds) {
    return sign(READER_SUBJECT, Map.of("repository", "acme/network", "ref", "refs/pull/7/merge"), AUDIENCE,
        lifetimeSeconds);
  }

  /** Admin everywhere: a platform engineer (force-unlock, audit, delete). */
  String admin(long lifetimeSeconds) {
    return sign("alice@platform", Map.of("groups", List.of("platform-admins")), AUDIENCE, lifetimeSeconds);
  }

  String sign(String subject, Map<String, Object> claims, String audience, long lifetimeSeconds) {
    long now = Instant.now().getEpochSecond();
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("iss", ISSUER);
    payload.put("sub", subject);
    payload.put("aud", audience);
    payload.put("iat", now);
    payload.put("exp", now + lifetimeSeconds);
    payload.putAll(claims);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + b64.encodeToString(new Gson().toJson(payload).getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(keys.getPrivate());
      s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64.encodeToString(s.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
