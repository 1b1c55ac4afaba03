package org.lumen.nn.explain;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017), as Captum's {@code GuidedGradCam}: guided backpropagation, summed over
 * channels, times the layer's Grad-CAM map after ReLU and before normalisation, upsampled to the input by
 * nearest-neighbour interpolation (source index {@code floor(dst * in / out)}). One layer (default: the model's
 * Grad-CAM layer).
 */
final class GuidedGradCam extends Attribution {
    private final Cam gradCam;

    GuidedGradCam(AttributionBuilder b) {
        super(b);
        this.gradCam = Cam.builder().setModel(b.model).setMethod("gradcam").optLayers(b.layers)
                .optBatchSize(b.batchSize).build();
    }

    @Override
    public List<String> layers() {
        return gradCam.settings().layerPaths();
    }

    @Override
    Attribution.Result attribute(Pixels image) {
        int c = image.c;
        int h = image.h;
        int w = image.w;
        float[] g = image.gradient(ReluRule.GUIDED);
        Explanation cam;
        try (NDManager local = image.scope().newSubManager()) {
            cam = gradCam.explain(local.create(image.x, new Shape(1, c, h, w)), new int[] {image.target}).get(0);
        }
        int rh = cam.rawHeight();
        int rw = cam.rawWidth();
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(rh - 1, (int) Math.floor(y * (double) rh / h));
            for (int xx = 0; xx < w; xx++) {
                int sx = Math.min(rw - 1, (int) Math.floor(xx * (double) rw / w));
                float up = cam.raw()[sy * rw + sx];
                double sum = 0;
                for (int ch = 0; ch < c; ch++) {
                    sum += g[(ch * h + y) * w + xx];
                }
                out[y * w + xx] = (float) (sum * up);
            }
        }
        return image.result(out, Double.NaN);
    }
}
