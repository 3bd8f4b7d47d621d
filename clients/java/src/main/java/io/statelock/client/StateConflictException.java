package io.statelock.client;

/**
 * The service refused a state write for a reason other than the lease: e.g. a Terraform state whose
 * serial goes back or whose lineage differs ({@code FAILED_PRECONDITION} without a {@code LeaseLost}
 * detail). Nothing was stored.
 */
public final class StateConflictException extends StatelockException {
  private static final long serialVersionUID = 1L;

  public StateConflictException(String message, Throwable cause) {
    super("FAILED_PRECONDITION", message, cause);
  }
}
