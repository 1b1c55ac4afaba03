package org.lumen.nn.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gate that keeps channels-last inference to the CPUs where it was verified. */
class InferenceLayoutTest {
    private static final InferenceLayout.CpuFacts VERIFIED = new InferenceLayout.CpuFacts(true, false, true);

    @Test
    void autoRunsChannelsLastOnlyOnX86WithoutAvx512AndWithCacheTopology() {
        assertTrue(InferenceLayout.decide("auto", VERIFIED));
        // the AVX-512 EPYC whose brgemm kernels gave logits 3.8-34% off
        assertFalse(InferenceLayout.decide("auto", new InferenceLayout.CpuFacts(true, true, true)));
        // no cache sizes: oneDNN's 1x1 blocking estimate divided by zero (SIGFPE)
        assertFalse(InferenceLayout.decide("auto", new InferenceLayout.CpuFacts(true, false, false)));
        assertFalse(InferenceLayout.decide("auto", new InferenceLayout.CpuFacts(false, false, true)));
        assertFalse(InferenceLayout.decide("something-else", new InferenceLayout.CpuFacts(true, true, false)));
    }

    @Test
    void anExplicitSettingWins() {
        assertFalse(InferenceLayout.decide("default", VERIFIED));
        assertTrue(InferenceLayout.decide("channels-last", new InferenceLayout.CpuFacts(true, true, false)));
    }

    @Test
    void thisMachinesFactsAreReadable() {
        InferenceLayout.CpuFacts facts = InferenceLayout.CpuFacts.read();
        assertTrue(InferenceLayout.channelsLast() == InferenceLayout.decide("auto", facts)
                || System.getProperty(InferenceLayout.PROPERTY) != null || System.getenv(InferenceLayout.ENVIRONMENT) != null);
    }
}
