package org.lumen.nn.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.lumen.core.data.DetectionData;
import org.lumen.core.data.InstanceData;
import org.lumen.core.data.Instances;
import org.lumen.core.geometry.Rle;

/**
 * A SHA-256 fingerprint of training data: what a model's provenance records as {@code data_fingerprint}, so that
 * resuming a run notices data that changed since it started. Files enter as their name, size and bytes, numbers
 * as their count and values, each preceded by its length, so that no two different datasets feed the same bytes.
 *
 * <p>A run's fingerprint is {@link #pair}: the first 16 hex digits of the train split's, a dash, the first 16 of
 * the validation split's (classification hashes an ImageFolder with {@code ImageFolder.fingerprint()}).
 */
public final class DataFingerprint {
    private final MessageDigest sha;
    private final byte[] buffer = new byte[1 << 16];

    private DataFingerprint() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** An empty fingerprint to add to. */
    public static DataFingerprint start() {
        return new DataFingerprint();
    }

    /** Adds a file: its name's length and UTF-8 bytes, its size, its bytes. */
    public DataFingerprint file(String name, Path file) throws IOException {
        byte[] n = name.replace('\\', '/').getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(8).putLong(n.length).array());
        sha.update(n);
        sha.update(ByteBuffer.allocate(8).putLong(Files.size(file)).array());
        try (InputStream in = Files.newInputStream(file)) {
            for (int k; (k = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, k);
            }
        }
        return this;
    }

    /** Adds {@code text}'s UTF-8 bytes as they are (no length). */
    public DataFingerprint text(String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Adds the count of {@code values}, then each. */
    public DataFingerprint ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * values.length).putLong(values.length);
        for (int v : values) {
            b.putInt(v);
        }
        sha.update(b.array());
        return this;
    }

    /** Adds the count of {@code values}, then each one's IEEE 754 bits. */
    public DataFingerprint doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * values.length).putLong(values.length);
        for (double v : values) {
            b.putDouble(v);
        }
        sha.update(b.array());
        return this;
    }

    /** The SHA-256 of everything added, 64 hex digits; the fingerprint cannot be added to afterwards. */
    public String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A run's {@code data_fingerprint}: 16 hex digits of each split's fingerprint, train's first. */
    public static String pair(String train, String val) {
        return train.substring(0, 16) + "-" + val.substring(0, 16);
    }

    /**
     * A detection split's fingerprint: per image in order, its file (by file name) and its objects' labels and
     * boxes (as read, after any fixes), then the class names.
     */
    public static String of(DetectionData data) throws IOException {
        return add(start(), data).text(String.join("\n", data.classNames())).hex();
    }

    /**
     * An instance split's fingerprint: its detection split's images, labels and boxes, then per image its objects'
     * classes, crowd flags and masks (polygons or run lengths), then the class names.
     */
    public static String of(InstanceData data) throws IOException {
        DataFingerprint f = add(start(), data.detection());
        for (Instances.Sample s : data.samples()) {
            f.ints(s.width(), s.height(), s.instances().size());
            for (Instances.Instance in : s.instances()) {
                f.ints(in.classIndex(), in.crowd() ? 1 : 0, in.polygons().size());
                for (double[] polygon : in.polygons()) {
                    f.doubles(polygon);
                }
                Rle rle = in.rle();
                f.ints(rle == null ? new int[0] : rle.counts());
            }
        }
        return f.text(String.join("\n", data.detection().classNames())).hex();
    }

    private static DataFingerprint add(DataFingerprint f, DetectionData data) throws IOException {
        List<DetectionData.Item> items = data.items();
        for (DetectionData.Item item : items) {
            f.file(String.valueOf(item.image().getFileName()), item.image());
            f.ints(item.labels()).doubles(item.boxes());
        }
        return f;
    }
}
