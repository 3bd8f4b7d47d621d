package io.statelock.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.audit.AuditEntry;
import io.statelock.audit.AuditTrail;
import io.statelock.testing.DashboardClient;
import io.statelock.testing.GrpcChannels;
import io.statelock.testing.JwtProfile;
import io.statelock.testing.JwtResource;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dashboard's JSON under {@code statelock.auth.mode=jwt}: a bearer token, the same roles as gRPC. */
@QuarkusTest
@TestProfile(JwtProfile.class)
class SecuredDashboardApiTest {
    static final int PORT = GrpcChannels.testPort();

    @Inject
    AuditTrail trail;

    @Test
    void withoutATokenTheSessionAsksForOneAndNothingElseAnswers() {
        DashboardClient anonymous = new DashboardClient(PORT, null);
        DashboardClient.Answer session = anonymous.get("session");
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.json().get("auth").asText()).isEqualTo("jwt");
        assertThat(session.json().get("subject").isNull()).isTrue();

        DashboardClient.Answer locks = anonymous.get("locks?prefix=teams/");
        assertThat(locks.status()).isEqualTo(401);
        assertThat(locks.json().get("code").asText()).isEqualTo("UNAUTHENTICATED");
        // A Basic challenge would make the browser ask for a user name and password.
        assertThat(locks.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"statelock\"");
    }

    @Test
    void aTokenSaysWhoItIsAndReadsWhatItsRoleCovers() {
        DashboardClient reader = new DashboardClient(PORT, JwtResource.pullRequestToken(600));
        assertThat(reader.get("session").json().get("subject").asText()).contains("pull_request");
        assertThat(reader.get("locks?prefix=teams/").status()).isEqualTo(200);
    }

    @Test
    void aPrefixTheRoleCoversOnlyInPartIsRefusedAndAudited() {
        DashboardClient deploy = new DashboardClient(PORT, JwtResource.deployToken(600));
        assertThat(deploy.get("locks?prefix=teams/acme/network/").status()).isEqualTo(200);
        DashboardClient.Answer all = deploy.get("locks?prefix=teams/");
        assertThat(all.status()).isEqualTo(403);
        assertThat(all.json().get("code").asText()).isEqualTo("PERMISSION_DENIED");
        DashboardClient.Answer stream = deploy.get("watch?prefix=teams/");
        assertThat(stream.status()).isEqualTo(403);
        // One key of its own is followed by key, whatever other keys share its name as a prefix.
        try (DashboardClient.Events key = deploy.watchKey("teams/acme/network/app")) {
            assertThat(key.response().statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(trail.flush(java.time.Duration.ofSeconds(10))).isTrue();
        List<AuditEntry> denials = trail.query("teams/", 0, Long.MAX_VALUE, 1000, "").entries().stream()
                .filter(e ->
                        e.outcome().equals("PERMISSION_DENIED") && e.subject().equals(JwtResource.DEPLOY_SUBJECT))
                .toList();
        assertThat(denials).extracting(AuditEntry::action).contains("list", "watch");
    }

    @Test
    void onlyAnAdminMayForceReleaseOrReadTheAuditTrail() {
        String key = "teams/acme/network/" + java.util.UUID.randomUUID() + "/terraform.tfstate";
        String body = "{\"key\":\"" + key + "\",\"reason\":\"stuck\",\"expectedFencingToken\":0}";
        DashboardClient reader = new DashboardClient(PORT, JwtResource.pullRequestToken(600));
        DashboardClient.Answer refused = reader.post("force-release", "application/json", body);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(reader.get("audit?prefix=teams/").status()).isEqualTo(403);

        DashboardClient admin = new DashboardClient(PORT, JwtResource.adminToken(600));
        assertThat(admin.post("force-release", "application/json", body).status())
                .isEqualTo(200);
        assertThat(trail.flush(java.time.Duration.ofSeconds(10))).isTrue();
        DashboardClient.Answer audit = admin.get("audit?prefix=" + key);
        assertThat(audit.json().get("records").findValuesAsText("outcome")).contains("PERMISSION_DENIED");
        assertThat(audit.json().get("records").findValuesAsText("action")).contains("force-release");
    }

    @Test
    void onlyAnAdminMayRollBackAndOnlyAnAdminIsOfferedIt() {
        String key = "teams/acme/network/" + java.util.UUID.randomUUID() + "/terraform.tfstate";
        DashboardClient reader = new DashboardClient(PORT, JwtResource.pullRequestToken(600));
        DashboardClient admin = new DashboardClient(PORT, JwtResource.adminToken(600));
        assertThat(reader.get("key?key=" + key).json().get("canRollback").asBoolean())
                .isFalse();
        assertThat(reader.get("key?key=" + key)
                        .json()
                        .get("lock")
                        .get("canForceRelease")
                        .asBoolean())
                .isFalse();
        assertThat(admin.get("key?key=" + key).json().get("canRollback").asBoolean())
                .isTrue();
        DashboardClient.Answer refused =
                reader.post("rollback", "application/json", "{\"key\":\"" + key + "\",\"toVersion\":1}");
        assertThat(refused.status()).isEqualTo(403);
        DashboardClient outsider = new DashboardClient(PORT, JwtResource.deployToken(600));
        assertThat(outsider.get("key?key=teams/other/x.tfstate").status()).isEqualTo(403);
        assertThat(outsider.get("diff?key=teams/other/x.tfstate&from=1&to=2").status())
                .isEqualTo(403);
    }

    @Test
    void basicCredentialsAndBadTokensAreRefused() {
        var basic = new DashboardClient(PORT, null)
                .send(new DashboardClient(PORT, null)
                        .request("locks?prefix=teams/acme/")
                        .header("Authorization", "Basic dXNlcjpwYXNz")
                        .build());
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.json().get("message").asText()).contains("bearer token");
        DashboardClient forged = new DashboardClient(PORT, "not.a.jwt");
        assertThat(forged.get("locks?prefix=teams/acme/").status()).isEqualTo(401);
        assertThat(forged.get("session").status()).isEqualTo(401);
    }
}
