package io.statelock.harness;

/** One injected fault: what, where, from when until it was healed (harness-relative ms). */
record FaultEvent(Fault fault, String target, long startMs, long endMs) {
    @Override
    public String toString() {
        return String.format("%7d..%-7d %-18s %s", startMs, endMs, fault, target);
    }
}
