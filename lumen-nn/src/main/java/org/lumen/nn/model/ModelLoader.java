package org.lumen.nn.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * How {@link Model#load} finds the model type for a task: one loader per task ({@code classify},
 * {@code segment}, {@code detect}, and whatever a later module adds), registered as a
 * {@link ServiceLoader} provider in {@code META-INF/services/org.lumen.nn.model.ModelLoader}. The model layer
 * so sits below the task packages and names none of them; a new kind of model plugs in by adding a provider.
 */
public interface ModelLoader {
    /** The task this loader reads, as model.json names it. */
    String task();

    /** Where this task lists among the known ones in messages (lower first). */
    default int order() {
        return 100;
    }

    /** Loads {@code dir}, whose model.json names {@link #task()}; the caller closes the model. */
    Model load(ModelDir dir);

    /** Every registered loader, in {@link #order()}. */
    static List<ModelLoader> all() {
        List<ModelLoader> all = new ArrayList<>();
        ServiceLoader.load(ModelLoader.class, ModelLoader.class.getClassLoader()).forEach(all::add);
        all.sort(Comparator.comparingInt(ModelLoader::order).thenComparing(ModelLoader::task));
        return all;
    }
}
