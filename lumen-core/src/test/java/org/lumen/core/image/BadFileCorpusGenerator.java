package org.lumen.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Wrote the committed bad-file corpus ({@code src/test/resources/corpus/bad/}); kept so the way each file
 * was damaged stays documented and reproducible. The corpus itself is fixed: tests replay the committed
 * files, never regenerated ones.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes org.lumen.core.image.BadFileCorpusGenerator DIR}
 */
public final class BadFileCorpusGenerator {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private BadFileCorpusGenerator() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        byte[] png = encode(noise(16, 16, 1), "png");
        byte[] jpeg = encode(noise(32, 32, 2), "jpeg");
        byte[] tiff = encode(noise(16, 16, 3), "tiff");

        Files.write(dir.resolve("empty.png"), new byte[0]);
        Files.writeString(dir.resolve("text-named.png"), "this is a text file with an image's name\n");
        Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
        Files.write(dir.resolve("bad-crc.png"), damageIdat(png, false));
        Files.write(dir.resolve("corrupt-idat.png"), damageIdat(png, true));
        Files.write(dir.resolve("huge-ihdr.png"), hugePng(100_000, 100_000));
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length * 3 / 5));
        Files.write(dir.resolve("garbage.jpg"), garbageAfter(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0}, 4));
        Files.write(dir.resolve("truncated.tif"), Arrays.copyOf(tiff, tiff.length / 2));
        Files.write(dir.resolve("absurd-strip-offsets.tif"), withStripOffset(tiff, 0x7fff_fff0));
        Files.write(dir.resolve("bad-header.fits"), fits(header("SIMPLE  =                    T", "BITPIX  =                   16",
                "NAXIS   =                    2", "NAXIS1  =                  -16", "NAXIS2  =                   16", "END"), 512));
        Files.write(dir.resolve("truncated.fits"), fits(header("SIMPLE  =                    T", "BITPIX  =                   16",
                "NAXIS   =                    2", "NAXIS1  =                   16", "NAXIS2  =                   16", "END"), 100));
    }

    private static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    /** Changes the IDAT's first deflate block header to a reserved type; with {@code fixCrc} the CRC still matches. */
    private static byte[] damageIdat(byte[] png, boolean fixCrc) {
        byte[] damaged = png.clone();
        ByteBuffer buffer = ByteBuffer.wrap(damaged);
        int offset = PNG_SIGNATURE.length;
        while (true) {
            int length = buffer.getInt(offset);
            String type = new String(damaged, offset + 4, 4, StandardCharsets.US_ASCII);
            if (type.equals("IDAT")) {
                damaged[offset + 8 + 2] = (byte) 0xff; // after the 2-byte zlib header: BTYPE = 11, reserved
                if (fixCrc) {
                    CRC32 crc = new CRC32();
                    crc.update(damaged, offset + 4, 4 + length);
                    buffer.putInt(offset + 8 + length, (int) crc.getValue());
                }
                return damaged;
            }
            offset += 12 + length;
        }
    }

    /** A valid, tiny PNG whose IHDR claims {@code width x height} 8-bit grey pixels. */
    private static byte[] hugePng(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1024]);
        deflater.finish();
        byte[] idat = new byte[256];
        chunk(out, "IDAT", Arrays.copyOf(idat, deflater.deflate(idat)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] garbageAfter(byte[] prefix, long seed) {
        byte[] bytes = new byte[600];
        new Random(seed).nextBytes(bytes);
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        return bytes;
    }

    /** Sets the first IFD's StripOffsets (tag 273) to {@code offset}, far past the end of the file. */
    private static byte[] withStripOffset(byte[] tiff, int offset) {
        byte[] damaged = tiff.clone();
        ByteBuffer buffer = ByteBuffer.wrap(damaged)
                .order(damaged[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = buffer.getInt(4);
        int entries = Short.toUnsignedInt(buffer.getShort(ifd));
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + 12 * i;
            if (Short.toUnsignedInt(buffer.getShort(entry)) == 273) {
                if (buffer.getInt(entry + 4) != 1 || buffer.getShort(entry + 2) != 4) {
                    throw new IllegalStateException("expected a single LONG strip offset");
                }
                buffer.putInt(entry + 8, offset);
                return damaged;
            }
        }
        throw new IllegalStateException("no StripOffsets tag");
    }

    /** A FITS header block: 80-character cards padded with spaces to 2880 bytes. */
    private static byte[] header(String... cards) {
        StringBuilder text = new StringBuilder();
        for (String card : cards) {
            text.append(String.format("%-80s", card));
        }
        while (text.length() % 2880 != 0) {
            text.append(' ');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] fits(byte[] header, int dataBytes) {
        byte[] file = Arrays.copyOf(header, header.length + dataBytes);
        Arrays.fill(file, header.length, file.length, (byte) 7);
        return file;
    }
}
