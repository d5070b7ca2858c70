/**
 * Shared machinery of Converge's types. Not exported by the module: no API, no compatibility promise.
 */
package dev.converge.internal;
