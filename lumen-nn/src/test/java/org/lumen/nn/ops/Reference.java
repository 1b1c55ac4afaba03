package org.lumen.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.lumen.nn.weights.SafeTensors;

/** Tensors a reference script saved, read into NDArrays with their dtype (F32, F64, I64) and shape. */
final class Reference implements AutoCloseable {
    private final SafeTensors file;
    private final NDManager manager;

    Reference(Path path, NDManager manager) {
        this.file = SafeTensors.open(path);
        this.manager = manager;
    }

    NDArray get(String name) {
        SafeTensors.Entry e = file.entries().get(name);
        if (e == null) {
            throw new AssertionError("reference has no tensor " + name + " in " + file.path());
        }
        DataType type = switch (e.dtype()) {
            case F32 -> DataType.FLOAT32;
            case F64 -> DataType.FLOAT64;
            case I64 -> DataType.INT64;
            default -> throw new AssertionError(name + ": unexpected " + e.dtype());
        };
        return manager.create(file.read(e), new Shape(e.shape()), type);
    }

    boolean has(String name) {
        return file.entries().containsKey(name);
    }

    @Override
    public void close() {
        file.close();
    }

    /** max |a - b| / max(1, |b|) elementwise, NaN equal to NaN (and nowhere else). */
    static double maxRelDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new AssertionError("shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        double[] x = a.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] y = b.toType(DataType.FLOAT64, false).toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                if (Double.isNaN(x[i]) != Double.isNaN(y[i])) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            m = Math.max(m, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
        }
        return m;
    }
}
