package io.statelock.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Just enough DER (X.690) for {@link Pem}'s private key formats: definite lengths, one-byte tags. */
final class Der {
    static final byte[] NULL = {0x05, 0x00};

    private Der() {}

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        return tlv(0x30, body.toByteArray());
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            List<Integer> groups = new ArrayList<>();
            do {
                groups.add(0, (int) (arc & 0x7f));
                arc >>>= 7;
            } while (arc > 0);
            for (int g = 0; g < groups.size(); g++) {
                body.write(groups.get(g) | (g < groups.size() - 1 ? 0x80 : 0));
            }
        }
        return tlv(0x06, body.toByteArray());
    }

    static String oidString(byte[] content) {
        int first = content[0] & 0xff;
        int top = Math.min(2, first / 40);
        StringBuilder sb = new StringBuilder().append(top).append('.').append(first - 40 * top);
        long arc = 0;
        for (int i = 1; i < content.length; i++) {
            arc = (arc << 7) | (content[i] & 0x7f);
            if ((content[i] & 0x80) == 0) {
                sb.append('.').append(arc);
                arc = 0;
            }
        }
        return sb.toString();
    }

    /** Reads TLVs one after another from a byte range. */
    static final class Reader {
        private final byte[] der;
        private int pos;
        private final int end;

        Reader(byte[] der) {
            this(der, 0, der.length);
        }

        private Reader(byte[] der, int from, int end) {
            this.der = der;
            this.pos = from;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        int peekTag() throws IOException {
            if (pos >= end) {
                throw new IOException("DER ends early");
            }
            return der[pos] & 0xff;
        }

        /** A reader over the content of the next TLV, which must have {@code tag}. */
        Reader enter(int tag) throws IOException {
            int[] range = next(tag);
            return new Reader(der, range[0], range[1]);
        }

        byte[] read(int tag) throws IOException {
            int[] range = next(tag);
            return Arrays.copyOfRange(der, range[0], range[1]);
        }

        void skip(int tag) throws IOException {
            next(tag);
        }

        private int[] next(int tag) throws IOException {
            if (peekTag() != tag) {
                throw new IOException(String.format("expected DER tag 0x%02x, found 0x%02x", tag, peekTag()));
            }
            pos++;
            if (pos >= end) {
                throw new IOException("DER ends early");
            }
            int len = der[pos++] & 0xff;
            if (len >= 0x80) {
                int bytes = len & 0x7f;
                // Keys are small: more than three length bytes (16 MiB) is not a key.
                if (bytes == 0 || bytes > 3 || pos + bytes > end) {
                    throw new IOException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < bytes; i++) {
                    len = (len << 8) | (der[pos++] & 0xff);
                }
            }
            if (len > end - pos) {
                throw new IOException("DER length runs past the end");
            }
            int[] range = {pos, pos + len};
            pos += len;
            return range;
        }
    }
}
