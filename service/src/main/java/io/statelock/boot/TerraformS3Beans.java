package io.statelock.boot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.statelock.adapter.terraforms3.S3BackendLocks;
import io.statelock.audit.AuditTrail;
import io.statelock.lock.ExecutorScheduler;
import io.statelock.lock.LockSettings;
import io.statelock.lock.StaleLockHealer;
import io.statelock.lock.port.LockTable;
import io.statelock.lock.port.TerraformLocks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Terraform's own S3-backend locks, from {@code statelock.terraform-s3.*}: read with the DynamoDB and S3 clients
 * statelock already has ({@code quarkus.dynamodb.*}, {@code quarkus.s3.*}), each built only when its mechanism is used.
 */
@ApplicationScoped
public class TerraformS3Beans {
    private static final Logger LOG = Logger.getLogger(TerraformS3Beans.class);

    @Produces
    @Singleton
    TerraformLocks terraformLocks(StatelockConfig config, Instance<DynamoDbClient> dynamoDb, Instance<S3Client> s3) {
        StatelockConfig.TerraformS3 tf = config.terraformS3();
        List<String> buckets = tf.buckets().orElse(List.of()).stream()
                .map(String::trim)
                .filter(b -> !b.isEmpty())
                .toList();
        if (buckets.isEmpty()) {
            if (tf.dynamodbTable().isPresent() || tf.useLockfile()) {
                throw new IllegalStateException("statelock.terraform-s3.dynamodb-table or use-lockfile is set but "
                        + "statelock.terraform-s3.buckets is empty: name the buckets whose states Terraform locks");
            }
            return TerraformLocks.NONE;
        }
        for (String b : buckets) {
            if (b.contains("/")) {
                throw new IllegalStateException("statelock.terraform-s3.buckets: '" + b + "' is not a bucket name");
            }
        }
        if (tf.dynamodbTable().isEmpty() && !tf.useLockfile()) {
            throw new IllegalStateException("statelock.terraform-s3.buckets is set but neither "
                    + "statelock.terraform-s3.dynamodb-table nor statelock.terraform-s3.use-lockfile=true: "
                    + "say where Terraform keeps its locks (as the backend's dynamodb_table and use_lockfile do)");
        }
        LOG.infof(
                "Terraform S3-backend locks: buckets %s, lock table %s, lock files %s",
                buckets, tf.dynamodbTable().orElse("(none)"), tf.useLockfile() ? "yes" : "no");
        return new S3BackendLocks(
                buckets,
                tf.dynamodbTable().isPresent() ? dynamoDb.get() : null,
                tf.dynamodbTable().orElse(null),
                tf.useLockfile() ? s3.get() : null);
    }

    @Produces
    @Singleton
    StaleLockHealer staleLockHealer(
            LockTable table,
            TerraformLocks terraform,
            LockSettings settings,
            Clock clock,
            ExecutorScheduler scheduler,
            AuditTrail audit) {
        // The table itself, not the view that shows Terraform's locks: the healer reads statelock's own leases.
        return new StaleLockHealer(table, terraform, settings, clock, scheduler, audit::terraformLockHealed);
    }

    void onStart(@Observes StartupEvent event, StaleLockHealer healer) {
        healer.start();
    }

    void onStop(@Observes ShutdownEvent event, StaleLockHealer healer) {
        healer.close();
    }
}
