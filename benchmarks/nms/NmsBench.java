import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.lumen.nn.ops.Nms;

/**
 * Lumen side of the NMS benchmark: times {@code Nms.nms(float[], float[], double)} on the cases nms_torch.py wrote,
 * and checks the kept indices equal torchvision's. Run by run.sh with the Java source launcher:
 * {@code java -cp lumen-nn/target/classes benchmarks/nms/NmsBench.java DIR ITERS}.
 */
public class NmsBench {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int iters = Integer.parseInt(args[1]);
        for (String name : new String[] {"clustered", "sparse", "dense07", "allover"}) {
            String[] meta = Files.readString(dir.resolve(name + ".meta")).trim().split(" ");
            double thr = Double.parseDouble(meta[1]);
            float[] boxes = floats(dir.resolve(name + ".boxes.f32"));
            float[] scores = floats(dir.resolve(name + ".scores.f32"));
            long t0 = System.nanoTime();
            int[] keep = Nms.nms(boxes, scores, thr);
            double cold = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < 20; i++) { // JIT warm-up
                keep = Nms.nms(boxes, scores, thr);
            }
            double[] ts = new double[iters];
            for (int i = 0; i < iters; i++) {
                long s = System.nanoTime();
                keep = Nms.nms(boxes, scores, thr);
                ts[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ts);
            String same = sameAsTorchvision(dir.resolve(name + ".keep.i64"), keep);
            System.out.printf("lumen       %-9s n=%d kept=%d median %.3f ms best %.3f ms (first call %.1f ms) %s%n",
                    name, scores.length, keep.length, ts[iters / 2], ts[0], cold, same);
        }
    }

    private static String sameAsTorchvision(Path file, int[] keep) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long[] want = new long[b.remaining() / 8];
        for (int i = 0; i < want.length; i++) {
            want[i] = b.getLong();
        }
        long[] got = Arrays.stream(keep).asLongStream().toArray();
        return Arrays.equals(want, got) ? "keep == torchvision" : "KEEP DIFFERS FROM TORCHVISION";
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }
}
