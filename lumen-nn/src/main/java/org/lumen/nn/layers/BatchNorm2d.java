package org.lumen.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lumen.nn.module.Init;
import org.lumen.nn.module.Module;
import org.lumen.nn.module.Parameter;
import org.lumen.nn.ops.Functional;

/**
 * {@code torch.nn.BatchNorm2d}: {@code weight}, {@code bias}, buffers {@code running_mean}, {@code running_var}
 * and {@code num_batches_tracked} (int64 scalar, kept so state dicts round-trip with PyTorch's).
 * In training mode it uses batch statistics and updates the running ones (momentum 0.1 by default);
 * otherwise it uses the running statistics. A frozen batch norm (transfer learning) always uses them.
 */
public final class BatchNorm2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter batchesTracked;
    private final double eps;
    private final double momentum;

    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1);
    }

    public BatchNorm2d(int channels, double eps, double momentum) {
        Shape c = new Shape(channels);
        this.weight = weight("weight", c, Init.ONES);
        this.bias = weight("bias", c, Init.ZEROS);
        this.runningMean = buffer("running_mean", c, DataType.FLOAT32, Init.ZEROS);
        this.runningVar = buffer("running_var", c, DataType.FLOAT32, Init.ONES);
        this.batchesTracked = buffer("num_batches_tracked", new Shape(), DataType.INT64, Init.ZEROS);
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override
    protected NDArray forward(NDArray x) {
        boolean batchStats = isTraining() && !weight.frozen();
        if (batchStats) {
            batchesTracked.value().addi(1);
        }
        return Functional.batchNorm(x, runningMean.value(), runningVar.value(), weight.value(), bias.value(),
                batchStats, momentum, eps);
    }
}
