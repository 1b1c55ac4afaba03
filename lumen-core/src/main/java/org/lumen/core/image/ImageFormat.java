package org.lumen.core.image;

import java.util.Arrays;

/** The file formats {@link ImageDecoder} reads, recognised by their first bytes, never by the file name. */
enum ImageFormat {
    PNG("PNG", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
    JPEG("JPEG", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}),
    TIFF_LITTLE_ENDIAN("TIFF", new byte[] {'I', 'I', 42, 0}),
    TIFF_BIG_ENDIAN("TIFF", new byte[] {'M', 'M', 0, 42}),
    FITS("FITS", "SIMPLE  =".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    /** Bytes {@link #detect} needs to see: the longest signature. */
    static final int SIGNATURE_LENGTH = 9;

    /** The name users know the format by, used in error messages ("truncated PNG data"). */
    final String displayName;
    private final byte[] signature;

    ImageFormat(String displayName, byte[] signature) {
        this.displayName = displayName;
        this.signature = signature;
    }

    /** The format whose signature starts {@code head}, or null if none does. */
    static ImageFormat detect(byte[] head, int length) {
        for (ImageFormat format : values()) {
            int n = format.signature.length;
            if (length >= n && Arrays.equals(head, 0, n, format.signature, 0, n)) {
                return format;
            }
        }
        return null;
    }
}
