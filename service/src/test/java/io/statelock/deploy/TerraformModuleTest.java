package io.statelock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/terraform parsed by a real HCL parser (@cdktf/hcl2json) and checked by
 * deploy/checks/check-terraform.mjs: encryption, public access, TLS only, PITR, deletion protection,
 * the lock table's schema and exactly the IAM actions the service's code calls on the lock table.
 */
class TerraformModuleTest {
    private static final Path MODULE = NodeCheck.ROOT.resolve("deploy/terraform");
    private static final Pattern CLIENT_CALL = Pattern.compile("\\bclient\\.(\\w+)\\(");

    /**
     * The DynamoDB API calls the lock-table adapter makes, read off its source: a new call there fails
     * this test until the IAM policy grants it. CreateTable is development only (create-table=true);
     * audit-table adapters have their own statement.
     */
    static Set<String> lockTableActionsFromSource() throws IOException {
        Set<String> actions = actionsFromSource(false);
        // DeleteItem has a statement of its own, limited to state-version items (checked below).
        actions.remove("dynamodb:DeleteItem");
        return actions;
    }

    /** The same for the audit-table adapter (files named Audit*, DynamoDbAuditStore). */
    static Set<String> auditTableActionsFromSource() throws IOException {
        return actionsFromSource(true);
    }

    private static Set<String> actionsFromSource(boolean audit) throws IOException {
        Set<String> actions = new TreeSet<>();
        try (Stream<Path> files =
                Files.list(NodeCheck.ROOT.resolve("service/src/main/java/io/statelock/adapter/dynamodb"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().contains("Audit") != audit) {
                    continue;
                }
                Matcher m = CLIENT_CALL.matcher(Files.readString(file));
                while (m.find()) {
                    String call = m.group(1);
                    if (!call.equals("createTable") && !call.equals("close") && !call.equals("waiter")) {
                        actions.add("dynamodb:" + Character.toUpperCase(call.charAt(0)) + call.substring(1));
                    }
                }
            }
        }
        return actions;
    }

    @Test
    void theServiceCallsWhatTheModuleGrantsAndNeverDeletesALockRecord() throws IOException {
        assertThat(lockTableActionsFromSource())
                .contains(
                        "dynamodb:UpdateItem",
                        "dynamodb:GetItem",
                        "dynamodb:BatchGetItem",
                        "dynamodb:Query",
                        "dynamodb:DescribeTable");
        // The one DeleteItem is of expired state-version items, whose keys start with "/v/" (IAM LeadingKeys).
        Path adapter = NodeCheck.ROOT.resolve("service/src/main/java/io/statelock/adapter/dynamodb");
        try (Stream<Path> files = Files.list(adapter)) {
            assertThat(files.filter(f -> {
                                try {
                                    return Files.readString(f).contains("client.deleteItem(");
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            })
                            .map(f -> f.getFileName().toString()))
                    .containsExactly("VersionItems.java");
        }
        assertThat(Files.readString(adapter.resolve("VersionItems.java")))
                .contains("static final String PREFIX = SegmentRegistry.RESERVED + \"v/\";");
        assertThat(Files.readString(adapter.resolve("SegmentRegistry.java"))).contains("RESERVED = \"/\";");
        assertThat(auditTableActionsFromSource())
                .contains("dynamodb:BatchWriteItem", "dynamodb:Query")
                .doesNotContain("dynamodb:DeleteItem", "dynamodb:UpdateItem");
    }

    @Test
    void moduleParsesAndPassesEveryCheck() throws Exception {
        NodeCheck.Result result = NodeCheck.run(
                "check-terraform.mjs",
                MODULE.toString(),
                "--lock-actions",
                String.join(",", lockTableActionsFromSource()),
                "--audit-actions",
                String.join(",", auditTableActionsFromSource()));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.output()).contains("4 files parsed").contains("checks passed");
    }

    @Test
    void brokenCopiesFail(@TempDir Path tmp) throws Exception {
        Path bad = NodeCheck.copyTree(MODULE, tmp.resolve("tf"));
        Path main = bad.resolve("main.tf");
        NodeCheck.replaceIn(main, "\"dynamodb:GetItem\",", "\"dynamodb:GetItem\",\n    \"dynamodb:DeleteItem\",");
        NodeCheck.replaceIn(main, "restrict_public_buckets = true", "restrict_public_buckets = false");
        NodeCheck.replaceIn(main, "projection_type = \"KEYS_ONLY\"", "projection_type = \"ALL\"");
        NodeCheck.replaceIn(main, "values   = [\"false\"]", "values   = [\"true\"]");
        NodeCheck.Result result = NodeCheck.run("check-terraform.mjs", bad.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.output())
                .contains("must never allow dynamodb:DeleteItem")
                .contains("public access block")
                .contains("by-segment")
                .contains("deny s3:* without TLS")
                .contains("5 of ");
    }

    @Test
    void encryptionAndRecoveryCannotBeDropped(@TempDir Path tmp) throws Exception {
        Path bad = NodeCheck.copyTree(MODULE, tmp.resolve("tf"));
        Path main = bad.resolve("main.tf");
        String text = Files.readString(main)
                .replaceFirst(
                        "point_in_time_recovery \\{\\n    enabled = true",
                        "point_in_time_recovery {\n    enabled = false")
                .replaceFirst(
                        "server_side_encryption \\{\\n    enabled     = true",
                        "server_side_encryption {\n    enabled     = false");
        Files.writeString(main, text);
        NodeCheck.replaceIn(
                bad.resolve("variables.tf"),
                "description = \"DynamoDB deletion protection on both tables. Keep it on: deleting the lock table resets every fencing counter.\"\n  type        = bool\n  default     = true",
                "description = \"off\"\n  type        = bool\n  default     = false");
        NodeCheck.Result result = NodeCheck.run("check-terraform.mjs", bad.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.output())
                .contains("table locks: point_in_time_recovery must be enabled")
                .contains("table locks: server_side_encryption must be enabled")
                .contains("table audit: deletion_protection_enabled must be true");
    }

    @Test
    void syntaxErrorsAreCaughtByTheParser(@TempDir Path tmp) throws Exception {
        Path bad = NodeCheck.copyTree(MODULE, tmp.resolve("tf"));
        Files.writeString(
                bad.resolve("outputs.tf"), Files.readString(bad.resolve("outputs.tf")) + "\noutput \"x\" {\n");
        NodeCheck.Result result = NodeCheck.run("check-terraform.mjs", bad.toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.output()).contains("outputs.tf: HCL parse error");
    }
}
