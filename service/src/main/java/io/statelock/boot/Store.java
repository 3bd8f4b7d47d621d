package io.statelock.boot;

import io.statelock.audit.AuditStore;
import io.statelock.lock.port.LockTable;
import io.statelock.state.port.StatePointers;

/**
 * One store, built once from {@code statelock.store}: the ports it serves — the lock table, the state pointers on
 * its lock records, the audit store beside it — and how to close it. The beans of each port are taken from here,
 * so nothing has to unwrap a decorator to find the store behind it.
 */
public record Store(LockTable locks, StatePointers pointers, AuditStore audit, AutoCloseable resources) {}
