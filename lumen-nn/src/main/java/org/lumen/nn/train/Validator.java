package org.lumen.nn.train;

import java.util.Map;

/**
 * Validation after an epoch: metric name to value (the monitored metric among them), for a model of type
 * {@code M} as the task trains it.
 */
@FunctionalInterface
public interface Validator<M> {
    Map<String, Double> validate(M model);
}
