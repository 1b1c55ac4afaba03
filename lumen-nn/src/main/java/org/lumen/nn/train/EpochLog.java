package org.lumen.nn.train;

import java.io.IOException;
import java.util.Map;

/** Receives one row per finished epoch (for {@code results.csv}): metric name to value, in column order. */
@FunctionalInterface
public interface EpochLog {
    void append(int epoch, Map<String, Double> row) throws IOException;
}
