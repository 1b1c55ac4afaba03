package org.lumen.nn.models;

import org.lumen.nn.module.Module;

/**
 * A whole network built by name for a class count and an input channel count: what a classification backbone
 * and a segmentation model both record of how they were made. Input {@code float32 [N, inChannels, H, W]}; what
 * comes out is the family's to say.
 */
public abstract class Network extends Module {
    private final String arch;
    private final int numClasses;
    private final int inChannels;

    protected Network(String arch, int numClasses, int inChannels) {
        this.arch = arch;
        this.numClasses = numClasses;
        this.inChannels = inChannels;
    }

    /** The name it was built from ({@code resnet18}, {@code unet-w16-d3}). */
    public final String arch() {
        return arch;
    }

    public final int numClasses() {
        return numClasses;
    }

    public final int inChannels() {
        return inChannels;
    }
}
