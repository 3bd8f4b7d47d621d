package io.statelock.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.testing.JwtResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessPolicyTest {
    @TempDir
    Path dir;

    AccessPolicy policy() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, JwtResource.POLICY);
        return AccessPolicy.load(file);
    }

    static Caller caller(String sub, Map<String, Object> claims) {
        return new Caller(sub, claims, Long.MAX_VALUE, false, false);
    }

    @Test
    void claimsSelectRolesOnInterpolatedKeyPatterns() throws Exception {
        AccessPolicy policy = policy();
        Caller deploy = caller("repo:acme/network:ref:refs/heads/main", Map.of("repository", "acme/network", "ref", "refs/heads/main"));
        assertThat(policy.roleOn(deploy, "teams/acme/network/prod/terraform.tfstate")).contains(Role.LOCKER);
        assertThat(policy.roleOn(deploy, "shared/network/vpc")).contains(Role.LOCKER);
        assertThat(policy.roleOn(deploy, "shared/network/deep/vpc")).isEmpty(); // '*' stays within one segment
        assertThat(policy.roleOn(deploy, "teams/acme/other/x")).isEmpty();
        Caller branch = caller("repo:acme/network:ref:refs/heads/dev", Map.of("repository", "acme/network", "ref", "refs/heads/dev"));
        assertThat(policy.roleOn(branch, "teams/acme/network/prod")).isEmpty();
    }

    @Test
    void globsOnClaimsAndListClaims() throws Exception {
        AccessPolicy policy = policy();
        assertThat(policy.roleOn(caller("repo:acme/web:pull_request", Map.of()), "anything/at/all")).contains(Role.READER);
        assertThat(policy.roleOn(caller("repo:evil/web:pull_request", Map.of()), "x")).isEmpty();
        Caller admin = caller("alice", Map.of("groups", List.of("devs", "platform-admins")));
        assertThat(policy.roleOn(admin, "prod/anything")).contains(Role.ADMIN);
        assertThat(policy.roleOn(caller("bob", Map.of("groups", List.of("devs"))), "prod/anything")).isEmpty();
    }

    @Test
    void aClaimValueCannotWidenAPattern() throws Exception {
        AccessPolicy policy = policy();
        Caller sneaky = caller("repo:x", Map.of("repository", "**", "ref", "refs/heads/main"));
        assertThat(policy.roleOn(sneaky, "teams/acme/network/prod")).isEmpty();
        Caller missing = caller("repo:x", Map.of("ref", "refs/heads/main"));
        assertThat(policy.roleOn(missing, "teams/acme/network/prod")).isEmpty();
    }

    @Test
    void rolesIncludeTheLowerOnes() {
        assertThat(Role.ADMIN.covers(Role.LOCKER)).isTrue();
        assertThat(Role.LOCKER.covers(Role.READER)).isTrue();
        assertThat(Role.READER.covers(Role.LOCKER)).isFalse();
        assertThat(Operation.FORCE_RELEASE.needs()).isEqualTo(Role.ADMIN);
        assertThat(Operation.HEARTBEAT.underLease()).isTrue();
        assertThat(Operation.ACQUIRE.underLease()).isFalse();
    }
}
