package io.statelock.adapter.dynamodb;

import io.statelock.common.StoreUnavailableException;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** The one place where an SDK failure becomes a domain {@link StoreUnavailableException}. */
final class DynamoErrors {
    private DynamoErrors() {}

    /** Runs one SDK call (a read, or a write with no condition): any SDK failure is an outage of the store. */
    static <T> T call(String operation, String table, Supplier<T> sdkCall) {
        try {
            return counted(operation, sdkCall);
        } catch (SdkException e) {
            throw unavailable(operation, table, e);
        }
    }

    /** Runs one conditional write: a failed condition passes through to the caller, any other SDK failure is an outage. */
    static <T> T conditional(String operation, String table, Supplier<T> sdkCall) {
        try {
            return counted(operation, sdkCall);
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            throw unavailable(operation, table, e);
        }
    }

    /** The call with its capacity counted under the purpose its label names ({@link ConsumedCapacity}). */
    private static <T> T counted(String operation, Supplier<T> sdkCall) {
        String purpose = ConsumedCapacity.purpose(operation);
        return purpose == null ? sdkCall.get() : ConsumedCapacity.during(purpose, sdkCall);
    }

    static StoreUnavailableException unavailable(String operation, String table, SdkException e) {
        String reason;
        if (e instanceof ResourceNotFoundException) {
            reason = "table " + table + " does not exist";
        } else if (e instanceof SdkClientException) {
            // No answer from DynamoDB at all: network, endpoint, credentials resolution, timeouts.
            reason = "no response from DynamoDB (" + e.getMessage() + ")";
        } else if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException ase) {
            String code =
                    ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            reason = (ase.isThrottlingException() ? "throttled: " : "")
                    + (code == null ? "" : code + ", ") + "HTTP " + ase.statusCode()
                    + (ase.awsErrorDetails() == null || ase.awsErrorDetails().errorMessage() == null
                            ? ""
                            : ": " + ase.awsErrorDetails().errorMessage());
        } else {
            reason = e.getMessage();
        }
        return new StoreUnavailableException(
                "DynamoDB " + operation + " on lock table " + table + " failed: " + reason, e);
    }
}
