package org.lumen.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GaussianPsfTest {

    @Test
    void erfKnownValues() {
        assertEquals(0.8427007929, GaussianPsf.erf(1), 2e-7);
        assertEquals(-0.9953222650, GaussianPsf.erf(-2), 2e-7);
        assertEquals(0, GaussianPsf.erf(0), 1e-9);
    }

    /** A point source comes out with total flux kept and variance sigma^2 + 1/12 (the pixel's own width). */
    @Test
    void convolvingAPointKeepsFluxAndAddsTheVariance() {
        int size = 41;
        double[] image = new double[size * size];
        image[20 * size + 20] = 500;
        GaussianPsf psf = new GaussianPsf(1.7);
        double[] out = psf.convolve(image, size);
        double sum = 0, varX = 0;
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                sum += out[j * size + i];
                varX += out[j * size + i] * (i - 20) * (i - 20);
            }
        }
        assertEquals(500, sum, 1e-9);
        assertEquals(1.7 * 1.7 + 1.0 / 12, varX / sum, 0.01);
    }

    @Test
    void addedGaussianHasItsFluxAndCentre() {
        int size = 40;
        double[] image = new double[size * size];
        GaussianPsf.addGaussian(image, size, 17.3, 22.8, 1.4, 250);
        double sum = 0, mx = 0, my = 0;
        for (int p = 0; p < image.length; p++) {
            sum += image[p];
            mx += image[p] * (p % size + 0.5);
            my += image[p] * (p / size + 0.5);
        }
        assertEquals(250, sum, 1e-3);
        assertEquals(17.3, mx / sum, 1e-3);
        assertEquals(22.8, my / sum, 1e-3);
    }
}
