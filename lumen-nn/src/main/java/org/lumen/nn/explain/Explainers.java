package org.lumen.nn.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import org.lumen.core.LumenException;
import org.lumen.nn.module.Module;

/**
 * Every explanation method by name: the CAM family ({@link Cam#methods()}) and the attributions to input pixels
 * ({@link Attribution#methods()}), built for a model by {@link #create}.
 */
public final class Explainers {
    private Explainers() {}

    /** Every method name, CAMs first, each in its registry's order. */
    public static List<String> methods() {
        List<String> all = new ArrayList<>(Cam.methods());
        all.addAll(Attribution.methods());
        return List.copyOf(all);
    }

    /**
     * The explainer {@code method} names for {@code model}: a CAM on {@code layers} (empty: {@code defaultLayers},
     * and if those are empty too the model's own default), or an attribution. guided-gradcam reads its Grad-CAM
     * from the same layers; the other attributions take none, so {@code layers} given with them is refused.
     *
     * @param layers the layers asked for (empty or null: none asked for)
     * @param defaultLayers the layers a CAM uses when none are asked for (e.g. a detector's neck); may be empty
     * @param counterfactual negate the gradients (CAMs only; refused for an attribution)
     * @param attributionOptions the attribution's options on top of its defaults (model and method already set)
     * @throws LumenException for an unknown method, a bad layer or option (each a setting: {@code method},
     *     {@code layer}, {@code counterfactual}, ...)
     */
    public static Explainer create(Module model, String method, List<String> layers, List<String> defaultLayers,
            boolean counterfactual, UnaryOperator<AttributionBuilder> attributionOptions) {
        List<String> asked = layers == null ? List.of() : layers;
        List<String> camLayers = asked.isEmpty() ? defaultLayers : asked;
        if (Attribution.isAttribution(method)) {
            if (counterfactual) {
                throw LumenException.setting("counterfactual", "is for the CAM family");
            }
            boolean guided = method.toLowerCase(Locale.ROOT).equals("guided-gradcam");
            return attributionOptions.apply(Attribution.builder().setModel(model).setMethod(method))
                    .optLayers(guided ? camLayers : asked).build();
        }
        return Cam.builder().setModel(model).setMethod(method).optLayers(camLayers).optCounterfactual(counterfactual)
                .build();
    }

    /** The canonical name an explainer reports under: its method's, else its class's simple name. */
    public static String name(Explainer e) {
        return e instanceof Cam c ? c.settings().method() : e instanceof Attribution a ? a.method()
                : e.getClass().getSimpleName();
    }
}
