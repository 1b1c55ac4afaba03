package org.lumen.core.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SersicProfileTest {

    /** b_n solves gamma(2n, b) = Gamma(2n) / 2; for n = 1 that is (1 + b) e^-b = 1/2, solved by hand below. */
    @Test
    void bnMatchesHandDerivedRoots() {
        double b = 1.6;
        for (int k = 0; k < 50; k++) { // Newton on f(b) = (1 + b) e^-b - 1/2, f'(b) = -b e^-b
            b -= ((1 + b) * Math.exp(-b) - 0.5) / (-b * Math.exp(-b));
        }
        assertEquals(1.678347, b, 1e-6);
        assertEquals(b, SersicProfile.bn(1), 1e-4); // the series is asymptotic: 4e-5 off at n = 1
        assertEquals(7.669249, SersicProfile.bn(4), 1e-5); // Ciotti & Bertin (1999), table 1
    }

    @Test
    void logGammaKnownValues() {
        assertEquals(Math.log(5040), SersicProfile.logGamma(8), 1e-12);
        assertEquals(Math.log(Math.sqrt(Math.PI)), SersicProfile.logGamma(0.5), 1e-12);
        assertEquals(0, SersicProfile.logGamma(1), 1e-12);
    }

    /** Integrating I(R) 2 pi q R dR numerically: unit total flux, and half of it inside r_e. */
    @ParameterizedTest
    @ValueSource(doubles = {1, 2.5, 4, 5})
    void halfTheLightIsInsideTheEffectiveRadius(double n) {
        SersicProfile p = new SersicProfile(n, 3, 0.7, 0.3);
        double total = enclosed(p, 1e4 * p.effectiveRadius());
        assertEquals(1, total, 1e-6);
        assertEquals(0.5, enclosed(p, p.effectiveRadius()), 1e-4);
    }

    /** Rendering onto pixels keeps the flux: the sum matches the analytic total, cusp included. */
    @ParameterizedTest
    @ValueSource(doubles = {1, 4})
    void renderedFluxMatchesAnalytic(double n) {
        int size = 200;
        SersicProfile p = new SersicProfile(n, n == 1 ? 8 : 2, 0.6, 0.8);
        double[] image = new double[size * size];
        p.render(image, size, 100.3, 99.6, 1000);
        double sum = 0;
        for (double v : image) {
            sum += v;
        }
        assertEquals(1000, sum, 1000 * 0.01); // beyond 12 r_e (n = 1) or 50 r_e (n = 4) is < 0.2% of the light
    }

    /** Simpson's rule in ln R from 1e-9 r_e: the integrand R^2 I(R) is smooth there for every n. */
    private static double enclosed(SersicProfile p, double radius) {
        double lo = Math.log(1e-9 * p.effectiveRadius()), hi = Math.log(radius);
        int steps = 20000;
        double h = (hi - lo) / steps, sum = 0;
        for (int k = 0; k <= steps; k++) {
            double r = Math.exp(lo + k * h);
            double f = p.intensityAtRadius(r) * 2 * Math.PI * p.axisRatio() * r * r;
            sum += f * (k == 0 || k == steps ? 1 : k % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }
}
