package org.lumen.nn.explain;

/**
 * The projection of each position's channel vector on the first principal component, as pytorch-grad-cam's
 * {@code get_2d_projection}: rows are positions, columns channels, NaN read as 0, each channel centred over the
 * positions, then {@code X @ v1} with {@code v1} the first right singular vector of {@code X}.
 *
 * <p>A singular vector's sign is arbitrary (pytorch-grad-cam leaves it to LAPACK). Here it is fixed so that
 * {@code sum(v1) >= 0}: the projection grows with the total activation across channels.
 *
 * <p>{@code v1} comes from the smaller Gram matrix ({@code X X^T} or {@code X^T X}, side {@code min(h*w, C)}),
 * diagonalised by cyclic Jacobi rotations in double precision.
 */
final class Projection {
    private Projection() {}

    /** @param x {@code [positions][channels]}, modified (centred) in place */
    static double[] firstComponent(double[][] x) {
        int rows = x.length;
        int cols = x[0].length;
        for (int c = 0; c < cols; c++) {
            double mean = 0;
            for (double[] r : x) {
                r[c] = Double.isNaN(r[c]) ? 0 : r[c];
                mean += r[c];
            }
            mean /= rows;
            for (double[] r : x) {
                r[c] -= mean;
            }
        }
        double[] proj = new double[rows];
        double[] v = new double[cols];
        if (rows <= cols) { // u1 of X X^T; X^T u1 is parallel to v1
            double[][] g = new double[rows][rows];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j <= i; j++) {
                    g[i][j] = g[j][i] = dot(x[i], x[j]);
                }
            }
            double[] u = topEigenvector(g);
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < cols; c++) {
                    v[c] += u[i] * x[i][c];
                }
            }
            double norm = Math.sqrt(dot(v, v));
            for (int c = 0; c < cols && norm > 0; c++) {
                v[c] /= norm;
            }
        } else {
            double[][] g = new double[cols][cols];
            for (double[] r : x) {
                for (int i = 0; i < cols; i++) {
                    for (int j = 0; j <= i; j++) {
                        g[i][j] += r[i] * r[j];
                    }
                }
            }
            for (int i = 0; i < cols; i++) {
                for (int j = 0; j < i; j++) {
                    g[j][i] = g[i][j];
                }
            }
            v = topEigenvector(g);
        }
        double sum = 0;
        for (double e : v) {
            sum += e;
        }
        double sign = sum < 0 ? -1 : 1;
        for (int i = 0; i < rows; i++) {
            proj[i] = sign * dot(x[i], v);
        }
        return proj;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The eigenvector of the largest eigenvalue of a symmetric matrix (destroyed), unit length. */
    static double[] topEigenvector(double[][] a) {
        int m = a.length;
        double[][] v = new double[m][m];
        double total = 0;
        for (int i = 0; i < m; i++) {
            v[i][i] = 1;
            for (int j = 0; j < m; j++) {
                total += a[i][j] * a[i][j];
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < m; p++) {
                for (int q = p + 1; q < m; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off <= 1e-30 * total || total == 0) {
                break;
            }
            for (int p = 0; p < m; p++) {
                for (int q = p + 1; q < m; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < m; i++) {
            if (a[i][i] > a[best][best]) {
                best = i;
            }
        }
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
            e[i] = v[i][best];
        }
        return e;
    }

    /** One Jacobi rotation zeroing {@code a[p][q]} (Numerical Recipes' form): {@code a = P^T a P}, {@code v = v P}. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int m = a.length;
        for (int k = 0; k < m; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < m; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < m; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
