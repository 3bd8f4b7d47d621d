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
        return io.statelock.adapter.policy.PolicyFile.load(file);
    }

    static Caller caller(String sub, Map<String, Object> claims) {
        return new Caller(sub, claims, Long.MAX_VALUE, false, false);
    }

    @Test
    void claimsSelectRolesOnInterpolatedKeyPatterns() throws Exception {
        AccessPolicy policy = policy();
        Caller deploy = caller(
                "repo:acme/network:ref:refs/heads/main",
                Map.of("repository", "acme/network", "ref", "refs/heads/main"));
        assertThat(policy.roleOn(deploy, "teams/acme/network/prod/terraform.tfstate"))
                .contains(Role.LOCKER);
        assertThat(policy.roleOn(deploy, "shared/network/vpc")).contains(Role.LOCKER);
        assertThat(policy.roleOn(deploy, "shared/network/deep/vpc")).isEmpty(); // '*' stays within one segment
        assertThat(policy.roleOn(deploy, "teams/acme/other/x")).isEmpty();
        Caller branch = caller(
                "repo:acme/network:ref:refs/heads/dev", Map.of("repository", "acme/network", "ref", "refs/heads/dev"));
        assertThat(policy.roleOn(branch, "teams/acme/network/prod")).isEmpty();
    }

    @Test
    void globsOnClaimsAndListClaims() throws Exception {
        AccessPolicy policy = policy();
        assertThat(policy.roleOn(caller("repo:acme/web:pull_request", Map.of()), "anything/at/all"))
                .contains(Role.READER);
        assertThat(policy.roleOn(caller("repo:evil/web:pull_request", Map.of()), "x"))
                .isEmpty();
        Caller admin = caller("alice", Map.of("groups", List.of("devs", "platform-admins")));
        assertThat(policy.roleOn(admin, "prod/anything")).contains(Role.ADMIN);
        assertThat(policy.roleOn(caller("bob", Map.of("groups", List.of("devs"))), "prod/anything"))
                .isEmpty();
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
    void aPrefixIsCoveredOnlyWhenTheCallerMayReadEveryKeyUnderIt() throws Exception {
        AccessPolicy policy = policy();
        Caller deploy = caller(
                "repo:acme/network:ref:refs/heads/main",
                Map.of("repository", "acme/network", "ref", "refs/heads/main"));
        assertThat(policy.coversPrefix(deploy, "teams/acme/network/", Role.READER))
                .isTrue();
        assertThat(policy.coversPrefix(deploy, "teams/acme/network/prod/ter", Role.LOCKER))
                .isTrue();
        assertThat(policy.coversPrefix(deploy, "teams/acme/network/", Role.ADMIN))
                .isFalse();
        assertThat(policy.coversPrefix(deploy, "teams/acme/network", Role.READER))
                .isFalse(); // teams/acme/networking/x
        assertThat(policy.coversPrefix(deploy, "teams/", Role.READER)).isFalse(); // other teams' keys too
        assertThat(policy.coversPrefix(deploy, "shared/network/", Role.READER))
                .isFalse(); // '*': not shared/network/a/b
        assertThat(policy.coversPrefix(deploy, "", Role.READER)).isFalse();

        Caller pr = caller("repo:acme/web:pull_request", Map.of());
        assertThat(policy.coversPrefix(pr, "", Role.READER)).isTrue();
        assertThat(policy.coversPrefix(pr, "pro", Role.READER)).isTrue();
        assertThat(policy.coversPrefix(pr, "", Role.LOCKER)).isFalse();
        Caller stranger = caller(
                "repo:evil/fork:ref:refs/heads/main", Map.of("repository", "evil/fork", "ref", "refs/heads/main"));
        assertThat(policy.coversPrefix(stranger, "teams/acme/network/", Role.READER))
                .isFalse();
        assertThat(policy.coversPrefix(stranger, "teams/evil/fork/", Role.READER))
                .isFalse(); // no rule matches its claims
        Caller sneaky = caller("repo:x", Map.of("repository", "**", "ref", "refs/heads/main"));
        assertThat(policy.coversPrefix(sneaky, "teams/", Role.READER)).isFalse(); // a claim never widens a pattern
    }

    @Test
    void thePatternsOfAllTheCallersRulesAreTakenTogether() {
        AccessPolicy policy = AccessPolicy.of(new AccessPolicy.File(List.of(
                new AccessPolicy.Rule(Map.of("sub", "ops"), "reader", List.of("env/*")),
                new AccessPolicy.Rule(Map.of("sub", "ops"), "locker", List.of("env/*/**")),
                new AccessPolicy.Rule(Map.of("sub", "ops"), "reader", List.of("x/**/*")))));
        Caller ops = caller("ops", Map.of());
        assertThat(policy.coversPrefix(ops, "env/", Role.READER)).isTrue(); // env/a by the first, env/a/b by the second
        assertThat(policy.coversPrefix(ops, "env/", Role.LOCKER)).isFalse(); // env/a only as a reader
        assertThat(policy.coversPrefix(ops, "env/prod/", Role.LOCKER)).isTrue();
        assertThat(policy.coversPrefix(ops, "x/", Role.READER)).isTrue(); // any depth ending in one segment: all of x/
        assertThat(policy.coversPrefix(ops, "x", Role.READER)).isFalse(); // "x" itself, "xy/z"
        assertThat(policy.coversPrefix(ops, "", Role.READER)).isFalse();
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
