package io.statelock.client;

/** No or bad credentials ({@code UNAUTHENTICATED}) or not allowed ({@code PERMISSION_DENIED}). */
public final class PermissionException extends StatelockException {
    private static final long serialVersionUID = 1L;

    public PermissionException(String code, String message, Throwable cause) {
        super(code, message, cause);
    }

    /** True for {@code UNAUTHENTICATED} (credentials missing or invalid). */
    public boolean unauthenticated() {
        return "UNAUTHENTICATED".equals(code());
    }
}
