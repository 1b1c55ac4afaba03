package org.lumen.core.image;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.lumen.core.LumenException;

/**
 * Walks a PNG file's chunks and checks their lengths and CRCs, up to IEND.
 *
 * <p>The JDK's PNG reader ignores CRCs and decodes damaged IDAT data into a silently wrong image; this pass
 * (one streaming CRC over the file, nothing allocated per chunk) turns such damage into an error that says
 * which chunk is broken and where.
 */
final class PngChunks {
    private static final int SIGNATURE_BYTES = 8;
    private static final int BUFFER_BYTES = 1 << 16;

    private PngChunks() {}

    /**
     * Returns normally if every chunk up to IEND is complete and its CRC matches.
     *
     * @throws LumenException naming the chunk that is truncated, oversized or has a wrong CRC
     */
    static void verify(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, BUFFER_BYTES))) {
            in.skipNBytes(SIGNATURE_BYTES);
            byte[] buffer = new byte[BUFFER_BYTES];
            CRC32 crc = new CRC32();
            long offset = SIGNATURE_BYTES;
            while (true) {
                long length;
                byte[] type = new byte[4];
                try {
                    length = Integer.toUnsignedLong(in.readInt());
                    in.readFully(type);
                } catch (EOFException e) {
                    throw new LumenException(file, "truncated PNG data: the file ends at byte " + offset
                            + " without an IEND chunk");
                }
                String name = chunkName(file, type, offset);
                if (length > Integer.MAX_VALUE) {
                    throw new LumenException(file, "corrupt PNG data: the " + name + " chunk at byte " + offset
                            + " claims " + length + " bytes, more than PNG allows");
                }
                crc.reset();
                crc.update(type);
                try {
                    for (long left = length; left > 0; ) {
                        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                        if (n < 0) {
                            throw new EOFException();
                        }
                        crc.update(buffer, 0, n);
                        left -= n;
                    }
                    long stored = Integer.toUnsignedLong(in.readInt());
                    if (stored != crc.getValue()) {
                        throw new LumenException(file, "corrupt PNG data: CRC mismatch in the " + name
                                + " chunk at byte " + offset);
                    }
                } catch (EOFException e) {
                    throw new LumenException(file, "truncated PNG data: the " + name + " chunk at byte " + offset
                            + " (" + length + " bytes) runs past the end of the file");
                }
                if (name.equals("IEND")) {
                    return;
                }
                offset += 12 + length;
            }
        }
    }

    /** The chunk type as text; PNG chunk types are four ASCII letters, anything else means damage. */
    private static String chunkName(Path file, byte[] type, long offset) {
        for (byte b : type) {
            if (!(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z')) {
                throw new LumenException(file, "corrupt PNG data: invalid chunk type at byte " + offset);
            }
        }
        return new String(type, StandardCharsets.US_ASCII);
    }
}
