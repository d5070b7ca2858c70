/**
 * Kryo serializers for every Converge type, with a stable, versioned, deterministic wire format.
 * Register them with {@link dev.converge.kryo.ConvergeKryo#register(com.esotericsoftware.kryo.Kryo)}.
 */
package dev.converge.kryo;
