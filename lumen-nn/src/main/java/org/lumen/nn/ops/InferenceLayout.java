package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The memory layout inference hands its networks: channels-last ({@link Functional#channelsLast}) only on CPUs
 * where libtorch 2.7.1's channels-last convolutions were verified against torchvision, the default layout
 * everywhere else.
 *
 * <p>Why a gate. On x86-64 CPUs without AVX-512 that report their cache topology (the 2-core AMD EPYC Zen 3
 * machines this project is built and tested on), channels-last inference equals torchvision (the front-door parity
 * suite) and saves 15-35% of a forward pass. On a virtual AMD EPYC with AVX-512 that reports no cache sizes, the
 * same path gave logits 3.8% (resnet18) to 34% (squeezenet1_1) off torchvision's and depending on the batch size,
 * and 1x1 convolutions (resnet50, densenet121, the R-CNNs) killed the JVM with SIGFPE inside oneDNN's
 * {@code brgemm_convolution_utils::brg_blocking_t::est_eff_1x1}, which divides by cache sizes; the default layout
 * gave torchvision's logits there and ran. So: no AVX-512 (its brgemm kernels gave the wrong logits) and a known
 * cache topology (the blocking estimate needs it), or the default layout.
 *
 * <p>{@code -Dlumen.layout=auto|channels-last|default} (or the environment variable {@code LUMEN_LAYOUT}) overrides
 * the decision, for benchmarks and for checking a new CPU kind against the parity suite. Training and anything
 * that back-propagates always keep the default layout, whatever this says (libtorch 2.7's channels-last weight
 * gradients stray from the default layout's).
 */
public final class InferenceLayout {
    /** The override's property and environment variable names. */
    public static final String PROPERTY = "lumen.layout";
    public static final String ENVIRONMENT = "LUMEN_LAYOUT";

    private static final boolean CHANNELS_LAST = decide(setting(), CpuFacts.read());

    private InferenceLayout() {}

    /** Whether inference on this machine runs channels-last. */
    public static boolean channelsLast() {
        return CHANNELS_LAST;
    }

    /** {@code x [N, C, H, W]} in the layout inference uses on this machine: itself, or its channels-last copy. */
    public static NDArray of(NDArray x) {
        return CHANNELS_LAST ? Functional.channelsLast(x) : x;
    }

    /** What this machine's CPU tells about itself, as far as the decision needs it. */
    record CpuFacts(boolean x86, boolean avx512, boolean cacheTopology) {
        static CpuFacts read() {
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
            boolean avx512 = true; // unknown counts as the risky kind
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
                avx512 = lines.stream().filter(l -> l.startsWith("flags"))
                        .anyMatch(l -> List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")).contains("avx512f"));
            } catch (IOException | RuntimeException e) {
                // not Linux, or unreadable: keep the safe answer
            }
            Path cache = Path.of("/sys/devices/system/cpu/cpu0/cache");
            boolean topology = Files.isRegularFile(cache.resolve("index0/size"))
                    && Files.isRegularFile(cache.resolve("index2/size"));
            return new CpuFacts(x86, avx512, topology);
        }
    }

    private static String setting() {
        String s = System.getProperty(PROPERTY);
        if (s == null || s.isBlank()) {
            s = System.getenv(ENVIRONMENT);
        }
        return s == null || s.isBlank() ? "auto" : s.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * The decision: {@code setting} {@code channels-last} or {@code default} wins; {@code auto} (or anything
     * else) asks for an x86-64 CPU without AVX-512 that reports its cache topology.
     */
    static boolean decide(String setting, CpuFacts cpu) {
        return switch (setting) {
            case "channels-last", "channels_last", "nhwc" -> true;
            case "default", "nchw", "contiguous" -> false;
            default -> cpu.x86() && !cpu.avx512() && cpu.cacheTopology();
        };
    }
}
