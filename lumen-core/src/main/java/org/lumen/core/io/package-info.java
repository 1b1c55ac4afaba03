/**
 * Files written atomically (a folder or file appears whole or not at all, never half-written or overwriting a
 * good checkpoint) and NumPy's .npy format for arrays that move to and from Python.
 */
package org.lumen.core.io;
