package io.statelock.testing;

import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A body of {@code size} bytes a client offers, generated as it is read (no memory), that counts how much
 * the client actually took from it: a service that stops reading at its limit leaves most of it untaken.
 */
public final class OfferedBytes extends InputStream {
    private final AtomicLong taken = new AtomicLong();
    private final byte[] block = new byte[64 * 1024];
    private long left;

    public OfferedBytes(long size) {
        this.left = size;
        Arrays.fill(block, (byte) ' ');
    }

    /** Bytes read from this stream so far (by any thread). */
    public long taken() {
        return taken.get();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        if (left == 0) return -1;
        int n = (int) Math.min(Math.min(len, block.length), left);
        System.arraycopy(block, 0, b, off, n);
        left -= n;
        taken.addAndGet(n);
        return n;
    }
}
