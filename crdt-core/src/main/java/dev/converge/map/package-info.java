/**
 * Replicated maps: {@link dev.converge.map.ORMap}, keys in an add-wins set with values merged by
 * their own lattice (the shopping cart with quantities is {@code ORMap<String, PNCounter>}).
 */
package dev.converge.map;
